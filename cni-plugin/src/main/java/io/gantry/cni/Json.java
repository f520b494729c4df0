package io.gantry.cni;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON (RFC 8259) as plain Java values: {@code Map<String,Object>} in key order, {@code List<Object>},
 * {@code String}, {@code Long}/{@code Double}, {@code Boolean}, {@code null}.
 *
 * <p>Written for this executable rather than taken from a library: the plugin runs once per pod, and
 * the first parse through jackson-core cost more than the rest of a DEL (its parser's static
 * initialisation pulls in {@code BigDecimal} and the fork-join pool). Input is a network
 * configuration from the runtime or the output of {@code ip -j}, so it is bounded: nesting depth,
 * string and number length.
 */
public final class Json {
  /** Bounds what a configuration may be: a network config is a few KiB. */
  static final int MAX_DEPTH = 64;
  static final int MAX_STRING = 1 << 20;
  static final int MAX_NUMBER = 64;

  private final String text;
  private int pos;

  private Json(String text) {
    this.text = text;
  }

  /** Parses one JSON document; trailing content other than whitespace is an error. */
  public static Object parse(String text) throws IOException {
    Json json = new Json(text);
    json.skipSpace();
    if (json.pos == text.length()) {
      throw new IOException("empty document");
    }
    Object value = json.value(0);
    json.skipSpace();
    if (json.pos != text.length()) {
      throw json.error("trailing content after the JSON document");
    }
    return value;
  }

  /** Parses a sequence of JSON documents separated by whitespace (as {@code ip -j -batch} prints them). */
  public static List<Object> parseAll(String text) throws IOException {
    Json json = new Json(text);
    List<Object> values = new ArrayList<>();
    json.skipSpace();
    while (json.pos < text.length()) {
      values.add(json.value(0));
      json.skipSpace();
    }
    return values;
  }

  private Object value(int depth) throws IOException {
    if (depth >= MAX_DEPTH) {
      throw error("nesting deeper than " + MAX_DEPTH);
    }
    char c = peek();
    switch (c) {
      case '{':
        return object(depth + 1);
      case '[':
        return array(depth + 1);
      case '"':
        return string();
      case 't':
        literal("true");
        return Boolean.TRUE;
      case 'f':
        literal("false");
        return Boolean.FALSE;
      case 'n':
        literal("null");
        return null;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw error("unexpected character " + describe(c));
    }
  }

  private Map<String, Object> object(int depth) throws IOException {
    Map<String, Object> map = new LinkedHashMap<>();
    pos++; // {
    skipSpace();
    if (peek() == '}') {
      pos++;
      return map;
    }
    while (true) {
      if (peek() != '"') {
        throw error("expected a field name in quotes, found " + describe(peek()));
      }
      String name = string();
      skipSpace();
      expect(':');
      skipSpace();
      map.put(name, value(depth));
      skipSpace();
      char c = peek();
      pos++;
      if (c == '}') {
        return map;
      }
      if (c != ',') {
        pos--;
        throw error("expected ',' or '}' in an object, found " + describe(c));
      }
      skipSpace();
    }
  }

  private List<Object> array(int depth) throws IOException {
    List<Object> list = new ArrayList<>();
    pos++; // [
    skipSpace();
    if (peek() == ']') {
      pos++;
      return list;
    }
    while (true) {
      list.add(value(depth));
      skipSpace();
      char c = peek();
      pos++;
      if (c == ']') {
        return list;
      }
      if (c != ',') {
        pos--;
        throw error("expected ',' or ']' in an array, found " + describe(c));
      }
      skipSpace();
    }
  }

