package io.gantry.control.server.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;

/**
 * JSON patch, RFC 6902: {@code add}, {@code remove}, {@code replace}, {@code move}, {@code copy} and
 * {@code test}, applied in order; the first failing operation fails the whole patch. Members of an
 * operation other than the ones its {@code op} uses are ignored, as the RFC requires.
 */
final class JsonPatch {

  /**
   * The most bytes all {@code copy} operations of one patch may duplicate, as kube-apiserver bounds
   * them (its request size limit); without it, each copy could double the document.
   */
  static final long MAX_COPIED_BYTES = 3 * 1024 * 1024;

  private JsonPatch() {}

  /** Returns {@code document} patched; neither argument is modified. */
  static JsonNode apply(JsonNode document, ArrayNode operations) throws PatchException {
    JsonNode doc = document.deepCopy();
    long[] copied = {0};
    for (int i = 0; i < operations.size(); i++) {
      JsonNode operation = operations.get(i);
      if (!operation.isObject()) {
        throw new PatchException("JSON patch operation " + i + " is not a JSON object: " + JsonValues.brief(operation));
      }
      doc = applyOne(doc, (ObjectNode) operation, i, copied);
    }
    return doc;
  }

  private static JsonNode applyOne(JsonNode doc, ObjectNode operation, int index, long[] copied)
      throws PatchException {
    String op = member(operation, "op", index, "");
    JsonPointer path = JsonPointer.parse(member(operation, "path", index, op));
    switch (op) {
      case "add":
        return add(doc, path, value(operation, index, op).deepCopy());
      case "remove":
        remove(doc, path);
        return doc;
      case "replace":
        return replace(doc, path, value(operation, index, op).deepCopy());
      case "move": {
        JsonPointer from = JsonPointer.parse(member(operation, "from", index, op));
        if (from.equals(path)) {
          require(doc, from);
          return doc;
        }
        if (path.startsWith(from)) {
          throw new PatchException("move operation cannot move " + from + " into its own child " + path);
        }
        JsonNode value = require(doc, from);
        remove(doc, from);
        return add(doc, path, value);
      }
      case "copy": {
        JsonPointer from = JsonPointer.parse(member(operation, "from", index, op));
        JsonNode value = require(doc, from);
        copied[0] += Json.bytes(value).length;
        if (copied[0] > MAX_COPIED_BYTES) {
          throw new PatchException("JSON patch operation " + index + " (copy) would copy more than "
              + MAX_COPIED_BYTES + " bytes in total (expected: at most that much copied by one patch)");
        }
        return add(doc, path, value.deepCopy());
      }
      case "test": {
        JsonNode expected = value(operation, index, op);
        JsonNode actual = require(doc, path);
        if (!JsonValues.equal(actual, expected)) {
          throw new PatchException("test failed: the value at " + path + " is " + JsonValues.brief(actual)
              + " (expected: " + JsonValues.brief(expected) + ")");
        }
        return doc;
      }
      default:
        throw new PatchException("JSON patch operation " + index + " has unknown op \"" + op
            + "\" (expected: add, remove, replace, move, copy or test)");
    }
  }

  private static JsonNode add(JsonNode doc, JsonPointer path, JsonNode value) throws PatchException {
    if (path.isRoot()) {
      return value;
    }
    JsonNode parent = require(doc, path.parent());
    String token = path.last();
    if (parent instanceof ObjectNode object) {
      object.set(token, value);
    } else if (parent instanceof ArrayNode array) {
      int at = token.equals("-") ? array.size() : index(path, token, array.size());
      array.insert(at, value);
    } else {
      throw new PatchException("cannot add " + path + ": " + path.parent() + " is not an object or array");
    }
    return doc;
  }

  private static void remove(JsonNode doc, JsonPointer path) throws PatchException {
    if (path.isRoot()) {
      throw new PatchException("cannot remove the whole document");
    }
    require(doc, path);
    JsonNode parent = require(doc, path.parent());
    if (parent instanceof ObjectNode object) {
      object.remove(path.last());
    } else {
      ((ArrayNode) parent).remove(index(path, path.last(), parent.size() - 1));
    }
  }

  private static JsonNode replace(JsonNode doc, JsonPointer path, JsonNode value) throws PatchException {
    require(doc, path);
    if (path.isRoot()) {
      return value;
    }
    JsonNode parent = require(doc, path.parent());
    if (parent instanceof ObjectNode object) {
      object.set(path.last(), value);
    } else {
      ((ArrayNode) parent).set(index(path, path.last(), parent.size() - 1), value);
    }
    return doc;
  }

  /** The value at {@code path}, or an error naming the missing path. */
  private static JsonNode require(JsonNode doc, JsonPointer path) throws PatchException {
    JsonNode node = doc;
    for (String token : path.tokens()) {
      if (node instanceof ObjectNode object) {
        node = object.get(token);
      } else if (node instanceof ArrayNode array && isIndex(token) && token.length() < 10
          && Integer.parseInt(token) < array.size()) {
        node = array.get(Integer.parseInt(token));
      } else {
        node = null;
      }
      if (node == null) {
        throw new PatchException("doc is missing path: " + path);
      }
    }
    return node;
  }

  /** Parses an array index token, which must lie in {@code 0..max}. */
  private static int index(JsonPointer path, String token, int max) throws PatchException {
    if (!isIndex(token)) {
      throw new PatchException("invalid array index \"" + token + "\" in " + path
          + " (expected: a non-negative integer without leading zeros, or - to append)");
    }
    long value = token.length() > 10 ? Long.MAX_VALUE : Long.parseLong(token);
    if (value > max) {
      throw new PatchException("array index " + token + " in " + path + " is out of bounds (expected: 0 to " + max + ")");
    }
    return (int) value;
  }

  private static boolean isIndex(String token) {
    if (token.isEmpty() || (token.length() > 1 && token.charAt(0) == '0')) {
      return false;
    }
    for (int i = 0; i < token.length(); i++) {
      if (token.charAt(i) < '0' || token.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static String member(ObjectNode operation, String name, int index, String op) throws PatchException {
    JsonNode value = operation.get(name);
    if (value == null || !value.isTextual()) {
      throw new PatchException("JSON patch operation " + index + (op.isEmpty() ? "" : " (" + op + ")")
          + " is missing the string member \"" + name + "\"");
    }
    return value.textValue();
  }

  private static JsonNode value(ObjectNode operation, int index, String op) throws PatchException {
    JsonNode value = operation.get("value");
    if (value == null) {
      throw new PatchException("JSON patch operation " + index + " (" + op + ") is missing the member \"value\"");
    }
    return value;
  }
}
