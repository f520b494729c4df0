package io.gantry.cni.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * One plugin call as the launcher sends it, after its token line: one line of {@code NAME=VALUE} fields,
 * each ended by a tab, for the variables it has and then for {@code stdin}; in values backslash, tab,
 * newline and NUL are escaped as {@code \\}, {@code \t}, {@code \n} and {@code \0}. One line leaves bash in one
 * write.
 */
record Invocation(Map<String, String> environment, byte[] stdin) {
  /** What a call reads from its environment: the spec's parameters and the name it was invoked by. */
  static final Set<String> VARIABLES = Set.of("CNI_COMMAND", "CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME",
      "CNI_ARGS", "CNI_PATH", "GANTRY_CNI_NAME");
  /** The launcher sends at most 1 MiB and a byte of stdin, escaped; {@code Main} refuses it over 1 MiB. */
  static final int MAX_CALL = 4 << 20;

  static Invocation read(InputStream in) throws IOException {
    Map<String, String> environment = new HashMap<>();
    ByteArrayOutputStream value = new ByteArrayOutputStream();
    StringBuilder name = new StringBuilder();
    boolean inName = true;
    for (int size = 0, b = in.read(); ; size++, b = in.read()) {
      if (b < 0) {
        throw new ProtocolException("the caller closed the connection before the end of the call");
      }
      if (size == MAX_CALL) {
        throw new ProtocolException("a call longer than " + MAX_CALL + " bytes");
      }
      if (inName) {
        if (b == '=') {
          inName = false;
        } else if (b == '\t' || b == '\n' || name.length() == 64) {
          throw new ProtocolException("expected NAME=VALUE, got \"" + name + "\"");
        } else {
          name.append((char) b);
        }
      } else if (b == '\\') {
        int escaped = in.read();
        size++;
        value.write(switch (escaped) {
          case '\\' -> '\\';
          case 't' -> '\t';
          case 'n' -> '\n';
          case '0' -> 0;
          case -1 -> throw new ProtocolException("the caller closed the connection before the end of the call");
          default -> throw new ProtocolException("an unknown escape in " + name + ": \\" + (char) escaped);
        });
      } else if (b == '\t') {
        String field = name.toString();
        if (field.equals("stdin")) {
          if (in.read() != '\n') {
            throw new ProtocolException("stdin must be the last field of the call");
          }
          return new Invocation(Map.copyOf(environment), value.toByteArray());
        }
        if (!VARIABLES.contains(field)) {
          throw new ProtocolException("unknown variable " + field + " (expected one of " + VARIABLES + " or stdin)");
        }
        if (environment.put(field, value.toString(StandardCharsets.UTF_8)) != null) {
          throw new ProtocolException(field + " sent twice");
        }
        name.setLength(0);
        value.reset();
        inName = true;
      } else if (b == '\n') {
        throw new ProtocolException("the call ended without stdin");
      } else {
        value.write(b);
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
}
