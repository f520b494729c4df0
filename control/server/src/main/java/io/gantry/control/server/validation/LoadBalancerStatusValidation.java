package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * {@code status.loadBalancer.ingress} of Services and Ingresses, as upstream's
 * ValidateLoadBalancerStatus and ValidateIngressLoadBalancerStatus check it on every write (only the
 * status subresource changes it): an {@code ip} is an IP address, a {@code hostname} a DNS
 * subdomain and no IP; a Service's {@code ipMode} needs an {@code ip} and is VIP or Proxy.
 */
final class LoadBalancerStatusValidation {

  private static final FieldPath INGRESS = FieldPath.root("status").child("loadBalancer").child("ingress");

  private LoadBalancerStatusValidation() {}

  static void validate(JsonNode object, boolean withIpMode, List<FieldError> errs) {
    List<JsonNode> ingress = Nodes.list(Nodes.field(Nodes.field(object, "status"), "loadBalancer"), "ingress");
    for (int i = 0; i < ingress.size(); i++) {
      FieldPath path = INGRESS.index(i);
      String ip = Nodes.text(ingress.get(i), "ip", "");
      if (!ip.isEmpty() && NetRules.parseIp(ip) == null) {
        errs.add(FieldError.invalid(path.child("ip"), ip, "must be a valid IP address"));
      }
      String ipMode = Nodes.text(ingress.get(i), "ipMode");
      if (withIpMode && ipMode != null) {
        if (ip.isEmpty()) {
          errs.add(FieldError.forbidden(path.child("ipMode"), "may not be specified when `ip` is not set"));
        } else if (!ipMode.equals("VIP") && !ipMode.equals("Proxy")) {
          errs.add(FieldError.notSupported(path.child("ipMode"), ipMode, List.of("Proxy", "VIP")));
        }
      }
      String hostname = Nodes.text(ingress.get(i), "hostname", "");
      if (!hostname.isEmpty()) {
        NameRules.dns1123Subdomain(hostname)
            .forEach(m -> errs.add(FieldError.invalid(path.child("hostname"), hostname, m)));
        if (NetRules.parseIp(hostname) != null) {
          errs.add(FieldError.invalid(path.child("hostname"), hostname, "must be a DNS name, not an IP address"));
        }
      }
    }
  }
}
