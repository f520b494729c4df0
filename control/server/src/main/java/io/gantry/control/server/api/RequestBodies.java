package io.gantry.control.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.api.yaml.YamlTrees;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.proto.ProtobufBodies;
import io.gantry.control.server.proto.ProtobufBodyException;
import java.io.IOException;
import java.util.Locale;

/** Decodes request bodies by Content-Type: JSON (also when the header is missing), YAML, protobuf. */
final class RequestBodies {

  private RequestBodies() {}

  static ObjectNode object(ApiRequest request) throws ApiException {
    JsonNode node = tree(request);
    if (!(node instanceof ObjectNode object)) {
      throw ApiException.badRequest("the request body must be a JSON object");
    }
    return object;
  }

  /** The body as a JSON tree; null for an empty body. */
  static JsonNode tree(ApiRequest request) throws ApiException {
    if (request.body().length == 0) {
      return null;
    }
    String type = mediaType(request.contentType());
    try {
      if (type.equals(ProtobufBodies.CONTENT_TYPE)) {
        return ProtobufBodies.decode(request.body());
      }
      if (type.equals("application/yaml") || type.equals("application/x-yaml") || type.equals("text/yaml")) {
        return YamlTrees.readOne(request.body());
      }
      if (type.isEmpty() || type.equals("application/json") || type.endsWith("+json") || type.equals("*/*")) {
        return Json.parse(request.body());
      }
    } catch (ProtobufBodyException e) {
      throw ApiException.badRequest("the protobuf body could not be decoded: " + e.getMessage());
    } catch (IOException e) {
      throw ApiException.badRequest("the request body could not be decoded: " + firstLine(e.getMessage()));
    }
    throw ApiException.unsupportedMediaType(request.contentType());
  }

  static String mediaType(String contentType) {
    int semicolon = contentType.indexOf(';');
    return (semicolon >= 0 ? contentType.substring(0, semicolon) : contentType).trim().toLowerCase(Locale.ROOT);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "malformed input";
    }
    int newline = message.indexOf('\n');
    return newline >= 0 ? message.substring(0, newline) : message;
  }
}
