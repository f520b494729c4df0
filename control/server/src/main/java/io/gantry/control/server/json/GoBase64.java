package io.gantry.control.server.json;

import java.util.Base64;

/**
 * Go's {@code encoding/base64} StdEncoding as its JSON decoder reads {@code []byte} fields: the
 * standard alphabet with its padding, line breaks skipped. Where it stops on bad input is what its
 * errors name ({@code illegal base64 data at input byte N}).
 */
public final class GoBase64 {

  private GoBase64() {}

  /** Where decoding stops on {@code text}: a byte outside the alphabet, or an unfinished quantum; -1 if none. */
  public static int firstBadByte(String text) {
    int inQuantum = 0;
    int quantumStart = 0;
    boolean padding = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\r' || c == '\n') {
        continue;
      }
      boolean alphabet = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/';
      if (c == '=') {
        if (inQuantum < 2) {
          return i;
        }
        padding = true;
      } else if (!alphabet || padding) {
        return i;
      }
      if (inQuantum == 0) {
        quantumStart = i;
      }
      inQuantum = (inQuantum + 1) % 4;
    }
    return inQuantum == 0 ? -1 : quantumStart;
  }

  /** The bytes of {@code text}, or null when Go would refuse it. */
  public static byte[] decode(String text) {
    return firstBadByte(text) >= 0 ? null : Base64.getDecoder().decode(text.replace("\r", "").replace("\n", ""));
  }
}
