package io.gantry.proxy.tcp;

import io.gantry.common.transport.Transports;
import io.gantry.proxy.metrics.ProxyMetrics;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What every TCP connection of one proxy shares: the routing table reference, timeouts, the
 * connection limit and the registries. Immutable apart from the registries, which are thread-safe.
 *
 * @param snapshot        the current routing table (read once per connection)
 * @param transport       the Netty transport of the event loops
 * @param connectTimeout  how long a connect to an endpoint may take
 * @param idleTimeout     a connection with no bytes either way for this long is closed
 * @param maxAttempts     endpoints tried per connection when connects fail before any byte
 * @param splice          relay with splice(2) when both sides are epoll sockets
 */
public record TcpSettings(Supplier<io.gantry.proxy.table.RoutingSnapshot> snapshot, Transports transport,
    Duration connectTimeout, Duration idleTimeout, int maxAttempts, boolean splice, ConnectionRegistry connections,
    ProxyMetrics metrics) {

  /** Per direction, at most this much is buffered in the proxy before reading from the sender stops. */
  static final io.netty.channel.WriteBufferWaterMark WATER_MARK =
      new io.netty.channel.WriteBufferWaterMark(128 * 1024, 512 * 1024);

  /**
   * Reads grow up to 256 KiB when a sender is fast (bulk transfers), and shrink back for chatty
   * ones. Stateless (each channel gets its own handle), so shared.
   */
  @SuppressWarnings("deprecation")
  static final io.netty.channel.RecvByteBufAllocator RECV_ALLOCATOR =
      new io.netty.channel.AdaptiveRecvByteBufAllocator(64, 2048, 256 * 1024);

  public TcpSettings {
    Objects.requireNonNull(snapshot, "snapshot");
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(connections, "connections");
    Objects.requireNonNull(metrics, "metrics");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts: " + maxAttempts + " (expected: >= 1)");
    }
  }
}
