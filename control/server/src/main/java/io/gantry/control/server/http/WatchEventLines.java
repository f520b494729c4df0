package io.gantry.control.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;

/**
 * Encodes watch events as JSON lines, once per event for all the watches that send the same
 * object: the store delivers one event to every watch in turn, so remembering the last
 * encoding (by object identity) turns N encodings into one.
 */
final class WatchEventLines {

  private record Encoded(String type, ObjectNode object, byte[] line) {}

  private static volatile Encoded last = new Encoded(null, null, null);

  private WatchEventLines() {}

  /** The line {@code {"type":...,"object":...}\n}; callers must not modify the returned array. */
  static byte[] encode(String type, ObjectNode object) {
    Encoded cached = last;
    if (cached.object() == object && type.equals(cached.type())) {
      return cached.line();
    }
    ObjectNode event = Json.object();
    event.put("type", type);
    event.set("object", object);
    byte[] json = Json.bytes(event);
    byte[] line = java.util.Arrays.copyOf(json, json.length + 1);
    line[json.length] = '\n';
    last = new Encoded(type, object, line);
    return line;
  }
}
