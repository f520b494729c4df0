package io.gantry.control.server.proto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import io.gantry.control.server.json.Json;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Converts a Kubernetes protobuf message into the JSON Go's {@code encoding/json} writes for the
 * same Go object, by walking the descriptor.
 *
 * <ul>
 *   <li>Field names are the proto names (generated.proto uses the JSON names); fields come in
 *       declaration order, which follows the Go struct.
 *   <li>Singular scalars equal to zero are left out, as Go's {@code omitempty} would, unless
 *       {@link GoPointerFields} says the Go field is a pointer. Map values and list elements are
 *       kept as they are. Empty lists and maps are left out.
 *   <li>A message present on the wire is written even when empty ({@code "spec":{}}), as Go
 *       writes non-pointer structs; {@link GoInlineFields} are merged into their parent.
 *   <li>Special types: {@code Time} → RFC 3339 seconds ({@code 2024-01-01T00:00:00Z}), left out
 *       when its message is empty (Go's zero time, JSON {@code null}); {@code MicroTime} → RFC 3339
 *       with six fraction digits; {@code Duration} → Go duration string; {@code IntOrString} →
 *       number or string; {@code Quantity} → its string; {@code FieldsV1} and {@code
 *       RawExtension} → their raw bytes parsed as JSON; {@code bytes} → base64.
 *   <li>Unknown fields with a non-zero value are an error (a newer client sent something this
 *       server's types cannot hold); unknown zero values are ignored, since Go marshals every
 *       non-pointer field and JSON would have left the zero out anyway.
 * </ul>
 */
final class MessageJson {

  private static final String META = "k8s.io.apimachinery.pkg.apis.meta.v1.";
  private static final String TIME = META + "Time";
  private static final String MICRO_TIME = META + "MicroTime";
  private static final String DURATION = META + "Duration";
  private static final String FIELDS_V1 = META + "FieldsV1";
  private static final String RAW_EXTENSION = "k8s.io.apimachinery.pkg.runtime.RawExtension";
  private static final String INT_OR_STRING = "k8s.io.apimachinery.pkg.util.intstr.IntOrString";
  private static final String QUANTITY = "k8s.io.apimachinery.pkg.api.resource.Quantity";
  private static final String QUANTITY_VALUE =
      "k8s.io.apimachinery.pkg.api.resource.QuantityValue";

  private static final DateTimeFormatter RFC3339 =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter RFC3339_MICRO =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
  private static final long MIN_SECONDS = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
  private static final long MAX_SECONDS = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private MessageJson() {}

  /** The JSON object for a top-level message. */
  static ObjectNode convert(Message message) throws ProtobufBodyException {
    ObjectNode out = NODES.objectNode();
    fields(message, out, "");
    return out;
  }

  private static void fields(Message message, ObjectNode out, String path)
      throws ProtobufBodyException {
    checkUnknown(message.getUnknownFields(), path);
    for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
      String name = GoJsonNames.of(field);
      if (field.isMapField()) {
        List<?> entries = (List<?>) message.getField(field);
        if (!entries.isEmpty()) {
          out.set(name, map(field, entries, join(path, name)));
        }
      } else if (field.isRepeated()) {
        List<?> values = (List<?>) message.getField(field);
        if (!values.isEmpty()) {
          ArrayNode array = out.putArray(name);
          for (int i = 0; i < values.size(); i++) {
            array.add(orNull(value(field, values.get(i), join(path, name) + "[" + i + "]")));
          }
        }
      } else if (message.hasField(field)) {
        Object value = message.getField(field);
        if (GoInlineFields.isInline(field)) {
          fields((Message) value, out, path);
        } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
            || !isZero(value) || GoPointerFields.keepsZero(field)) {
          JsonNode node = value(field, value, join(path, name));
          if (node != null) {
            out.set(name, node);
          }
        }
      }
    }
  }

  private static ObjectNode map(FieldDescriptor field, List<?> entries, String path)
      throws ProtobufBodyException {
    FieldDescriptor keyField = field.getMessageType().findFieldByNumber(1);
    FieldDescriptor valueField = field.getMessageType().findFieldByNumber(2);
    ObjectNode object = NODES.objectNode();
    for (Object entry : entries) {
      Message message = (Message) entry;
      checkUnknown(message.getUnknownFields(), path);
      String key = String.valueOf(message.getField(keyField));
      // A repeated key keeps the last value, as Go's map decoding does.
      JsonNode value = value(valueField, message.getField(valueField), path + "[" + key + "]");
      object.set(key, orNull(value));
    }
    return object;
  }

  /** One value as JSON; null means "leave the field out" (a zero Time). */
  private static JsonNode value(FieldDescriptor field, Object value, String path)
      throws ProtobufBodyException {
    return switch (field.getJavaType()) {
      case STRING -> NODES.textNode((String) value);
      case BOOLEAN -> NODES.booleanNode((Boolean) value);
      case INT -> number(unsigned32(field) ? Integer.toUnsignedLong((Integer) value)
          : (long) (Integer) value);
      case LONG -> unsigned64(field) && (Long) value < 0
          ? NODES.numberNode(new BigInteger(Long.toUnsignedString((Long) value)))
          : number((Long) value);
      case FLOAT -> finite(((Float) value).doubleValue(), path);
      case DOUBLE -> finite((Double) value, path);
      case BYTE_STRING -> NODES.textNode(Base64.getEncoder().encodeToString(
          ((ByteString) value).toByteArray()));
      case ENUM -> NODES.textNode(((EnumValueDescriptor) value).getName());
      case MESSAGE -> message((Message) value, path);
    };
  }

  private static JsonNode message(Message message, String path) throws ProtobufBodyException {
    String type = message.getDescriptorForType().getFullName();
    switch (type) {
      case TIME, MICRO_TIME, DURATION, FIELDS_V1, RAW_EXTENSION, INT_OR_STRING, QUANTITY,
          QUANTITY_VALUE -> checkUnknown(message.getUnknownFields(), path);
      default -> {
        ObjectNode object = NODES.objectNode();
        fields(message, object, path);
        return object;
      }
    }
    return switch (type) {
      case TIME -> time(message, RFC3339, path);
      case MICRO_TIME -> time(message, RFC3339_MICRO, path);
      case DURATION -> NODES.textNode(io.gantry.common.text.GoDuration.format(longField(message, "duration")));
      case FIELDS_V1 -> rawJson(bytesField(message, "Raw"), path);
      case RAW_EXTENSION -> rawJson(bytesField(message, "raw"), path);
      case INT_OR_STRING -> intOrString(message, path);
      default -> NODES.textNode(stringField(message, "string")); // Quantity, QuantityValue
    };
  }

  /** Go's Time and MicroTime: an empty message is the zero time (JSON null, left out here). */
  private static JsonNode time(Message message, DateTimeFormatter format, String path)
      throws ProtobufBodyException {
    if (message.getAllFields().isEmpty()) {
      return null;
    }
    long seconds = longField(message, "seconds");
    if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
      throw new ProtobufBodyException(
          path + ": time " + seconds + "s since 1970 (expected: a year from 0 to 9999)");
    }
    // Time ignores nanos (kube-apiserver's JSON keeps whole seconds); MicroTime keeps micros.
    long nanos = format == RFC3339 ? 0 : (Integer) field(message, "nanos");
    return NODES.textNode(format.format(Instant.ofEpochSecond(seconds, nanos)));
  }

  private static JsonNode intOrString(Message message, String path)
      throws ProtobufBodyException {
    long type = longField(message, "type");
    if (type == 0) {
      return number((Integer) field(message, "intVal"));
    }
    if (type == 1) {
      return NODES.textNode(stringField(message, "strVal"));
    }
    throw new ProtobufBodyException(path + ": IntOrString type " + type + " (expected: 0 or 1)");
  }

  private static JsonNode rawJson(ByteString raw, String path) throws ProtobufBodyException {
    if (raw.isEmpty()) {
      return null;
    }
    try {
      return Json.parse(raw.toByteArray());
    } catch (IOException e) {
      throw new ProtobufBodyException(path + ": embedded raw object is not JSON: "
          + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j
              ? j.getOriginalMessage() : e.getMessage()), e);
    }
  }

  private static void checkUnknown(UnknownFieldSet unknown, String path)
      throws ProtobufBodyException {
    for (Map.Entry<Integer, UnknownFieldSet.Field> e : unknown.asMap().entrySet()) {
      UnknownFieldSet.Field f = e.getValue();
      boolean zero = f.getGroupList().isEmpty()
          && f.getVarintList().stream().allMatch(v -> v == 0)
          && f.getFixed32List().stream().allMatch(v -> v == 0)
          && f.getFixed64List().stream().allMatch(v -> v == 0)
          && f.getLengthDelimitedList().stream().allMatch(ByteString::isEmpty);
      if (!zero) {
        throw new ProtobufBodyException((path.isEmpty() ? "object" : path)
            + ": unknown field number " + e.getKey() + " with a value this server cannot"
            + " represent (the client's Kubernetes types are newer than the server's; send the"
            + " object as JSON instead)");
      }
    }
  }

  private static boolean isZero(Object value) {
    return switch (value) {
      case String s -> s.isEmpty();
      case Boolean b -> !b;
      case Integer i -> i == 0;
      case Long l -> l == 0;
      case Float f -> f == 0;
      case Double d -> d == 0;
      case ByteString b -> b.isEmpty();
      case EnumValueDescriptor v -> v.getNumber() == 0;
      default -> false;
    };
  }

  /** The node Jackson parses the same number into, so decoded and parsed JSON compare equal. */
  private static JsonNode number(long value) {
    return value == (int) value ? NODES.numberNode((int) value) : NODES.numberNode(value);
  }

  private static JsonNode finite(double value, String path) throws ProtobufBodyException {
    if (!Double.isFinite(value)) {
      throw new ProtobufBodyException(path + ": " + value + " (expected: a finite number)");
    }
    return NODES.numberNode(value);
  }

  private static boolean unsigned32(FieldDescriptor f) {
    return f.getType() == FieldDescriptor.Type.UINT32
        || f.getType() == FieldDescriptor.Type.FIXED32;
  }

  private static boolean unsigned64(FieldDescriptor f) {
    return f.getType() == FieldDescriptor.Type.UINT64
        || f.getType() == FieldDescriptor.Type.FIXED64;
  }

  private static Object field(Message message, String name) {
    return message.getField(message.getDescriptorForType().findFieldByName(name));
  }

  private static long longField(Message message, String name) {
    return ((Number) field(message, name)).longValue();
  }

  private static String stringField(Message message, String name) {
    return (String) field(message, name);
  }

  private static ByteString bytesField(Message message, String name) {
    return (ByteString) field(message, name);
  }

  private static JsonNode orNull(JsonNode node) {
    return node == null ? NODES.nullNode() : node;
  }

  private static String join(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }
}
