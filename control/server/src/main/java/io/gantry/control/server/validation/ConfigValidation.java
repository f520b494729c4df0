package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.control.server.json.GoBase64;
import io.gantry.control.server.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** ConfigMaps and Secrets: data keys, sizes, Secret types' required keys, base64 values, {@code immutable}. */
final class ConfigValidation {

  /** Upstream {@code MaxSecretSize}, also the ConfigMap limit: 1 MiB. */
  static final int MAX_SIZE = 1024 * 1024;
  private static final FieldPath DATA = FieldPath.root("data");
  private static final FieldPath BINARY_DATA = FieldPath.root("binaryData");

  private ConfigValidation() {}

  static void validateConfigMap(JsonNode cm, List<FieldError> errs) {
    JsonNode data = Nodes.field(cm, "data");
    JsonNode binary = Nodes.field(cm, "binaryData");
    long size = 0;
    for (Map.Entry<String, String> e : Nodes.stringMap(data).entrySet()) {
      keys(e.getKey(), DATA, errs);
      if (binary.has(e.getKey())) {
        errs.add(FieldError.invalid(DATA.key(e.getKey()), e.getKey(), "duplicate of key present in binaryData"));
      }
      size += e.getValue().getBytes(StandardCharsets.UTF_8).length;
    }
    for (Map.Entry<String, String> e : Nodes.stringMap(binary).entrySet()) {
      keys(e.getKey(), BINARY_DATA, errs);
      if (data.has(e.getKey())) {
        errs.add(FieldError.invalid(BINARY_DATA.key(e.getKey()), e.getKey(), "duplicate of key present in data"));
      }
      byte[] decoded = base64(e.getValue(), BINARY_DATA.key(e.getKey()), errs);
      size += decoded == null ? 0 : decoded.length;
    }
    if (size > MAX_SIZE) {
      errs.add(FieldError.tooLong(FieldPath.root(""), MAX_SIZE));
    }
  }

  static void validateSecret(JsonNode secret, List<FieldError> errs) {
    JsonNode data = Nodes.field(secret, "data");
    long size = 0;
    for (Map.Entry<String, String> e : Nodes.stringMap(data).entrySet()) {
      keys(e.getKey(), DATA, errs);
      byte[] decoded = base64(e.getValue(), DATA.key(e.getKey()), errs);
      size += decoded == null ? 0 : decoded.length;
    }
    // stringData is merged into data before kube-apiserver validates, so its errors name data[key].
    for (Map.Entry<String, String> e : Nodes.stringMap(Nodes.field(secret, "stringData")).entrySet()) {
      if (!data.has(e.getKey())) {
        keys(e.getKey(), DATA, errs);
      }
      size += e.getValue().getBytes(StandardCharsets.UTF_8).length;
    }
    if (size > MAX_SIZE) {
      errs.add(FieldError.tooLong(DATA, MAX_SIZE));
    }
    requiredKeys(secret, errs);
  }

  private static void requiredKeys(JsonNode secret, List<FieldError> errs) {
    String type = Nodes.text(secret, "type", "Opaque");
    switch (type) {
      case "kubernetes.io/service-account-token" -> {
        if (Nodes.text(Nodes.path(secret, "metadata", "annotations"), "kubernetes.io/service-account.name", "").isEmpty()) {
          errs.add(FieldError.required(FieldPath.root("metadata", "annotations").key("kubernetes.io/service-account.name"),
              ""));
        }
      }
      case "kubernetes.io/dockercfg" -> requireJsonObject(secret, ".dockercfg", errs);
      case "kubernetes.io/dockerconfigjson" -> requireJsonObject(secret, ".dockerconfigjson", errs);
      case "kubernetes.io/basic-auth" -> {
        if (!hasKey(secret, "username") && !hasKey(secret, "password")) {
          errs.add(FieldError.required(DATA.key("username"), ""));
          errs.add(FieldError.required(DATA.key("password"), ""));
        }
      }
      case "kubernetes.io/ssh-auth" -> {
        byte[] key = decoded(secret, "ssh-privatekey");
        if (key == null || key.length == 0) { // len(data["ssh-privatekey"]) > 0
          errs.add(FieldError.required(DATA.key("ssh-privatekey"), ""));
        }
      }
      case "kubernetes.io/tls" -> {
        requireKey(secret, "tls.crt", errs);
        requireKey(secret, "tls.key", errs);
      }
      default -> { }
    }
  }

