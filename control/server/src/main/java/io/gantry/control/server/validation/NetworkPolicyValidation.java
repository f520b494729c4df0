package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * NetworkPolicy specs (upstream {@code ValidateNetworkPolicySpec}). An absent {@code podSelector} is the
 * empty selector, as in Kubernetes where the field is a non-pointer struct: it selects every pod.
 */
final class NetworkPolicyValidation {

  static final List<String> POLICY_TYPES = List.of("Ingress", "Egress");
  private static final List<String> PROTOCOLS = List.of("TCP", "UDP", "SCTP");
  private static final FieldPath SPEC = FieldPath.root("spec");

  private NetworkPolicyValidation() {}

  static void validate(JsonNode policy, List<FieldError> errs) {
    JsonNode spec = Nodes.field(policy, "spec");
    SelectorValidation.validate(Nodes.field(spec, "podSelector"), SPEC.child("podSelector"), errs);
    rules(Nodes.list(spec, "ingress"), SPEC.child("ingress"), "from", errs);
    rules(Nodes.list(spec, "egress"), SPEC.child("egress"), "to", errs);
    List<String> types = Nodes.strings(Nodes.field(spec, "policyTypes"));
    if (types.size() > POLICY_TYPES.size()) {
      // upstream hands the field's own type to the error: %#v prints []networking.PolicyType{...}
      errs.add(FieldError.invalid(SPEC.child("policyTypes"), new GoLiteral("[]networking.PolicyType"
          + GoFormat.stringSlice(types).substring("[]string".length())), "may not specify more than two policyTypes"));
      return;
    }
    for (int i = 0; i < types.size(); i++) {
      if (!POLICY_TYPES.contains(types.get(i))) {
        errs.add(FieldError.notSupported(SPEC.child("policyTypes").index(i), types.get(i), POLICY_TYPES));
      }
    }
  }

  private static void rules(List<JsonNode> rules, FieldPath path, String peersField, List<FieldError> errs) {
    for (int r = 0; r < rules.size(); r++) {
      FieldPath rulePath = path.index(r);
      List<JsonNode> ports = Nodes.list(rules.get(r), "ports");
      for (int i = 0; i < ports.size(); i++) {
        port(ports.get(i), rulePath.child("ports").index(i), errs);
      }
      List<JsonNode> peers = Nodes.list(rules.get(r), peersField);
      for (int i = 0; i < peers.size(); i++) {
        peer(peers.get(i), rulePath.child(peersField).index(i), errs);
      }
    }
  }

  private static void port(JsonNode port, FieldPath path, List<FieldError> errs) {
    String protocol = Nodes.text(port, "protocol");
    if (protocol != null && !PROTOCOLS.contains(protocol)) {
      errs.add(FieldError.notSupported(path.child("protocol"), protocol, PROTOCOLS));
    }
    JsonNode number = Nodes.field(port, "port");
    JsonNode endPort = Nodes.field(port, "endPort");
    if (number.isMissingNode()) {
      if (!endPort.isMissingNode()) {
        errs.add(FieldError.invalid(path.child("endPort"), endPort.asLong(),
            "may not be specified when `port` is not specified"));
      }
    } else if (number.isIntegralNumber()) {
      NameRules.portNum(number.asLong()).forEach(m -> errs.add(FieldError.invalid(path.child("port"), number.asLong(), m)));
      if (!endPort.isMissingNode()) {
        if (endPort.asLong() < number.asLong()) {
          errs.add(FieldError.invalid(path.child("endPort"), number.asLong(), "must be greater than or equal to `port`"));
        }
        NameRules.portNum(endPort.asLong())
            .forEach(m -> errs.add(FieldError.invalid(path.child("endPort"), endPort.asLong(), m)));
      }
    } else {
      if (!endPort.isMissingNode()) {
        errs.add(FieldError.invalid(path.child("endPort"), endPort.asLong(),
            "may not be specified when `port` is non-numeric"));
      }
      NameRules.portName(number.asText()).forEach(m -> errs.add(FieldError.invalid(path.child("port"), number.asText(), m)));
    }
  }

  /** Exactly one of ipBlock or (podSelector and/or namespaceSelector). */
  private static void peer(JsonNode peer, FieldPath path, List<FieldError> errs) {
    int kinds = 0;
    for (String selector : List.of("podSelector", "namespaceSelector")) {
      JsonNode s = Nodes.field(peer, selector);
      if (!s.isMissingNode()) {
        kinds++;
        SelectorValidation.validate(s, path.child(selector), errs);
      }
    }
    JsonNode ipBlock = Nodes.field(peer, "ipBlock");
    if (!ipBlock.isMissingNode()) {
      kinds++;
      ipBlock(ipBlock, path.child("ipBlock"), errs);
    }
    if (kinds == 0) {
      errs.add(FieldError.required(path, "must specify a peer"));
    } else if (kinds > 1 && !ipBlock.isMissingNode()) {
      errs.add(FieldError.forbidden(path, "may not specify both ipBlock and another peer"));
    }
  }

  private static void ipBlock(JsonNode block, FieldPath path, List<FieldError> errs) {
    String cidr = Nodes.text(block, "cidr", "");
    if (cidr.isEmpty()) {
      errs.add(FieldError.required(path.child("cidr"), ""));
      return;
    }
    NetRules.Cidr parsed = NetRules.parseCidr(cidr);
    if (parsed == null) {
      errs.add(FieldError.invalid(path.child("cidr"), cidr, NetRules.CIDR_MSG));
      return;
    }
    List<String> except = Nodes.strings(Nodes.field(block, "except"));
    for (int i = 0; i < except.size(); i++) {
      FieldPath at = path.child("except").index(i);
      NetRules.Cidr e = NetRules.parseCidr(except.get(i));
      if (e == null) {
        errs.add(FieldError.invalid(at, except.get(i), NetRules.CIDR_MSG));
      } else if (!parsed.strictlyContains(e)) {
        errs.add(FieldError.invalid(at, except.get(i), "must be a strict subset of `cidr`"));
      }
    }
  }
}
