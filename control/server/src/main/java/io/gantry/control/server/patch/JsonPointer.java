package io.gantry.control.server.patch;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed JSON Pointer (RFC 6901): the reference tokens with {@code ~1} and {@code ~0} unescaped.
 *
 * @param text   the pointer as written, for messages
 * @param tokens the unescaped reference tokens; empty for the whole document
 */
record JsonPointer(String text, List<String> tokens) {

  JsonPointer {
    tokens = List.copyOf(tokens);
  }

  /** Parses {@code text}; {@code ""} is the whole document, anything else starts with {@code /}. */
  static JsonPointer parse(String text) throws PatchException {
    if (text.isEmpty()) {
      return new JsonPointer(text, List.of());
    }
    if (text.charAt(0) != '/') {
      throw new PatchException("invalid JSON pointer \"" + text + "\" (expected: empty, or starting with /)");
    }
    List<String> tokens = new ArrayList<>();
    for (String raw : text.substring(1).split("/", -1)) {
      tokens.add(unescape(text, raw));
    }
    return new JsonPointer(text, tokens);
  }

  private static String unescape(String pointer, String raw) throws PatchException {
    if (raw.indexOf('~') < 0) {
      return raw;
    }
    StringBuilder out = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c != '~') {
        out.append(c);
        continue;
      }
      char next = i + 1 < raw.length() ? raw.charAt(i + 1) : 0;
      if (next == '0') {
        out.append('~');
      } else if (next == '1') {
        out.append('/');
      } else {
        throw new PatchException("invalid JSON pointer \"" + pointer + "\": ~ must be followed by 0 or 1");
      }
      i++;
    }
    return out.toString();
  }

  boolean isRoot() {
    return tokens.isEmpty();
  }

  /** The pointer to the containing object or array; only for non-root pointers. */
  JsonPointer parent() {
    int slash = text.lastIndexOf('/');
    return new JsonPointer(text.substring(0, slash), tokens.subList(0, tokens.size() - 1));
  }

  /** The last reference token; only for non-root pointers. */
  String last() {
    return tokens.get(tokens.size() - 1);
  }

  /** Whether this pointer names {@code other} or something inside it. */
  boolean startsWith(JsonPointer other) {
    return tokens.size() >= other.tokens.size() && tokens.subList(0, other.tokens.size()).equals(other.tokens);
  }

  @Override
  public String toString() {
    return text;
  }
}
