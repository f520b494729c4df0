package io.gantry.control.server.controller.scheduler;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a pod asks of a node, computed as Kubernetes' {@code resource.PodRequests}: the sum of
 * the app containers' requests plus restartable ("sidecar") init containers, or the largest
 * need of any one init container while it runs (with the sidecars started before it), whichever
 * is larger; plus {@code spec.overhead}. A container's missing request defaults to its limit,
 * as API defaulting does. Every pod counts as one against the node's {@code pods}.
 */
public final class PodRequests {

  private PodRequests() {}

  public static Resources of(JsonNode pod) {
    JsonNode spec = pod.path("spec");
    Resources apps = Resources.ZERO;
    for (JsonNode container : spec.path("containers")) {
      apps = apps.plus(container(container));
    }
    Resources sidecars = Resources.ZERO;
    Resources initPeak = Resources.ZERO;
    for (JsonNode container : spec.path("initContainers")) {
      Resources request = container(container);
      if ("Always".equals(container.path("restartPolicy").asText())) {
        sidecars = sidecars.plus(request);
        initPeak = initPeak.max(sidecars);
      } else {
        initPeak = initPeak.max(sidecars.plus(request));
      }
    }
    Resources total = apps.plus(sidecars).max(initPeak).plus(Resources.fromMap(spec.path("overhead")));
    return new Resources(total.milliCpu(), total.memory(), 1);
  }

  private static Resources container(JsonNode container) {
    JsonNode resources = container.path("resources");
    Resources requests = Resources.fromMap(resources.path("requests"));
    Resources limits = Resources.fromMap(resources.path("limits"));
    return new Resources(
        resources.path("requests").has("cpu") ? requests.milliCpu() : limits.milliCpu(),
        resources.path("requests").has("memory") ? requests.memory() : limits.memory(), 0);
  }
}