  private String string() throws IOException {
    pos++; // opening quote
    StringBuilder out = null;
    int start = pos;
    while (true) {
      if (pos >= text.length()) {
        throw error("unterminated string");
      }
      char c = text.charAt(pos);
      if (c == '"') {
        String s = out == null ? text.substring(start, pos) : out.append(text, start, pos).toString();
        pos++;
        return s;
      }
      if (c < 0x20) {
        throw error("unescaped control character " + describe(c) + " in a string");
      }
      if (pos - start > MAX_STRING || (out != null && out.length() > MAX_STRING)) {
        throw error("string longer than " + MAX_STRING + " characters");
      }
      if (c != '\\') {
        pos++;
        continue;
      }
      if (out == null) {
        out = new StringBuilder();
      }
      out.append(text, start, pos);
      pos++;
      if (pos >= text.length()) {
        throw error("unterminated string");
      }
      char escaped = text.charAt(pos++);
      switch (escaped) {
        case '"', '\\', '/' -> out.append(escaped);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> out.append(unicodeEscape());
        default -> {
          pos--;
          throw error("invalid escape \\" + escaped);
        }
      }
      start = pos;
    }
  }

  private char unicodeEscape() throws IOException {
    if (pos + 4 > text.length()) {
      throw error("truncated \\u escape");
    }
    int code = 0;
    for (int i = 0; i < 4; i++) {
      int digit = Character.digit(text.charAt(pos + i), 16);
      if (digit < 0) {
        throw error("invalid \\u escape");
      }
      code = code * 16 + digit;
    }
    pos += 4;
    return (char) code;
  }

  private Object number() throws IOException {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    if (peek() == '0') {
      pos++;
    } else if (!digits()) {
      throw error("a number needs digits");
    }
    boolean integral = true;
    if (peek() == '.') {
      pos++;
      integral = false;
      if (!digits()) {
        throw error("a fraction needs digits");
      }
    }
    if (peek() == 'e' || peek() == 'E') {
      pos++;
      integral = false;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      if (!digits()) {
        throw error("an exponent needs digits");
      }
    }
    if (pos - start > MAX_NUMBER) {
      throw error("number longer than " + MAX_NUMBER + " characters");
    }
    String literal = text.substring(start, pos);
    try {
      return integral ? (Object) Long.parseLong(literal) : (Object) Double.parseDouble(literal);
    } catch (NumberFormatException e) {
      pos = start;
      throw error("number " + literal + " is out of range (expected: a 64-bit integer)");
    }
  }

  private boolean digits() {
    int start = pos;
    while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
      pos++;
    }
    return pos > start;
  }

  private void literal(String word) throws IOException {
    if (!text.startsWith(word, pos)) {
      throw error("unexpected character " + describe(peek()) + " (expected: " + word + ")");
    }
    pos += word.length();
  }

  private void expect(char c) throws IOException {
    if (peek() != c) {
      throw error("expected '" + c + "', found " + describe(peek()));
    }
    pos++;
  }

  /** The current character, or {@code \0} at the end (which no rule accepts there). */
  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private void skipSpace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private String describe(char c) {
    if (pos >= text.length()) {
      return "end of input";
    }
    return c >= 0x20 && c < 0x7f ? "'" + c + "'" : "U+" + Integer.toHexString(0x10000 | c).substring(1);
  }

  private IOException error(String what) {
    int line = 1;
    int column = 1;
    for (int i = 0; i < pos && i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    return new IOException(what + " at line " + line + ", column " + column);
  }

  /** Writes a value tree as compact JSON. */
  public static String write(Object value) {
    StringBuilder out = new StringBuilder(256);
    write(out, value);
    return out.toString();
  }

  private static void write(StringBuilder out, Object value) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        writeString(out, String.valueOf(entry.getKey()));
        out.append(':');
        write(out, entry.getValue());
      }
      out.append('}');
    } else if (value instanceof List<?> list) {
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        write(out, list.get(i));
      }
      out.append(']');
    } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
      out.append(value);
    } else if (value instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) {
        out.append("null"); // JSON has no such numbers
      } else {
        out.append(d.doubleValue());
      }
    } else {
      writeString(out, value.toString());
    }
  }

  private static void writeString(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
