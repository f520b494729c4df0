package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Service spec rules after upstream {@code ValidateService}. Fields that kube-apiserver defaults before
 * validating (type, protocol, targetPort, sessionAffinity, traffic policies) are accepted when absent.
 */
final class ServiceValidation {

  static final List<String> TYPES = List.of("ClusterIP", "ExternalName", "LoadBalancer", "NodePort");
  private static final FieldPath SPEC = FieldPath.root("spec");
  private static final int MAX_AFFINITY_SECONDS = 86400;

  private ServiceValidation() {}

  static void validate(JsonNode service, List<FieldError> errs) {
    JsonNode spec = Nodes.field(service, "spec");
    String type = Nodes.text(spec, "type", "ClusterIP");
    List<String> clusterIPs = clusterIPs(spec);
    boolean headless = !clusterIPs.isEmpty() && clusterIPs.get(0).equals("None");
    List<JsonNode> ports = Nodes.list(spec, "ports");

    if (ports.isEmpty() && !headless && !type.equals("ExternalName")) {
      errs.add(FieldError.required(SPEC.child("ports"), ""));
    }
    if (type.equals("ExternalName")) {
      externalName(spec, errs);
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < ports.size(); i++) {
      port(ports.get(i), ports.size() > 1, names, SPEC.child("ports").index(i), errs);
    }
    MetadataValidation.validateLabels(Nodes.field(spec, "selector"), SPEC.child("selector"), errs);
    sessionAffinity(spec, errs);
    List<String> externalIPs = Nodes.strings(Nodes.field(spec, "externalIPs"));
    for (int i = 0; i < externalIPs.size(); i++) {
      nonSpecialIp(externalIPs.get(i), SPEC.child("externalIPs").index(i), errs);
    }
    String loadBalancerIP = Nodes.text(spec, "loadBalancerIP", "");
    if (!loadBalancerIP.isEmpty()) {
      for (String msg : NetRules.ip(loadBalancerIP)) {
        errs.add(FieldError.invalid(SPEC.child("loadBalancerIP"), loadBalancerIP, msg));
      }
    }
    String distribution = Nodes.text(spec, "trafficDistribution");
    if (distribution != null && !distribution.equals("PreferClose")) {
      errs.add(FieldError.notSupported(SPEC.child("trafficDistribution"), distribution, List.of("PreferClose")));
    }
    if (!TYPES.contains(type)) {
      errs.add(FieldError.notSupported(SPEC.child("type"), type, TYPES));
    }
    nodePorts(type, ports, errs);
    duplicatePorts(ports, errs);
    if (headless && (type.equals("NodePort") || type.equals("LoadBalancer"))) {
      errs.add(FieldError.invalid(SPEC.child("clusterIPs").index(0), "None",
          "may not be set to 'None' for " + type + " services"));
    }
    loadBalancerFields(spec, type, errs);
    sourceRangesAnnotation(service, type, errs);
    trafficPolicies(spec, type, !externalIPs.isEmpty(), errs);
    if (!type.equals("ExternalName")) {
      clusterIPFields(spec, clusterIPs, errs);
    }
  }

  /** Upstream {@code ValidateNonSpecialIP}, with the loopback exception of endpoint IPs (Gantry's loopback mode). */
  private static void nonSpecialIp(String ip, FieldPath path, List<FieldError> errs) {
    byte[] parsed = NetRules.parseIp(ip);
    if (parsed == null) {
      errs.add(FieldError.invalid(path, ip, NetRules.IP_MSG));
    } else {
      EndpointSliceValidation.endpointIp(parsed, ip, path, errs);
    }
  }

