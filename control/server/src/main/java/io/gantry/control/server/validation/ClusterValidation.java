package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The lighter kinds: Namespace, Node, Lease and Endpoints. */
final class ClusterValidation {

  static final List<String> TAINT_EFFECTS = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");
  private static final FieldPath SPEC = FieldPath.root("spec");

  private ClusterValidation() {}

  static void validateNamespace(JsonNode ns, List<FieldError> errs) {
    for (String finalizer : Nodes.strings(Nodes.path(ns, "spec", "finalizers"))) {
      FieldPath path = SPEC.child("finalizers");
      List<String> msgs = NameRules.qualifiedName(finalizer);
      msgs.forEach(m -> errs.add(FieldError.invalid(path, finalizer, m)));
      if (msgs.isEmpty() && !finalizer.contains("/") && !finalizer.equals("kubernetes")) {
        errs.add(FieldError.invalid(path, finalizer, "name is neither a standard finalizer name nor is it fully qualified"));
      }
    }
  }

  static void validateNode(JsonNode node, List<FieldError> errs) {
    JsonNode spec = Nodes.field(node, "spec");
    String podCIDR = Nodes.text(spec, "podCIDR", "");
    if (!podCIDR.isEmpty()) {
      NetRules.cidr(podCIDR).forEach(m -> errs.add(FieldError.invalid(SPEC.child("podCIDR"), podCIDR, m)));
    }
    List<String> cidrs = Nodes.strings(Nodes.field(spec, "podCIDRs"));
    for (int i = 0; i < cidrs.size(); i++) {
      String cidr = cidrs.get(i);
      FieldPath at = SPEC.child("podCIDRs").index(i);
      NetRules.cidr(cidr).forEach(m -> errs.add(FieldError.invalid(at, cidr, m)));
    }
    List<JsonNode> taints = Nodes.list(spec, "taints");
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < taints.size(); i++) {
      FieldPath idx = SPEC.child("taints").index(i);
      String key = Nodes.text(taints.get(i), "key", "");
      String value = Nodes.text(taints.get(i), "value", "");
      String effect = Nodes.text(taints.get(i), "effect", "");
      NameRules.qualifiedName(key).forEach(m -> errs.add(FieldError.invalid(idx.child("key"), key, m)));
      List<String> valueMsgs = NameRules.labelValue(value);
      if (!valueMsgs.isEmpty()) {
        errs.add(FieldError.invalid(idx.child("value"), value, String.join(";", valueMsgs)));
      }
      if (effect.isEmpty()) {
        errs.add(FieldError.required(idx.child("effect"), ""));
      } else if (!TAINT_EFFECTS.contains(effect)) {
        errs.add(FieldError.notSupported(idx.child("effect"), effect, TAINT_EFFECTS));
      }
      if (!seen.add(effect + "\u0000" + key)) {
        errs.add(new FieldError(idx.toString(), FieldError.Type.DUPLICATE,
            new GoLiteral("core.Taint{Key:" + GoFormat.quote(key) + ", Value:" + GoFormat.quote(value) + ", Effect:"
                + GoFormat.quote(effect) + ", TimeAdded:(*v1.Time)(nil)}"),
            "taints must be unique by key and effect pair"));
      }
    }
  }

  static void validateLease(JsonNode lease, List<FieldError> errs) {
    JsonNode spec = Nodes.field(lease, "spec");
    JsonNode duration = Nodes.field(spec, "leaseDurationSeconds");
    if (!duration.isMissingNode() && duration.asLong() <= 0) {
      errs.add(FieldError.invalid(SPEC.child("leaseDurationSeconds"), duration.asLong(), "must be greater than 0"));
    }
    JsonNode transitions = Nodes.field(spec, "leaseTransitions");
    if (!transitions.isMissingNode() && transitions.asLong() < 0) {
      errs.add(FieldError.invalid(SPEC.child("leaseTransitions"), transitions.asLong(),
          "must be greater than or equal to 0"));
    }
    if (!Nodes.text(spec, "preferredHolder", "").isEmpty() && Nodes.text(spec, "strategy", "").isEmpty()) {
      errs.add(FieldError.forbidden(SPEC.child("preferredHolder"), "may only be specified if `strategy` is defined"));
    }
  }

  /**
   * Upstream {@code validateEndpointSubsets}: each subset has an address; addresses are endpoint IPs
   * (as in EndpointSlices) with DNS-label hostnames; with several ports, each port needs a (DNS-label) name.
   */
  static void validateEndpoints(JsonNode endpoints, List<FieldError> errs) {
    List<JsonNode> subsets = Nodes.list(endpoints, "subsets");
    for (int s = 0; s < subsets.size(); s++) {
      FieldPath subset = FieldPath.root("subsets").index(s);
      if (Nodes.list(subsets.get(s), "addresses").isEmpty() && Nodes.list(subsets.get(s), "notReadyAddresses").isEmpty()) {
        errs.add(FieldError.required(subset, "must specify `addresses` or `notReadyAddresses`"));
      }
      for (String list : List.of("addresses", "notReadyAddresses")) {
        List<JsonNode> addresses = Nodes.list(subsets.get(s), list);
        for (int i = 0; i < addresses.size(); i++) {
          endpointAddress(addresses.get(i), subset.child(list).index(i), errs);
        }
      }
      List<JsonNode> ports = Nodes.list(subsets.get(s), "ports");
      for (int i = 0; i < ports.size(); i++) {
        FieldPath at = subset.child("ports").index(i);
        String name = Nodes.text(ports.get(i), "name", "");
        if (ports.size() > 1 && name.isEmpty()) {
          errs.add(FieldError.required(at.child("name"), ""));
        } else if (!name.isEmpty()) {
          NameRules.dns1123Label(name).forEach(m -> errs.add(FieldError.invalid(at.child("name"), name, m)));
        }
        Ports.number(ports.get(i), "port", at.child("port"), errs);
        Ports.protocol(ports.get(i), at.child("protocol"), errs);
      }
    }
  }

  private static void endpointAddress(JsonNode address, FieldPath path, List<FieldError> errs) {
    String ip = Nodes.text(address, "ip", "");
    byte[] parsed = NetRules.parseIp(ip);
    if (parsed == null) {
      errs.add(FieldError.invalid(path.child("ip"), ip, NetRules.IP_MSG));
    } else {
      EndpointSliceValidation.endpointIp(parsed, ip, path.child("ip"), errs);
    }
    String hostname = Nodes.text(address, "hostname", "");
    if (!hostname.isEmpty()) {
      NameRules.dns1123Label(hostname).forEach(m -> errs.add(FieldError.invalid(path.child("hostname"), hostname, m)));
    }
    String nodeName = Nodes.text(address, "nodeName");
    if (nodeName != null) {
      NameRules.dns1123Subdomain(nodeName).forEach(m -> errs.add(FieldError.invalid(path.child("nodeName"), nodeName, m)));
    }
  }
}
