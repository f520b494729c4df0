package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.resource.ParsedQuantity;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.Store;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * kube-apiserver's RuntimeClass admission plugin, on pod creation only, with the RuntimeClass the pod
 * names read from the store at the time of the request:
 * <ul>
 *   <li>a class that does not exist refuses the pod (403 {@code pod rejected: RuntimeClass "x" not found});
 *   <li>mutating ({@code Admit}): the class's {@code overhead.podFixed} becomes the pod's
 *       {@code spec.overhead} (a pod that sets a different one is refused), its
 *       {@code scheduling.nodeSelector} is merged into the pod's (a key with another value is refused)
 *       and its {@code scheduling.tolerations} are merged into the pod's as {@link TolerationMerge};
 *   <li>validating ({@code Validate}, after every mutating plugin): the pod's overhead must be its class's,
 *       and a pod without a class that has an overhead is refused.
 * </ul>
 */
public final class RuntimeClassAdmission implements WritePlugin {

  private final Store store;

  /** @param store where RuntimeClasses are read */
  public RuntimeClassAdmission(Store store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  @Override
  public void admitCreate(ResourceType type, ObjectNode pod) throws ApiException {
    if (type != ResourceTypes.PODS) {
      return;
    }
    JsonNode runtimeClass = runtimeClass(pod);
    if (runtimeClass == null) {
      return;
    }
    ObjectNode spec = Defaults.spec(pod);
    JsonNode overhead = runtimeClass.path("overhead");
    if (overhead.isObject()) {
      JsonNode podFixed = overhead.path("podFixed");
      if (spec.hasNonNull("overhead") && !sameResources(podFixed, spec.get("overhead"))) {
        throw overheadMismatch(pod);
      }
      if (podFixed.isObject()) {
        spec.set("overhead", podFixed.deepCopy());
      } else {
        spec.remove("overhead");
      }
    }
    JsonNode scheduling = runtimeClass.path("scheduling");
    if (scheduling.isObject()) {
      mergeNodeSelector(pod, spec, scheduling.path("nodeSelector"));
      ArrayNode tolerations = TolerationMerge.merge(spec.path("tolerations"), scheduling.path("tolerations"));
      if (!tolerations.isEmpty()) {
        spec.set("tolerations", tolerations);
      }
    }
  }

  @Override
  public TxnParts beforeWrite(ResourceType type, ObjectNode pod, ObjectNode old) throws ApiException {
    if (type != ResourceTypes.PODS || old != null) {
      return TxnParts.NONE;
    }
    JsonNode runtimeClass = runtimeClass(pod);
    JsonNode podOverhead = Defaults.spec(pod).path("overhead");
    if (runtimeClass != null && runtimeClass.path("overhead").isObject()) {
      if (!sameResources(runtimeClass.path("overhead").path("podFixed"), podOverhead)) {
        throw overheadMismatch(pod);
      }
    } else if (!podOverhead.isMissingNode() && !podOverhead.isNull()) {
      throw ApiException.forbidden(type, ObjectMeta.name(pod),
          "pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead");
    }
    return TxnParts.NONE;
  }

  /** The class the pod names, null without one; 403 when it names one that does not exist. */
  private JsonNode runtimeClass(ObjectNode pod) throws ApiException {
    JsonNode name = pod.path("spec").path("runtimeClassName");
    if (!name.isTextual()) {
      return null;
    }
    return store.get(ResourceTypes.RUNTIMECLASSES.key(null, name.asText()))
        .map(kv -> (JsonNode) StoredObjects.decode(ResourceTypes.RUNTIMECLASSES, kv))
        .orElseThrow(() -> ApiException.forbidden(ResourceTypes.PODS, ObjectMeta.name(pod),
            "pod rejected: RuntimeClass \"" + name.asText() + "\" not found"));
  }

  private static void mergeNodeSelector(ObjectNode pod, ObjectNode spec, JsonNode classSelector) throws ApiException {
    if (!classSelector.isObject() || classSelector.isEmpty()) {
      return;
    }
    if (!(spec.get("nodeSelector") instanceof ObjectNode selector)) {
      spec.set("nodeSelector", classSelector.deepCopy());
      return;
    }
    for (Map.Entry<String, JsonNode> e : classSelector.properties()) {
      String key = e.getKey();
      String classValue = e.getValue().asText();
      if (selector.has(key) && !selector.get(key).asText().equals(classValue)) {
        throw ApiException.forbidden(ResourceTypes.PODS, ObjectMeta.name(pod), "conflict: runtimeClass.scheduling.nodeSelector["
            + key + "] = " + classValue + "; pod.spec.nodeSelector[" + key + "] = " + selector.get(key).asText());
      }
      selector.put(key, classValue);
    }
  }

  private static ApiException overheadMismatch(ObjectNode pod) {
    return ApiException.forbidden(ResourceTypes.PODS, ObjectMeta.name(pod),
        "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead");
  }

  /** Semantic.DeepEqual of two ResourceLists: quantities by value, an empty list the same as none. */
  static boolean sameResources(JsonNode a, JsonNode b) {
    return quantities(a).equals(quantities(b));
  }

  private static Map<String, Object> quantities(JsonNode list) {
    Map<String, Object> out = new TreeMap<>();
    if (list.isObject()) {
      for (Map.Entry<String, JsonNode> e : list.properties()) {
        Object value;
        try {
          value = ParsedQuantity.parse(e.getValue().asText()).value().stripTrailingZeros();
        } catch (IllegalArgumentException notAQuantity) {
          value = e.getValue().asText();
        }
        out.put(e.getKey(), value);
      }
    }
    return out;
  }
}
