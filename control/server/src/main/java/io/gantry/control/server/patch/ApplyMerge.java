package io.gantry.control.server.patch;

import static io.gantry.control.server.patch.Directives.child;
import static io.gantry.control.server.patch.Directives.where;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.api.yaml.YamlTrees;
import io.gantry.control.server.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The merge half of server-side apply: the applied configuration is merged into the live object the
 * way a strategic merge patch without directives would be: maps merge, lists with a merge key merge by
 * that key, lists of scalars with a merge rule become a union, other lists are replaced, and fields the
 * configuration does not mention are kept. Ownership, conflicts and the removal of what a manager
 * stopped applying are {@code io.gantry.control.server.managedfields}'s.
 *
 * <p>Simplifications against real server-side apply: merging
 * keyed lists uses the
 * strategic-merge key ({@code port} for Service ports) rather than the apply list-map keys
 * ({@code port}+{@code protocol}); an explicit {@code null} in the configuration is ignored.
 * Directive keys ({@code $patch} and the like) are rejected: they are not fields.
 */
final class ApplyMerge {

  /** The largest body accepted, as for any request body. */
  static final int MAX_BODY_BYTES = 3 * 1024 * 1024;

  private ApplyMerge() {}

  /** Returns {@code live} with {@code applied} merged in; neither argument is modified. */
  static ObjectNode apply(MergeKeys keys, ObjectNode live, ObjectNode applied) throws PatchException {
    ObjectNode configuration = applied.deepCopy();
    clean("", configuration);
    return new StrategicMergePatch(keys).apply(live, configuration);
  }

  /** Drops {@code null}s and rejects directive keys, in place. */
  private static void clean(String path, JsonNode node) throws PatchException {
    if (node instanceof ObjectNode object) {
      List<String> nulls = new ArrayList<>();
      for (Map.Entry<String, JsonNode> member : object.properties()) {
        if (Directives.isDirective(member.getKey())) {
          throw new PatchException(where(path) + ": field \"" + member.getKey()
              + "\" is not allowed in an apply configuration (patch directives are for strategic merge patches)");
        }
        if (member.getValue().isNull()) {
          nulls.add(member.getKey());
        } else {
          clean(child(path, member.getKey()), member.getValue());
        }
      }
      object.remove(nulls);
    } else if (node instanceof ArrayNode array) {
      for (JsonNode element : array) {
        clean(path, element);
      }
    }
  }

  /** Parses an apply body: JSON, or a single YAML document; it must be an object. */
  static ObjectNode parse(byte[] body) throws PatchException {
    if (body.length > MAX_BODY_BYTES) {
      throw new PatchException("the apply configuration is " + body.length + " bytes (expected: at most "
          + MAX_BODY_BYTES + ")");
    }
    List<JsonNode> documents;
    try {
      documents = looksLikeJson(body) ? documents(body) : YamlTrees.readAll(body);
    } catch (IOException | RuntimeException json) {
      try {
        documents = YamlTrees.readAll(body); // YAML flow style also starts with { or [
      } catch (IOException | RuntimeException yaml) {
        throw new PatchException("the apply configuration is neither valid JSON nor valid YAML: " + message(yaml));
      }
    }
    if (documents.size() != 1 || !documents.get(0).isObject()) {
      throw new PatchException(documents.size() > 1
          ? "the apply configuration holds " + documents.size() + " documents (expected: one object)"
          : "the apply configuration must be a JSON or YAML object");
    }
    return (ObjectNode) documents.get(0);
  }

  /** Every non-empty top-level JSON document; a top-level array is one document, not several. */
  private static List<JsonNode> documents(byte[] json) throws IOException {
    List<JsonNode> documents = new ArrayList<>();
    try (JsonParser parser = Json.MAPPER.createParser(json)) {
      while (parser.nextToken() != null) {
        JsonNode document = Json.MAPPER.readTree(parser);
        if (document != null && !document.isNull() && !document.isMissingNode()) {
          documents.add(document);
        }
      }
    }
    return documents;
  }

  private static boolean looksLikeJson(byte[] body) {
    for (byte b : body) {
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        return b == '{' || b == '[';
      }
    }
    return false;
  }

  private static String message(Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
