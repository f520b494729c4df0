package io.gantry.control.server.controller.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.registry.ObjectMeta;
import java.util.Objects;

/**
 * Upstream's {@code podEndpointsChanged}, widened a little: a pod update matters to endpoints when
 * its labels, hostname or subdomain, deletion mark, readiness, IPs, phase or node changed.
 */
final class PodChanges {

  private PodChanges() {}

  static boolean irrelevant(ObjectNode old, ObjectNode pod) {
    return PodEndpoints.labels(old).equals(PodEndpoints.labels(pod))
        && same(old, pod, "spec", "hostname") && same(old, pod, "spec", "subdomain")
        && same(old, pod, "spec", "nodeName") && same(old, pod, "status", "phase")
        && ObjectMeta.text(old, "deletionTimestamp").equals(ObjectMeta.text(pod, "deletionTimestamp"))
        && PodEndpoints.isReady(old) == PodEndpoints.isReady(pod)
        && PodEndpoints.readyTransitionTime(old).equals(PodEndpoints.readyTransitionTime(pod))
        && PodEndpoints.podIps(old).equals(PodEndpoints.podIps(pod));
  }

  private static boolean same(ObjectNode a, ObjectNode b, String section, String field) {
    JsonNode x = a.path(section).path(field);
    JsonNode y = b.path(section).path(field);
    return Objects.equals(x.asText(""), y.asText(""));
  }
}
