package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.json.SameContent;
import io.gantry.control.server.resource.ParsedQuantity;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.Store;
import io.gantry.control.server.validation.ObjectValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * kube-apiserver's LimitRanger admission plugin, with every LimitRange of the object's namespace read
 * from the store at the time of the request:
 * <ul>
 *   <li>a pod created gets, in each container and init container, the {@code default} limits and
 *       {@code defaultRequest} requests of the Container items it does not set, and the annotation
 *       {@value #ANNOTATION} names what was set; a pod so changed is validated again (422), as upstream
 *       validates after mutating admission;
 *   <li>then, as the write's validating admission, the pod's containers must meet the Container items'
 *       {@code min}, {@code max} and {@code maxLimitRequestRatio}, and its totals the Pod items', else 403
 *       with upstream's messages;
 *   <li>a claim's {@code spec.resources.requests} must meet the PersistentVolumeClaim items' min and max.
 * </ul>
 * Pods are admitted on create only (upstream skips pod updates). Claims are checked on create and on
 * each update that changes their spec, unless being deleted; upstream checks every update of the main
 * resource, but this plugin cannot tell a status write from one, and a status write must not fail.
 */
public final class LimitRangerAdmission implements WritePlugin {

  /** The pod annotation that lists the defaults set. */
  public static final String ANNOTATION = "kubernetes.io/limit-ranger";

  private final Store store;

  /** @param store where LimitRanges are read */
  public LimitRangerAdmission(Store store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  /** The mutating half: a pod's defaults, then validation again as kube-apiserver validates after it. */
  @Override
  public void admitCreate(ResourceType type, ObjectNode pod) throws ApiException {
    if (type != ResourceTypes.PODS) {
      return;
    }
    boolean defaulted = false;
    for (JsonNode range : ranges(pod)) {
      defaulted |= LimitRangeDefaulting.apply(range, pod);
    }
    if (defaulted) {
      ObjectRegistry.validate(type, pod, ObjectValidator.validateCreate(type, pod));
    }
  }

  /**
   * The validating half, after every mutating plugin and the name generation, as kube-apiserver runs
   * validating admission: its refusals name a generated name, not the {@code generateName}.
   */
  @Override
  public TxnParts beforeWrite(ResourceType type, ObjectNode object, ObjectNode old) throws ApiException {
    boolean pod = type == ResourceTypes.PODS && old == null;
    boolean claim = type == ResourceTypes.PERSISTENTVOLUMECLAIMS && (old == null
        || !ObjectMeta.isDeleting(old) && !SameContent.same(object.path("spec"), old.path("spec")));
    if (pod || claim) {
      check(type, object, ranges(object));
    }
    return TxnParts.NONE;
  }

  private static void check(ResourceType type, ObjectNode object, List<JsonNode> ranges) throws ApiException {
    for (JsonNode range : ranges) {
      List<String> errs = new ArrayList<>();
      for (JsonNode item : range.path("spec").path("limits")) {
        if (type == ResourceTypes.PODS) {
          podItem(item, Defaults.spec(object), errs);
        } else {
          claimItem(item, object.path("spec").path("resources").path("requests"), errs);
        }
      }
      if (!errs.isEmpty()) {
        // utilerrors.NewAggregate: one message bare, several in brackets
        String why = errs.size() == 1 ? errs.get(0) : "[" + String.join(", ", errs) + "]";
        throw ApiException.forbidden(type, ObjectMeta.name(object), why);
      }
    }
  }

  private static void podItem(JsonNode item, JsonNode spec, List<String> errs) {
    String type = item.path("type").asText("");
    if (type.equals("Container")) {
      for (String list : new String[] {"containers", "initContainers"}) {
        for (JsonNode container : spec.path(list)) {
          JsonNode resources = container.path("resources");
          enforce(item, type, LimitRangeConstraints.list(resources.path("requests")),
              LimitRangeConstraints.list(resources.path("limits")), errs);
        }
      }
    } else if (type.equals("Pod")) {
      enforce(item, type, PodResourceTotals.of(spec, "requests"), PodResourceTotals.of(spec, "limits"), errs);
    }
  }

  private static void enforce(JsonNode item, String type, Map<String, ParsedQuantity> requests,
      Map<String, ParsedQuantity> limits, List<String> errs) {
    LimitRangeConstraints.list(item.path("min"))
        .forEach((name, q) -> LimitRangeConstraints.min(type, name, q, requests, limits, errs));
    LimitRangeConstraints.list(item.path("max"))
        .forEach((name, q) -> LimitRangeConstraints.max(type, name, q, requests, limits, errs));
    LimitRangeConstraints.list(item.path("maxLimitRequestRatio"))
        .forEach((name, q) -> LimitRangeConstraints.ratio(type, name, q, requests, limits, errs));
  }

  /** A claim's limits are not user input: min counts the requests only, max the requests too. */
  private static void claimItem(JsonNode item, JsonNode requested, List<String> errs) {
    String type = item.path("type").asText("");
    if (!type.equals("PersistentVolumeClaim")) {
      return;
    }
    Map<String, ParsedQuantity> requests = LimitRangeConstraints.list(requested);
    LimitRangeConstraints.list(item.path("min"))
        .forEach((name, q) -> LimitRangeConstraints.min(type, name, q, requests, Map.of(), errs));
    LimitRangeConstraints.list(item.path("max"))
        .forEach((name, q) -> LimitRangeConstraints.maxRequest(type, name, q, requests, errs));
  }

  private List<JsonNode> ranges(ObjectNode object) {
    String prefix = ResourceTypes.LIMITRANGES.keyPrefix(ObjectMeta.namespace(object));
    List<JsonNode> ranges = new ArrayList<>();
    store.range(prefix, null, 0).kvs().forEach(kv -> ranges.add(StoredObjects.decode(kv)));
    return ranges;
  }
}
