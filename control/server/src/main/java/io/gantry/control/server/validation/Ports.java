package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** Port numbers, IANA service names and int-or-string ports, shared by Services, Pods and policies. */
final class Ports {

  static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");

  private Ports() {}

  /** A required port number: absent reads as 0, which is out of range. */
  static long number(JsonNode parent, String field, FieldPath path, List<FieldError> errs) {
    JsonNode v = Nodes.field(parent, field);
    if (!v.isMissingNode() && !v.isIntegralNumber()) {
      errs.add(FieldError.invalid(path, Nodes.badValue(v), "must be an integer"));
      return -1;
    }
    long port = v.asLong(0);
    for (String msg : NameRules.portNum(port)) {
      errs.add(FieldError.invalid(path, port, msg));
    }
    return port;
  }

  /** A port given as a number (1-65535) or an IANA_SVC_NAME; absent is fine (defaulted by the caller's kind). */
  static void numberOrName(JsonNode port, FieldPath path, List<FieldError> errs) {
    if (port.isMissingNode()) {
      return;
    }
    if (port.isIntegralNumber()) {
      for (String msg : NameRules.portNum(port.asLong())) {
        errs.add(FieldError.invalid(path, port.asLong(), msg));
      }
    } else if (port.isTextual()) {
      for (String msg : NameRules.portName(port.asText())) {
        errs.add(FieldError.invalid(path, port.asText(), msg));
      }
    } else {
      errs.add(FieldError.invalid(path, Nodes.badValue(port), "must be an integer or a string"));
    }
  }

  /** A protocol that defaults to TCP when absent; explicitly empty is required, unknown unsupported. */
  static String protocol(JsonNode parent, FieldPath path, List<FieldError> errs) {
    String protocol = Nodes.text(parent, "protocol", "TCP");
    if (protocol.isEmpty()) {
      errs.add(FieldError.required(path, ""));
    } else if (!PROTOCOLS.contains(protocol)) {
      errs.add(FieldError.notSupported(path, protocol, PROTOCOLS));
    }
    return protocol;
  }
}
