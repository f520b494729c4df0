package io.gantry.control.api.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.api.v1.NodeAddress;
import io.gantry.control.api.v1.NodeView;
import io.gantry.control.api.v1.PodView;
import io.gantry.control.api.v1.ServicePort;
import io.gantry.control.api.v1.ServiceView;
import java.util.Map;
import java.util.Set;

/**
 * Translates Services, Nodes and Pods (Kubernetes JSON) into the compact views of the
 * DataPlane stream, applying the API's defaults so that daemons never have to. EndpointSlices
 * are aggregated per service by {@link EndpointAggregator}.
 *
 * <p>Pure functions of their input; thread-safe.
 */
public final class ViewTranslator {

  /** Annotations a data-plane daemon acts on; every other annotation stays in the control plane. */
  public static final String ANNOTATION_PREFIX = "gantry.io/";
  public static final String BALANCING_ANNOTATION = "gantry.io/balancing";
  /** Services with either label (any value) are not proxied, as kube-proxy's informer selector has it. */
  static final String LABEL_SERVICE_PROXY_NAME = "service.kubernetes.io/service-proxy-name";
  static final String LABEL_HEADLESS = "service.kubernetes.io/headless";

  /** The older way to give loadBalancerSourceRanges, used when the field is empty. */
  static final String SOURCE_RANGES_ANNOTATION = "service.beta.kubernetes.io/load-balancer-source-ranges";

  private static final Set<String> NODE_LABELS = Set.of("topology.kubernetes.io/zone",
      "topology.kubernetes.io/region", "kubernetes.io/hostname");
  private static final int DEFAULT_AFFINITY_TIMEOUT_SECONDS = 10800;
  /** The cluster autoscaler's mark on a node it is about to remove (kube-proxy's ToBeDeletedTaint). */
  static final String TO_BE_DELETED_TAINT = "ToBeDeletedByClusterAutoscaler";

  private ViewTranslator() {
  }

  public static ServiceView service(ObjectNode service) {
    JsonNode spec = service.path("spec");
    ServiceView.Builder view = ServiceView.newBuilder()
        .setNamespace(Meta.namespace(service))
        .setName(Meta.name(service))
        .setType(text(spec, "type", "ClusterIP"))
        .setExternalName(text(spec, "externalName", ""))
        .setInternalTrafficPolicy(text(spec, "internalTrafficPolicy", "Cluster"))
        .setExternalTrafficPolicy(text(spec, "externalTrafficPolicy", "Cluster"))
        .setHealthCheckNodePort(spec.path("healthCheckNodePort").asInt(0))
        .setPublishNotReadyAddresses(spec.path("publishNotReadyAddresses").asBoolean(false))
        .setSelectorless(!spec.path("selector").isObject() || spec.path("selector").isEmpty())
        .setProxyIgnored(service.path("metadata").path("labels").has(LABEL_SERVICE_PROXY_NAME)
            || service.path("metadata").path("labels").has(LABEL_HEADLESS));
    String clusterIp = text(spec, "clusterIP", "");
    view.setHeadless(clusterIp.equals("None"));
    if (spec.path("clusterIPs").isArray() && !spec.path("clusterIPs").isEmpty()) {
      for (JsonNode ip : spec.path("clusterIPs")) {
        if (!ip.asText().equals("None") && !ip.asText().isEmpty()) {
          view.addClusterIps(ip.asText());
        }
      }
    } else if (!clusterIp.isEmpty() && !clusterIp.equals("None")) {
      view.addClusterIps(clusterIp);
    }
    for (JsonNode ip : spec.path("externalIPs")) {
      view.addExternalIps(ip.asText());
    }
    for (JsonNode ingress : service.path("status").path("loadBalancer").path("ingress")) {
      // ipMode Proxy: the load balancer proxies to the nodes itself, so kube-proxy does not take
      // the IP over (traffic to it must reach the load balancer).
      if (!ingress.path("ip").asText("").isEmpty() && !text(ingress, "ipMode", "VIP").equals("Proxy")) {
        view.addLoadBalancerIps(ingress.path("ip").asText());
      }
    }
    // kube-proxy's GetLoadBalancerSourceRanges: the field, else the older annotation.
    for (JsonNode range : spec.path("loadBalancerSourceRanges")) {
      if (!range.asText("").isBlank()) {
        view.addLoadBalancerSourceRanges(range.asText().trim());
      }
    }
    if (view.getLoadBalancerSourceRangesCount() == 0) {
      String annotation = service.path("metadata").path("annotations").path(SOURCE_RANGES_ANNOTATION).asText("");
      for (String range : annotation.split(",")) {
        if (!range.isBlank()) {
          view.addLoadBalancerSourceRanges(range.trim());
        }
      }
    }
    String affinity = text(spec, "sessionAffinity", "None");
    view.setSessionAffinity(affinity);
    if (affinity.equals("ClientIP")) {
      view.setSessionAffinityTimeoutSeconds(spec.path("sessionAffinityConfig").path("clientIP")
          .path("timeoutSeconds").asInt(DEFAULT_AFFINITY_TIMEOUT_SECONDS));
    }
    for (JsonNode port : spec.path("ports")) {
      ServicePort.Builder p = ServicePort.newBuilder()
          .setName(text(port, "name", ""))
          .setProtocol(text(port, "protocol", "TCP"))
          .setPort(port.path("port").asInt(0))
          .setNodePort(port.path("nodePort").asInt(0))
          .setAppProtocol(text(port, "appProtocol", ""));
      JsonNode target = port.get("targetPort");
      if (target == null || target.isNull()) {
        p.setTargetPortNumber(p.getPort()); // the API defaults targetPort to port
      } else if (target.isNumber()) {
        p.setTargetPortNumber(target.asInt());
      } else if (target.asText().chars().allMatch(Character::isDigit) && !target.asText().isEmpty()) {
        p.setTargetPortNumber(Integer.parseInt(target.asText()));
      } else {
        p.setTargetPortName(target.asText());
      }
      view.addPorts(p);
    }
    for (Map.Entry<String, JsonNode> annotation : service.path("metadata").path("annotations").properties()) {
      if (annotation.getKey().startsWith(ANNOTATION_PREFIX)) {
        view.putAnnotations(annotation.getKey(), annotation.getValue().asText());
      }
    }
    return view.build();
  }

