package io.gantry.cni;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON as plain Java values ({@code Map<String,Object>} in key order, {@code List<Object>}, {@code String},
 * {@code Long}/{@code Double}, {@code Boolean}, {@code null}) over jackson-core's streaming API, which
 * loads a fraction of the classes databind would.
 */
public final class Json {
  /** Bounds what a configuration may be: a network config is a few KiB. */
  static final int MAX_DEPTH = 64;

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(MAX_DEPTH).maxStringLength(1 << 20).maxNumberLength(64).build())
      .build();

  private Json() {}

  /** Parses one JSON document; trailing content other than whitespace is an error. */
  public static Object parse(String text) throws IOException {
    try (JsonParser parser = FACTORY.createParser(text)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw new IOException("empty document");
      }
      Object value = read(parser, first);
      if (parser.nextToken() != null) {
        throw new IOException("trailing content after the JSON document at " + parser.currentLocation());
      }
      return value;
    }
  }

  /** Parses a sequence of JSON documents (as {@code ip -j -batch} prints them). */
  public static List<Object> parseAll(String text) throws IOException {
    List<Object> values = new ArrayList<>();
    try (JsonParser parser = FACTORY.createParser(text)) {
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        values.add(read(parser, token));
      }
    }
    return values;
  }

  private static Object read(JsonParser parser, JsonToken token) throws IOException {
    switch (token) {
      case START_OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          map.put(name, read(parser, parser.nextToken()));
        }
        return map;
      }
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        JsonToken next;
        while ((next = parser.nextToken()) != JsonToken.END_ARRAY) {
          list.add(read(parser, next));
        }
        return list;
      }
      case VALUE_STRING -> {
        return parser.getText();
      }
      case VALUE_NUMBER_INT -> {
        return parser.getLongValue();
      }
      case VALUE_NUMBER_FLOAT -> {
        return parser.getDoubleValue();
      }
      case VALUE_TRUE -> {
        return Boolean.TRUE;
      }
      case VALUE_FALSE -> {
        return Boolean.FALSE;
      }
      case VALUE_NULL -> {
        return null;
      }
      default -> throw new IOException("unexpected " + token + " at " + parser.currentLocation());
    }
  }

  /** Writes a value tree as compact JSON. */
  public static String write(Object value) {
    StringWriter out = new StringWriter();
    try (JsonGenerator generator = FACTORY.createGenerator(out)) {
      generator.useDefaultPrettyPrinter();
      write(generator, value);
    } catch (IOException e) {
      throw new IllegalStateException("writing to a string cannot fail", e);
    }
    return out.toString();
  }

  private static void write(JsonGenerator generator, Object value) throws IOException {
    if (value == null) {
      generator.writeNull();
    } else if (value instanceof Map<?, ?> map) {
      generator.writeStartObject();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        generator.writeFieldName(String.valueOf(entry.getKey()));
        write(generator, entry.getValue());
      }
      generator.writeEndObject();
    } else if (value instanceof List<?> list) {
      generator.writeStartArray();
      for (Object item : list) {
        write(generator, item);
      }
      generator.writeEndArray();
    } else if (value instanceof String s) {
      generator.writeString(s);
    } else if (value instanceof Boolean b) {
      generator.writeBoolean(b);
    } else if (value instanceof Integer i) {
      generator.writeNumber(i);
    } else if (value instanceof Long l) {
      generator.writeNumber(l);
    } else if (value instanceof Double d) {
      generator.writeNumber(d);
    } else {
      generator.writeString(value.toString());
    }
  }
}
