package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** EndpointSlices (upstream discovery validation): address type, addresses per type, limits, ports. */
final class EndpointSliceValidation {

  static final List<String> ADDRESS_TYPES = List.of("FQDN", "IPv4", "IPv6");
  static final int MAX_ENDPOINTS = 1000;
  static final int MAX_ADDRESSES = 100;
  static final int MAX_PORTS = 20000;
  private static final FieldPath ENDPOINTS = FieldPath.root("endpoints");
  private static final FieldPath PORTS = FieldPath.root("ports");

  private EndpointSliceValidation() {}

  static void validate(JsonNode slice, List<FieldError> errs) {
    String addressType = Nodes.text(slice, "addressType", "");
    if (addressType.isEmpty()) {
      errs.add(FieldError.required(FieldPath.root("addressType"), ""));
    } else if (!ADDRESS_TYPES.contains(addressType)) {
      errs.add(FieldError.notSupported(FieldPath.root("addressType"), addressType, ADDRESS_TYPES));
    }
    endpoints(Nodes.list(slice, "endpoints"), addressType, errs);
    ports(Nodes.list(slice, "ports"), errs);
  }

  static void validateUpdate(JsonNode slice, JsonNode old, List<FieldError> errs) {
    MetadataValidation.immutable(FieldPath.root("addressType"), Nodes.text(slice, "addressType", ""),
        Nodes.text(old, "addressType", ""), errs);
  }

  private static void endpoints(List<JsonNode> endpoints, String addressType, List<FieldError> errs) {
    if (endpoints.size() > MAX_ENDPOINTS) {
      errs.add(FieldError.tooMany(ENDPOINTS, endpoints.size(), MAX_ENDPOINTS));
      return;
    }
    for (int i = 0; i < endpoints.size(); i++) {
      FieldPath idx = ENDPOINTS.index(i);
      FieldPath addrPath = idx.child("addresses");
      List<String> addresses = Nodes.strings(Nodes.field(endpoints.get(i), "addresses"));
      if (addresses.isEmpty()) {
        errs.add(FieldError.required(addrPath, "must contain at least 1 address"));
      } else if (addresses.size() > MAX_ADDRESSES) {
        errs.add(FieldError.tooMany(addrPath, addresses.size(), MAX_ADDRESSES));
      }
      for (int a = 0; a < addresses.size(); a++) {
        address(addresses.get(a), addressType, addrPath.index(a), errs);
      }
      String nodeName = Nodes.text(endpoints.get(i), "nodeName");
      if (nodeName != null) {
        NameRules.dns1123Subdomain(nodeName).forEach(m -> errs.add(FieldError.invalid(idx.child("nodeName"), nodeName, m)));
      }
      String hostname = Nodes.text(endpoints.get(i), "hostname");
      if (hostname != null) {
        NameRules.dns1123Label(hostname).forEach(m -> errs.add(FieldError.invalid(idx.child("hostname"), hostname, m)));
      }
    }
  }

  private static void address(String address, String addressType, FieldPath path, List<FieldError> errs) {
    switch (addressType) {
      case "IPv4", "IPv6" -> {
        byte[] ip = NetRules.parseIp(address);
        int length = addressType.equals("IPv4") ? 4 : 16;
        if (ip == null || ip.length != length) {
          errs.add(FieldError.invalid(path, address, "must be a valid " + addressType + " address"));
        } else {
          endpointIp(ip, address, path, errs);
        }
      }
      case "FQDN" -> fqdn(address, path, errs);
      default -> { }
    }
  }

  /**
   * Upstream {@code ValidateEndpointIP}: no unspecified, loopback or link-local addresses, with one
   * Gantry deviation: IPv4 loopback (127.0.0.0/8) is allowed, because this cluster's pod network
   * (default 127.244.0.0/16) lives there and the EndpointSlice controller publishes those pod IPs.
   */
  static void endpointIp(byte[] ip, String address, FieldPath path, List<FieldError> errs) {
    boolean v4 = ip.length == 4;
    boolean allZero = true;
    for (byte b : ip) {
      allZero &= b == 0;
    }
    if (allZero) {
      errs.add(FieldError.invalid(path, address, "may not be unspecified (0.0.0.0)"));
    } else if (!v4 && isV6Loopback(ip)) {
      errs.add(FieldError.invalid(path, address, "may not be in the loopback range (127.0.0.0/8, ::1/128)"));
    } else if (v4 ? (ip[0] & 0xff) == 169 && (ip[1] & 0xff) == 254 : (ip[0] & 0xff) == 0xfe && (ip[1] & 0xc0) == 0x80) {
      errs.add(FieldError.invalid(path, address, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"));
    } else if (v4 ? (ip[0] & 0xff) == 224 && ip[1] == 0 && ip[2] == 0 : (ip[0] & 0xff) == 0xff && (ip[1] & 0x0f) == 2) {
      errs.add(FieldError.invalid(path, address,
          "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"));
    }
  }

  private static boolean isV6Loopback(byte[] ip) {
    for (int i = 0; i < 15; i++) {
      if (ip[i] != 0) {
        return false;
      }
    }
    return ip[15] == 1;
  }

  /** Upstream {@code IsFullyQualifiedDomainName}: a subdomain of at least two labels, trailing dot allowed. */
  private static void fqdn(String name, FieldPath path, List<FieldError> errs) {
    if (name.isEmpty()) {
      errs.add(FieldError.required(path, ""));
      return;
    }
    String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    List<String> msgs = NameRules.dns1123Subdomain(n);
    if (!msgs.isEmpty()) {
      errs.add(FieldError.invalid(path, n, String.join(",", msgs)));
      return;
    }
    String[] labels = n.split("\\.", -1);
    if (labels.length < 2) {
      errs.add(FieldError.invalid(path, n, "should be a domain with at least two segments separated by dots"));
      return;
    }
    for (String label : labels) {
      List<String> labelMsgs = NameRules.dns1123Label(label);
      if (!labelMsgs.isEmpty()) {
        errs.add(FieldError.invalid(path, label, String.join(",", labelMsgs)));
        return;
      }
    }
  }

  private static void ports(List<JsonNode> ports, List<FieldError> errs) {
    if (ports.size() > MAX_PORTS) {
      errs.add(FieldError.tooMany(PORTS, ports.size(), MAX_PORTS));
      return;
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < ports.size(); i++) {
      FieldPath idx = PORTS.index(i);
      String name = Nodes.text(ports.get(i), "name", "");
      if (!name.isEmpty()) {
        NameRules.dns1123Label(name).forEach(m -> errs.add(FieldError.invalid(idx.child("name"), name, m)));
      }
      if (!names.add(name)) {
        errs.add(FieldError.duplicate(idx.child("name"), name));
      }
      if ("".equals(Nodes.text(ports.get(i), "protocol"))) { // a pointer upstream: "" is a value, not absent
        errs.add(FieldError.notSupported(idx.child("protocol"), "", Ports.PROTOCOLS));
      } else {
        Ports.protocol(ports.get(i), idx.child("protocol"), errs);
      }
      JsonNode port = Nodes.field(ports.get(i), "port");
      if (!port.isMissingNode()) {
        Ports.number(ports.get(i), "port", idx.child("port"), errs);
      }
      String appProtocol = Nodes.text(ports.get(i), "appProtocol");
      if (appProtocol != null) {
        NameRules.qualifiedName(appProtocol)
            .forEach(m -> errs.add(FieldError.invalid(idx.child("appProtocol"), appProtocol, m)));
      }
    }
  }
}