  public static NodeView node(ObjectNode node) {
    JsonNode spec = node.path("spec");
    NodeView.Builder view = NodeView.newBuilder()
        .setName(Meta.name(node))
        .setUnschedulable(spec.path("unschedulable").asBoolean(false))
        .setToBeDeleted(node.path("metadata").hasNonNull("deletionTimestamp") || tainted(spec, TO_BE_DELETED_TAINT));
    for (JsonNode address : node.path("status").path("addresses")) {
      view.addAddresses(NodeAddress.newBuilder().setType(text(address, "type", ""))
          .setAddress(text(address, "address", "")));
    }
    if (spec.path("podCIDRs").isArray() && !spec.path("podCIDRs").isEmpty()) {
      spec.path("podCIDRs").forEach(cidr -> view.addPodCidrs(cidr.asText()));
    } else if (!text(spec, "podCIDR", "").isEmpty()) {
      view.addPodCidrs(text(spec, "podCIDR", ""));
    }
    for (JsonNode condition : node.path("status").path("conditions")) {
      if (text(condition, "type", "").equals("Ready")) {
        view.setReady(text(condition, "status", "").equals("True"));
      }
    }
    JsonNode labels = node.path("metadata").path("labels");
    for (String label : NODE_LABELS) {
      if (labels.hasNonNull(label)) {
        view.putLabels(label, labels.get(label).asText());
      }
    }
    return view.build();
  }

  private static boolean tainted(JsonNode spec, String key) {
    for (JsonNode taint : spec.path("taints")) {
      if (key.equals(text(taint, "key", ""))) {
        return true;
      }
    }
    return false;
  }

  public static PodView pod(ObjectNode pod) {
    JsonNode spec = pod.path("spec");
    JsonNode status = pod.path("status");
    PodView.Builder view = PodView.newBuilder()
        .setNamespace(Meta.namespace(pod))
        .setName(Meta.name(pod))
        .setUid(Meta.text(pod, "uid"))
        .setHostname(text(spec, "hostname", ""))
        .setSubdomain(text(spec, "subdomain", ""))
        .setNodeName(text(spec, "nodeName", ""))
        .setHostNetwork(spec.path("hostNetwork").asBoolean(false));
    if (status.path("podIPs").isArray() && !status.path("podIPs").isEmpty()) {
      status.path("podIPs").forEach(ip -> view.addIps(text(ip, "ip", "")));
    } else if (!text(status, "podIP", "").isEmpty()) {
      view.addIps(text(status, "podIP", ""));
    }
    for (Map.Entry<String, JsonNode> label : pod.path("metadata").path("labels").properties()) {
      view.putLabels(label.getKey(), label.getValue().asText());
    }
    return view.build();
  }

  /** The version of a single-object view: its store revision. */
  public static long version(ObjectNode object) {
    String rv = Meta.text(object, "resourceVersion");
    try {
      return rv.isEmpty() ? 0 : Long.parseLong(rv);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  public static String text(JsonNode node, String field, String fallback) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull() || value.asText().isEmpty()) {
      return fallback;
    }
    return value.asText();
  }
}
