package io.gantry.proxy.table;

/** The L4 protocols the proxy serves (SCTP services are skipped). */
public enum Protocol {
  TCP, UDP;

  /** The protocol of a service port, or null when the proxy does not serve it. */
  public static Protocol parse(String value) {
    return switch (value == null || value.isEmpty() ? "TCP" : value) {
      case "TCP" -> TCP;
      case "UDP" -> UDP;
      default -> null;
    };
  }
}
