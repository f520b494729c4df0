package io.gantry.proxy.udp;

import io.gantry.common.transport.Transports;
import io.gantry.proxy.metrics.ProxyMetrics;
import io.gantry.proxy.table.RoutingSnapshot;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What every UDP listener of one proxy shares.
 *
 * @param snapshot    the current routing table
 * @param transport   the Netty transport
 * @param idleTimeout a flow with no datagram either way for this long is forgotten
 * @param maxFlows    the most flows per listener (datagrams of new clients beyond it are dropped)
 * @param metrics     the proxy's metrics
 */
public record UdpSettings(Supplier<RoutingSnapshot> snapshot, Transports transport, Duration idleTimeout, int maxFlows,
    ProxyMetrics metrics) {

  /** The largest datagram relayed; longer ones are truncated by the kernel and so never forwarded whole. */
  static final int MAX_DATAGRAM = 65_535;

  public UdpSettings {
    Objects.requireNonNull(snapshot, "snapshot");
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(metrics, "metrics");
  }
}
