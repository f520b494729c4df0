package io.gantry.control.server.controller.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.ObjectMeta;
import java.util.Map;
import java.util.TreeMap;

/**
 * The metadata of controller-made EndpointSlices: names, labels and owner references, as
 * upstream's {@code newEndpointSlice}, {@code setEndpointSliceLabels} and {@code ownedBy}.
 */
final class SliceTemplates {

  static final String CONTROLLER_NAME = "endpointslice-controller.k8s.io";
  static final String LABEL_SERVICE_NAME = "kubernetes.io/service-name";
  static final String LABEL_MANAGED_BY = "endpointslice.kubernetes.io/managed-by";
  static final String LABEL_HEADLESS = "service.kubernetes.io/headless";
  static final String TRIGGER_TIME = io.gantry.control.api.translate.EndpointAggregator.TRIGGER_TIME_ANNOTATION;
  static final String ADDRESS_TYPE = "IPv4";

  private SliceTemplates() {}

  /** A new, unnamed slice for the service with the given ports and no endpoints yet. */
  static ObjectNode newSlice(ObjectNode service, PortMapping mapping) {
    ObjectNode slice = Json.object();
    slice.put("apiVersion", "discovery.k8s.io/v1");
    slice.put("kind", "EndpointSlice");
    ObjectNode metadata = slice.putObject("metadata");
    metadata.put("generateName", ObjectMeta.name(service) + "-");
    metadata.put("namespace", ObjectMeta.namespace(service));
    metadata.set("labels", labelsJson(labels(service)));
    metadata.putArray("ownerReferences").add(ownerReference(service));
    slice.put("addressType", ADDRESS_TYPE);
    slice.putArray("endpoints");
    slice.set("ports", mapping.toSliceJson());
    return slice;
  }

  /**
   * The labels a managed slice carries: the service's own labels (minus the reserved keys), the
   * headless marker when the service has no cluster IP, the service name and the manager.
   */
  static Map<String, String> labels(ObjectNode service) {
    Map<String, String> labels = new TreeMap<>();
    PodEndpoints.labels(service).forEach((key, value) -> {
      if (!key.equals(LABEL_SERVICE_NAME) && !key.equals(LABEL_MANAGED_BY) && !key.equals(LABEL_HEADLESS)) {
        labels.put(key, value);
      }
    });
    if (!Services.hasClusterIp(service)) {
      labels.put(LABEL_HEADLESS, "");
    }
    labels.put(LABEL_SERVICE_NAME, ObjectMeta.name(service));
    labels.put(LABEL_MANAGED_BY, CONTROLLER_NAME);
    return labels;
  }

  static ObjectNode labelsJson(Map<String, String> labels) {
    ObjectNode json = Json.object();
    labels.forEach(json::put);
    return json;
  }

  /** {@code metav1.NewControllerRef(service)}: controller and blockOwnerDeletion set. */
  static ObjectNode ownerReference(ObjectNode service) {
    ObjectNode ref = Json.object();
    ref.put("apiVersion", "v1");
    ref.put("kind", "Service");
    ref.put("name", ObjectMeta.name(service));
    ref.put("uid", ObjectMeta.text(service, "uid"));
    ref.put("controller", true);
    ref.put("blockOwnerDeletion", true);
    return ref;
  }

  /** Whether this controller manages the slice (its managed-by label). */
  static boolean managed(JsonNode slice) {
    return CONTROLLER_NAME.equals(slice.path("metadata").path("labels").path(LABEL_MANAGED_BY).asText(""));
  }

  /** The service a slice belongs to by label, or empty. */
  static String serviceName(JsonNode slice) {
    return slice.path("metadata").path("labels").path(LABEL_SERVICE_NAME).asText("");
  }

  /** Upstream {@code ownedBy}: an owner reference to this service's uid, kind Service, apiVersion v1. */
  static boolean ownedBy(JsonNode slice, ObjectNode service) {
    String uid = ObjectMeta.text(service, "uid");
    for (JsonNode ref : slice.path("metadata").path("ownerReferences")) {
      if (uid.equals(ref.path("uid").asText()) && "Service".equals(ref.path("kind").asText())
          && "v1".equals(ref.path("apiVersion").asText())) {
        return true;
      }
    }
    return false;
  }
}