  /**
   * Cluster IPs may not change once set, unless the Service moves to or from ExternalName; the class of a
   * LoadBalancer may not change while it stays one.
   */
  static void validateUpdate(JsonNode service, JsonNode old, List<FieldError> errs) {
    JsonNode spec = Nodes.field(service, "spec");
    JsonNode oldSpec = Nodes.field(old, "spec");
    String loadBalancerClass = Nodes.text(spec, "loadBalancerClass");
    if (Nodes.text(spec, "type", "ClusterIP").equals("LoadBalancer")
        && Nodes.text(oldSpec, "type", "ClusterIP").equals("LoadBalancer")
        && !Objects.equals(loadBalancerClass, Nodes.text(oldSpec, "loadBalancerClass"))) {
      Object value = loadBalancerClass == null ? new GoLiteral("(*string)(nil)") : loadBalancerClass;
      errs.add(FieldError.invalid(SPEC.child("loadBalancerClass"), value, "may not change once set"));
    }
    if (Nodes.text(spec, "type", "ClusterIP").equals("ExternalName")
        || Nodes.text(oldSpec, "type", "ClusterIP").equals("ExternalName")) {
      return;
    }
    List<String> now = clusterIPs(spec);
    List<String> before = clusterIPs(oldSpec);
    for (int i = 0; i < Math.min(now.size(), before.size()); i++) {
      if (!before.get(i).equals(now.get(i))) {
        errs.add(FieldError.invalid(SPEC.child("clusterIPs").index(0), now, "may not change once set"));
      }
    }
  }

  /** {@code spec.clusterIPs}, or {@code [spec.clusterIP]} as the registry fills it in when only that is set. */
  static List<String> clusterIPs(JsonNode spec) {
    List<String> ips = Nodes.strings(Nodes.field(spec, "clusterIPs"));
    String clusterIP = Nodes.text(spec, "clusterIP", "");
    if (ips.isEmpty() && !clusterIP.isEmpty()) {
      ips = List.of(clusterIP);
    }
    return ips;
  }

  private static void externalName(JsonNode spec, List<FieldError> errs) {
    if (!clusterIPs(spec).isEmpty()) {
      errs.add(FieldError.forbidden(SPEC.child("clusterIPs"), "may not be set for ExternalName services"));
    }
    if (Nodes.present(spec, "ipFamilies") && !Nodes.field(spec, "ipFamilies").isEmpty()) {
      errs.add(FieldError.forbidden(SPEC.child("ipFamilies"), "may not be set for ExternalName services"));
    }
    if (Nodes.present(spec, "ipFamilyPolicy")) {
      errs.add(FieldError.forbidden(SPEC.child("ipFamilyPolicy"), "may not be set for ExternalName services"));
    }
    String cname = Nodes.text(spec, "externalName", "");
    if (cname.endsWith(".")) {
      cname = cname.substring(0, cname.length() - 1);
    }
    if (cname.isEmpty()) {
      errs.add(FieldError.required(SPEC.child("externalName"), ""));
    } else {
      for (String msg : NameRules.dns1123Subdomain(cname)) {
        errs.add(FieldError.invalid(SPEC.child("externalName"), cname, msg));
      }
    }
  }

  private static void port(JsonNode port, boolean requireName, Set<String> names, FieldPath path,
      List<FieldError> errs) {
    String name = Nodes.text(port, "name", "");
    if (requireName && name.isEmpty()) {
      errs.add(FieldError.required(path.child("name"), ""));
    } else if (!name.isEmpty()) {
      for (String msg : NameRules.dns1123Label(name)) {
        errs.add(FieldError.invalid(path.child("name"), name, msg));
      }
      if (!names.add(name)) {
        errs.add(FieldError.duplicate(path.child("name"), name));
      }
    }
    Ports.number(port, "port", path.child("port"), errs);
    Ports.protocol(port, path.child("protocol"), errs);
    Ports.numberOrName(Nodes.field(port, "targetPort"), path.child("targetPort"), errs);
    String appProtocol = Nodes.text(port, "appProtocol");
    if (appProtocol != null) {
      for (String msg : NameRules.qualifiedName(appProtocol)) {
        errs.add(FieldError.invalid(path.child("appProtocol"), appProtocol, msg));
      }
    }
  }

  private static void sessionAffinity(JsonNode spec, List<FieldError> errs) {
    String affinity = Nodes.text(spec, "sessionAffinity", "None");
    JsonNode config = Nodes.field(spec, "sessionAffinityConfig");
    switch (affinity) {
      case "ClientIP" -> {
        JsonNode timeout = Nodes.path(config, "clientIP", "timeoutSeconds");
        if (!timeout.isMissingNode() && (!timeout.isIntegralNumber() || timeout.asLong() <= 0
            || timeout.asLong() > MAX_AFFINITY_SECONDS)) {
          errs.add(FieldError.invalid(SPEC.child("sessionAffinityConfig", "clientIP", "timeoutSeconds"),
              Nodes.badValue(timeout), "must be greater than 0 and less than " + MAX_AFFINITY_SECONDS));
        }
      }
      case "None" -> {
        if (!config.isMissingNode()) {
          errs.add(FieldError.forbidden(SPEC.child("sessionAffinityConfig"),
              "must not be set when session affinity is None"));
        }
      }
      default -> errs.add(FieldError.notSupported(SPEC.child("sessionAffinity"), affinity, List.of("ClientIP", "None")));
    }
  }

