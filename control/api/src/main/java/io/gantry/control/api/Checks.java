package io.gantry.control.api;

import java.util.List;

/** Small checks the view validators share; messages read {@code field: value (expected: ...)}. */
final class Checks {

  private Checks() {
  }

  static void namespacedName(String namespace, String name, String resourceName, List<String> errors) {
    nonEmpty("namespace", namespace, errors);
    nonEmpty("name", name, errors);
    String expected = Resources.name(namespace, name);
    if (!namespace.isEmpty() && !name.isEmpty() && !expected.equals(resourceName)) {
      errors.add("resource name: \"" + resourceName + "\" (expected: \"" + expected + "\")");
    }
  }

  static void nonEmpty(String field, String value, List<String> errors) {
    if (value.isEmpty()) {
      errors.add(field + ": \"\" (expected: non-empty)");
    }
  }

  static void port(String field, int port, List<String> errors) {
    if (port < 1 || port > 65535) {
      errors.add(field + ": " + port + " (expected: 1-65535)");
    }
  }

  static void optionalPort(String field, int port, List<String> errors) {
    if (port != 0) {
      port(field, port, errors);
    }
  }

  static void ip(String field, String value, List<String> errors) {
    if (!IpLiterals.isIp(value)) {
      errors.add(field + ": \"" + value + "\" (expected: an IPv4 or IPv6 address)");
    }
  }

  static void protocol(String field, String value, List<String> errors) {
    if (!value.equals("TCP") && !value.equals("UDP") && !value.equals("SCTP")) {
      errors.add(field + ": \"" + value + "\" (expected: TCP, UDP or SCTP)");
    }
  }

  static void oneOf(String field, String value, List<String> allowed, List<String> errors) {
    if (!allowed.contains(value)) {
      errors.add(field + ": \"" + value + "\" (expected: one of " + String.join(", ", allowed) + ")");
    }
  }
}