  /** A docker config key, which ValidateSecret unmarshals into a map: present, and a JSON object. */
  private static void requireJsonObject(JsonNode secret, String key, List<FieldError> errs) {
    if (!hasKey(secret, key)) {
      errs.add(FieldError.required(DATA.key(key), ""));
      return;
    }
    byte[] bytes = decoded(secret, key);
    if (bytes == null) {
      return; // not base64: reported with the data
    }
    String text = new String(bytes, StandardCharsets.UTF_8).strip();
    String problem;
    try {
      JsonNode value = Json.MAPPER.readTree(text);
      problem = value == null || value.isMissingNode() ? "unexpected end of JSON input"
          : value.isObject() || value.isNull() ? null
          : "json: cannot unmarshal " + (value.isArray() ? "array" : value.isTextual() ? "string"
              : value.isBoolean() ? "bool" : "number") + " into Go value of type map[string]interface {}";
    } catch (IOException e) {
      problem = text.isEmpty() ? "unexpected end of JSON input"
          : "invalid character '" + text.charAt(0) + "' looking for beginning of value";
    }
    if (problem != null) {
      errs.add(FieldError.invalid(DATA.key(key), "<secret contents redacted>", problem));
    }
  }

  /** The bytes of a data key (stringData is merged into data before validation), or null. */
  private static byte[] decoded(JsonNode secret, String key) {
    JsonNode value = Nodes.field(secret, "data").get(key);
    return value == null || !value.isTextual() ? null : GoBase64.decode(value.asText());
  }

  private static boolean hasKey(JsonNode secret, String key) {
    return Nodes.field(secret, "data").has(key) || Nodes.field(secret, "stringData").has(key);
  }

  private static void requireKey(JsonNode secret, String key, List<FieldError> errs) {
    if (!hasKey(secret, key)) {
      errs.add(FieldError.required(DATA.key(key), ""));
    }
  }

  private static void keys(String key, FieldPath map, List<FieldError> errs) {
    NameRules.configMapKey(key).forEach(m -> errs.add(FieldError.invalid(map.key(key), key, m)));
  }

  /** Go's {@code encoding/base64} StdEncoding ({@link GoBase64}); its error names the first bad byte's offset. */
  private static byte[] base64(String value, FieldPath path, List<FieldError> errs) {
    byte[] bytes = GoBase64.decode(value);
    if (bytes == null) {
      errs.add(FieldError.invalid(path, "<secret contents redacted>",
          "illegal base64 data at input byte " + GoBase64.firstBadByte(value)));
    }
    return bytes;
  }

  /** Immutable ConfigMaps and Secrets keep their data and stay immutable; a Secret's type never changes. */
  static void validateUpdate(String kind, JsonNode object, JsonNode old, List<FieldError> errs) {
    if (kind.equals("Secret")) {
      MetadataValidation.immutable(FieldPath.root("type"), Nodes.text(object, "type", "Opaque"),
          Nodes.text(old, "type", "Opaque"), errs);
    }
    if (!Nodes.field(old, "immutable").asBoolean(false)) {
      return;
    }
    if (!Nodes.field(object, "immutable").asBoolean(false)) {
      errs.add(FieldError.forbidden(FieldPath.root("immutable"), "field is immutable when `immutable` is set"));
    }
    List<String> fields = kind.equals("Secret") ? List.of("data") : List.of("data", "binaryData");
    for (String field : fields) {
      boolean stringData = field.equals("data") && !Nodes.field(object, "stringData").isEmpty();
      if (stringData || !Nodes.field(object, field).equals(Nodes.field(old, field))) {
        errs.add(FieldError.forbidden(FieldPath.root(field), "field is immutable when `immutable` is set"));
      }
    }
  }
}
