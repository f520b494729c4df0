package io.gantry.cni.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * One plugin call as the launcher sends it, after its token line: each variable it has as
 * {@code NAME LENGTH\n} and that many bytes, then {@code stdin LENGTH\n} and the network configuration.
 * Lengths are in bytes; a variable the caller did not have is not sent.
 */
record Invocation(Map<String, String> environment, byte[] stdin) {
  /** What a call reads from its environment: the spec's parameters and the name it was invoked by. */
  static final Set<String> VARIABLES = Set.of("CNI_COMMAND", "CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME",
      "CNI_ARGS", "CNI_PATH", "GANTRY_CNI_NAME");
  static final int MAX_VARIABLE = 64 * 1024;
  /** Read whole so the caller can finish writing; {@code Main} refuses more than its own limit. */
  static final int MAX_STDIN = 16 << 20;
  private static final int MAX_LINE = 256;

  static Invocation read(InputStream in) throws IOException {
    Map<String, String> environment = new HashMap<>();
    while (true) {
      String header = line(in, MAX_LINE);
      int space = header.indexOf(' ');
      String name = space < 0 ? header : header.substring(0, space);
      int length = space < 0 ? -1 : length(header.substring(space + 1));
      if (length < 0) {
        throw new ProtocolException("expected NAME LENGTH, got \"" + header + "\"");
      }
      if (name.equals("stdin")) {
        if (length > MAX_STDIN) {
          throw new ProtocolException("stdin of " + length + " bytes is over the limit of " + MAX_STDIN);
        }
        return new Invocation(Map.copyOf(environment), exactly(in, length));
      }
      if (!VARIABLES.contains(name)) {
        throw new ProtocolException("unknown variable " + name + " (expected one of " + VARIABLES + " or stdin)");
      }
      if (length > MAX_VARIABLE) {
        throw new ProtocolException(name + " of " + length + " bytes is over the limit of " + MAX_VARIABLE);
      }
      if (environment.put(name, new String(exactly(in, length), StandardCharsets.UTF_8)) != null) {
        throw new ProtocolException(name + " sent twice");
      }
    }
  }

  /** A line without its {@code \n}, of at most {@code max} bytes. */
  static String line(InputStream in, int max) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new ProtocolException("the caller closed the connection in the middle of a line");
      }
      if (line.length() == max) {
        throw new ProtocolException("a line longer than " + max + " bytes");
      }
      line.append((char) b);
    }
    return line.toString();
  }

  private static int length(String digits) {
    if (digits.isEmpty() || digits.length() > 9) {
      return -1;
    }
    for (int i = 0; i < digits.length(); i++) {
      if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
        return -1;
      }
    }
    return Integer.parseInt(digits);
  }

  private static byte[] exactly(InputStream in, int length) throws IOException {
    byte[] bytes = in.readNBytes(length);
    if (bytes.length < length) {
      throw new ProtocolException("the caller closed the connection after " + bytes.length + " of " + length
          + " bytes");
    }
    return bytes;
  }
}