  /**
   * Node ports exist only on NodePort and LoadBalancer Services (upstream forbids them on ClusterIP; Gantry
   * also on ExternalName) and must be valid port numbers; the 30000-32767 range is the allocator's concern.
   */
  private static void nodePorts(String type, List<JsonNode> ports, List<FieldError> errs) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < ports.size(); i++) {
      JsonNode nodePort = Nodes.field(ports.get(i), "nodePort");
      long value = nodePort.asLong(0);
      if (value == 0) {
        continue;
      }
      FieldPath path = SPEC.child("ports").index(i).child("nodePort");
      if (type.equals("ClusterIP") || type.equals("ExternalName")) {
        errs.add(FieldError.forbidden(path, "may not be used when `type` is '" + type + "'"));
        continue;
      }
      for (String msg : NameRules.portNum(value)) {
        errs.add(FieldError.invalid(path, value, msg));
      }
      if (!seen.add(Nodes.text(ports.get(i), "protocol", "TCP") + "/" + value)) {
        errs.add(FieldError.duplicate(path, value));
      }
    }
  }

  private static void duplicatePorts(List<JsonNode> ports, List<FieldError> errs) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < ports.size(); i++) {
      String protocol = Nodes.text(ports.get(i), "protocol", "TCP");
      long port = Nodes.field(ports.get(i), "port").asLong(0);
      if (!seen.add(protocol + "/" + port)) {
        errs.add(FieldError.duplicate(SPEC.child("ports").index(i), new GoLiteral(
            "core.ServicePort{Name:\"\", Protocol:" + GoFormat.quote(protocol) + ", AppProtocol:(*string)(nil), Port:"
                + port + ", TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}")));
      }
    }
  }

  /**
   * The annotation that predates {@code spec.loadBalancerSourceRanges}, checked as upstream checks
   * it when the field is not set: LoadBalancer Services only, and comma-separated CIDRs.
   */
  private static void sourceRangesAnnotation(JsonNode service, String type, List<FieldError> errs) {
    String key = "service.beta.kubernetes.io/load-balancer-source-ranges";
    String value = Nodes.text(Nodes.field(Nodes.field(service, "metadata"), "annotations"), key);
    JsonNode ranges = Nodes.field(Nodes.field(service, "spec"), "loadBalancerSourceRanges");
    if (value == null || !Nodes.strings(ranges).isEmpty()) {
      return;
    }
    FieldPath path = FieldPath.root("metadata", "annotations").key(key);
    if (!type.equals("LoadBalancer")) {
      errs.add(FieldError.forbidden(path, "may only be used when `type` is 'LoadBalancer'"));
    }
    if (!value.strip().isEmpty()) {
      for (String range : value.strip().split(",", -1)) {
        NetRules.cidr(range.strip()).forEach(msg -> errs.add(FieldError.invalid(path, range.strip(), msg)));
      }
    }
  }

  /** Fields that only a LoadBalancer Service may carry (upstream's path keeps the capital L of its Go field). */
  private static void loadBalancerFields(JsonNode spec, String type, List<FieldError> errs) {
    boolean loadBalancer = type.equals("LoadBalancer");
    List<String> ranges = Nodes.strings(Nodes.field(spec, "loadBalancerSourceRanges"));
    FieldPath rangesPath = SPEC.child("LoadBalancerSourceRanges");
    if (!ranges.isEmpty() && !loadBalancer) {
      errs.add(FieldError.forbidden(rangesPath, "may only be used when `type` is 'LoadBalancer'"));
    }
    for (int i = 0; i < ranges.size(); i++) {
      String range = ranges.get(i).strip();
      for (String msg : NetRules.cidr(range)) {
        errs.add(FieldError.invalid(rangesPath.index(i), range, msg));
      }
    }
    if (Nodes.present(spec, "allocateLoadBalancerNodePorts") && !loadBalancer) {
      errs.add(FieldError.forbidden(SPEC.child("allocateLoadBalancerNodePorts"),
          "may only be used when `type` is 'LoadBalancer'"));
    }
    String loadBalancerClass = Nodes.text(spec, "loadBalancerClass");
    if (loadBalancerClass != null && !loadBalancer) {
      errs.add(FieldError.forbidden(SPEC.child("loadBalancerClass"),
          "may only be used when `type` is 'LoadBalancer'"));
    } else if (loadBalancerClass != null) {
      for (String msg : NameRules.qualifiedName(loadBalancerClass)) {
        errs.add(FieldError.invalid(SPEC.child("loadBalancerClass"), loadBalancerClass, msg));
      }
    }
  }

  private static void trafficPolicies(JsonNode spec, String type, boolean hasExternalIPs, List<FieldError> errs) {
    boolean external = type.equals("NodePort") || type.equals("LoadBalancer")
        || type.equals("ClusterIP") && hasExternalIPs;
    String etp = Nodes.text(spec, "externalTrafficPolicy");
    if (etp != null && !external) {
      errs.add(FieldError.invalid(SPEC.child("externalTrafficPolicy"), etp,
          "may only be set for externally-accessible services"));
    } else if (etp != null && !List.of("Cluster", "Local").contains(etp)) {
      errs.add(FieldError.notSupported(SPEC.child("externalTrafficPolicy"), etp, List.of("Cluster", "Local")));
    }
    String itp = Nodes.text(spec, "internalTrafficPolicy");
    if (itp != null && !List.of("Cluster", "Local").contains(itp)) {
      errs.add(FieldError.notSupported(SPEC.child("internalTrafficPolicy"), itp, List.of("Cluster", "Local")));
    }
  }

  private static void clusterIPFields(JsonNode spec, List<String> clusterIPs, List<FieldError> errs) {
    FieldPath ipsPath = SPEC.child("clusterIPs");
    String clusterIP = Nodes.text(spec, "clusterIP", "");
    List<String> explicit = Nodes.strings(Nodes.field(spec, "clusterIPs"));
    if (!clusterIP.isEmpty() && !explicit.isEmpty() && !explicit.get(0).equals(clusterIP)) {
      errs.add(FieldError.invalid(ipsPath, explicit, "first value must match `clusterIP`"));
    } else if (clusterIP.isEmpty() && !explicit.isEmpty()) {
      // upstream fills clusterIPs from clusterIP, never the other way round
      errs.add(FieldError.invalid(ipsPath, explicit, "must be empty when `clusterIP` is not specified"));
    }
    List<String> families = Nodes.strings(Nodes.field(spec, "ipFamilies"));
    Set<String> seenFamilies = new HashSet<>();
    for (int i = 0; i < families.size(); i++) {
      if (!List.of("IPv4", "IPv6").contains(families.get(i))) {
        errs.add(FieldError.notSupported(SPEC.child("ipFamilies").index(i), families.get(i), List.of("IPv4", "IPv6")));
      }
      if (!seenFamilies.add(families.get(i))) {
        errs.add(FieldError.duplicate(SPEC.child("ipFamilies").index(i), families.get(i)));
      }
    }
    String policy = Nodes.text(spec, "ipFamilyPolicy");
    List<String> policies = List.of("PreferDualStack", "RequireDualStack", "SingleStack");
    if (policy != null && !policies.contains(policy)) {
      errs.add(FieldError.notSupported(SPEC.child("ipFamilyPolicy"), policy, policies));
    }
    List<String> ips = new ArrayList<>(clusterIPs);
    for (int i = 0; i < ips.size(); i++) {
      if (i == 0 && ips.get(0).equals("None")) {
        if (ips.size() > 1) {
          errs.add(FieldError.invalid(ipsPath, ips, "'None' must be the first and only value"));
        }
        continue;
      }
      for (String msg : NetRules.ip(ips.get(i))) {
        errs.add(FieldError.invalid(ipsPath.index(i), ips.get(i), msg));
      }
    }
  }
}
