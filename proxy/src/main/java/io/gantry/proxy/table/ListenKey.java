package io.gantry.proxy.table;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where the proxy listens: a resolved socket address and a protocol.
 *
 * @param address  a resolved IP literal and port
 * @param protocol TCP or UDP
 */
public record ListenKey(InetSocketAddress address, Protocol protocol) {

  public ListenKey {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(protocol, "protocol");
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("address: " + address + " (expected: an IP literal)");
    }
  }

  @Override
  public String toString() {
    return protocol + "/" + address.getAddress().getHostAddress() + ":" + address.getPort();
  }
}
