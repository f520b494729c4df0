package io.gantry.proxy.table;

/**
 * One port of one service, as kube-proxy's {@code ServicePortName}: namespace, service, port name
 * and protocol.
 */
public record ServicePortKey(String namespace, String name, String portName, Protocol protocol) {

  /** {@code namespace/name}, the key of the service's metrics. */
  public String service() {
    return namespace + "/" + name;
  }

  @Override
  public String toString() {
    return namespace + "/" + name + (portName.isEmpty() ? "" : ":" + portName) + "/" + protocol;
  }
}
