package io.gantry.control.server.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.TypedDecoding;
import io.gantry.control.server.resource.ResourceType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code fieldValidation} option of create, update and patch: fields the object's type does
 * not have ({@code unknown field "spec.foo"}) and fields given twice ({@code duplicate field
 * "spec.replicas"}) are ignored ({@code Ignore}), answered as {@code Warning} headers ({@code Warn},
 * the default) or refused with 400 ({@code Strict}), as kube-apiserver's strict decoding does.
 */
final class FieldValidation {

  private FieldValidation() {}

  /**
   * Checks a request body that describes an object of {@code type} (for patches: the patch, whose
   * {@code $} directives are not fields) and returns the warnings to send.
   *
   * @throws ApiException 400 for an unknown {@code fieldValidation} value, or for problems under {@code Strict}
   */
  static List<String> check(ResourceType type, ApiRequest request, JsonNode body) throws ApiException {
    String mode = request.param("fieldValidation");
    mode = mode == null || mode.isEmpty() ? "Warn" : mode;
    if (!mode.equals("Ignore") && !mode.equals("Warn") && !mode.equals("Strict")) {
      throw ApiException.badRequest("fieldValidation: " + mode + " (expected: Ignore, Warn or Strict)");
    }
    if (mode.equals("Ignore") || !(body instanceof ObjectNode object)) {
      return List.of();
    }
    List<String> problems = new ArrayList<>();
    TypedDecoding.unknownFields(type, withoutDirectives(object)).forEach(f -> problems.add("unknown field \"" + f + "\""));
    duplicates(request).forEach(f -> problems.add("duplicate field \"" + f + "\""));
    if (problems.isEmpty()) {
      return List.of();
    }
    if (mode.equals("Strict")) {
      throw ApiException.badRequest(type.kind() + " in version \"" + type.version() + "\" cannot be handled as a "
          + type.kind() + ": strict decoding error: " + String.join(", ", problems));
    }
    return List.copyOf(problems);
  }

  /** A copy without strategic merge patch directives ({@code $patch}, {@code $setElementOrder/...}). */
  private static ObjectNode withoutDirectives(ObjectNode object) {
    ObjectNode copy = object.deepCopy();
    strip(copy);
    return copy;
  }

  private static void strip(JsonNode node) {
    if (node instanceof ObjectNode object) {
      List<String> directives = new ArrayList<>();
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        if (field.getKey().startsWith("$")) {
          directives.add(field.getKey());
        } else {
          strip(field.getValue());
        }
      }
      object.remove(directives);
    } else if (node != null && node.isArray()) {
      node.forEach(FieldValidation::strip);
    }
  }

  /** Paths of the object keys that occur twice in the JSON or YAML body, in document order. */
  private static List<String> duplicates(ApiRequest request) {
    String type = RequestBodies.mediaType(request.contentType());
    JsonFactory factory;
    if (type.isEmpty() || type.equals("application/json") || type.endsWith("+json")) {
      factory = Json.MAPPER.getFactory();
    } else if (type.equals("application/yaml") || type.equals("application/apply-patch+yaml")) {
      factory = Json.YAML.getFactory();
    } else {
      return List.of();
    }
    List<String> found = new ArrayList<>();
    try (JsonParser parser = factory.createParser(request.body())) {
      if (parser.nextToken() != null) {
        value(parser, "", found);
      }
    } catch (IOException | RuntimeException e) {
      return found; // the body was decoded before; a parser limit here only ends the search
    }
    return found;
  }

  private static void value(JsonParser parser, String path, List<String> found) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.START_OBJECT) {
      Set<String> seen = new HashSet<>();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        String child = path.isEmpty() ? name : path + "." + name;
        if (!seen.add(name)) {
          found.add(child);
        }
        parser.nextToken();
        value(parser, child, found);
      }
    } else if (token == JsonToken.START_ARRAY) {
      int i = 0;
      for (JsonToken next = parser.nextToken(); next != null && next != JsonToken.END_ARRAY; next = parser.nextToken()) {
        value(parser, path + "[" + i++ + "]", found);
      }
    }
  }
}
