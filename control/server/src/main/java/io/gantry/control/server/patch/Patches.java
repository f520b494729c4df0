package io.gantry.control.server.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.resource.ResourceType;
import java.util.Objects;

/**
 * The patch engine's entry point: applies a patch of any {@link PatchType} to a live object, as pure
 * functions over Jackson trees. Checks the patch's shape and that the result is still an object of
 * the same {@code apiVersion} and {@code kind}; everything else about the result (names,
 * {@code metadata.resourceVersion} preconditions, validation) is the caller's to check.
 */
public final class Patches {

  private static final String[] IDENTITY = {"apiVersion", "kind"};

  private Patches() {}

  /**
   * Returns a new object: {@code live} patched. Never modifies {@code live} or {@code patch}.
   *
   * @param type         the patch format, from the request's Content-Type
   * @param resourceType the kind of {@code live}; selects the strategic merge keys
   * @param live         the stored object
   * @param patch        the parsed request body (for {@link PatchType#APPLY_PATCH}, see
   *                     {@link #parseApplyBody(byte[])})
   * @throws PatchException if the patch is malformed, does not apply, or changes apiVersion or kind
   */
  public static ObjectNode apply(PatchType type, ResourceType resourceType, ObjectNode live, JsonNode patch)
      throws PatchException {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(resourceType, "resourceType");
    Objects.requireNonNull(live, "live");
    Objects.requireNonNull(patch, "patch");
    ObjectNode result = switch (type) {
      case JSON_PATCH -> {
        if (!(patch instanceof ArrayNode operations)) {
          throw new PatchException("a JSON patch must be a JSON array of operations, not " + JsonValues.brief(patch));
        }
        JsonNode patched = JsonPatch.apply(live, operations);
        if (!(patched instanceof ObjectNode object)) {
          throw new PatchException("the JSON patch would turn the object into " + JsonValues.brief(patched)
              + " (expected: a JSON object)");
        }
        yield object;
      }
      case MERGE_PATCH -> (ObjectNode) JsonMergePatch.apply(live, requireObject(patch));
      case STRATEGIC_MERGE_PATCH ->
          new StrategicMergePatch(MergeKeys.forType(resourceType)).apply(live, requireObject(patch));
      case APPLY_PATCH -> ApplyMerge.apply(MergeKeys.forType(resourceType), live, requireObject(patch));
    };
    keepIdentity(live, result);
    return result;
  }

  /**
   * Parses the body of an {@code application/apply-patch+yaml} request, which kubectl sends as JSON
   * and other clients as YAML: one document, an object.
   */
  public static JsonNode parseApplyBody(byte[] body) throws PatchException {
    Objects.requireNonNull(body, "body");
    return ApplyMerge.parse(body);
  }

  private static ObjectNode requireObject(JsonNode patch) throws PatchException {
    if (patch instanceof ObjectNode object) {
      return object;
    }
    throw new PatchException("the patch must be a JSON object, not " + JsonValues.brief(patch));
  }

  /**
   * A patch may not change {@code apiVersion} or {@code kind}. One that drops them (a merge patch
   * {@code null}, a {@code $patch: replace} of the whole object) gets the live values back: dropping
   * is not a change of type.
   */
  private static void keepIdentity(ObjectNode live, ObjectNode result) throws PatchException {
    for (String field : IDENTITY) {
      JsonNode before = live.get(field);
      JsonNode after = result.get(field);
      if (before == null) {
        continue;
      }
      if (after == null || after.isNull()) {
        result.set(field, before.deepCopy());
      } else if (!before.equals(after)) {
        throw new PatchException("the patch changes " + field + " from " + before + " to " + after
            + "; the " + field + " of an object cannot be changed");
      }
    }
  }
}
