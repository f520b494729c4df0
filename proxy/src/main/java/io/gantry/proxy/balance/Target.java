package io.gantry.proxy.balance;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One endpoint as a service port reaches it: the socket address (endpoint IP and resolved target
 * port), the node it runs on, and the live count of connections to it (shared by every snapshot
 * that contains the same address, so least-connections pickers see the real load).
 */
public final class Target {

  private final InetSocketAddress address;
  private final String nodeName;
  private final EndpointLoad load;

  public Target(InetSocketAddress address, String nodeName, EndpointLoad load) {
    this.address = Objects.requireNonNull(address, "address");
    this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
    this.load = Objects.requireNonNull(load, "load");
  }

  public InetSocketAddress address() {
    return address;
  }

  public String nodeName() {
    return nodeName;
  }

  public EndpointLoad load() {
    return load;
  }

  /** Targets are equal when they reach the same socket address on the same node. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Target t && t.address.equals(address) && t.nodeName.equals(nodeName);
  }

  @Override
  public int hashCode() {
    return address.hashCode() * 31 + nodeName.hashCode();
  }

  @Override
  public String toString() {
    return address.getAddress().getHostAddress() + ":" + address.getPort();
  }
}
