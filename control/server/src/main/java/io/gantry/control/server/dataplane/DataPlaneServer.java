package io.gantry.control.server.dataplane;

import io.gantry.control.api.v1.ControlMessage;
import io.gantry.control.api.v1.DaemonMessage;
import io.gantry.control.api.v1.DataPlaneGrpc;
import io.gantry.control.api.v1.Role;
import io.gantry.control.api.v1.Subscribe;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC server of the DataPlane stream: one {@link Subscription} per daemon stream, fed by
 * the snapshots of a {@link ViewSnapshotBuilder}.
 *
 * <p>Transport: plaintext HTTP/2 (grpc-netty on the project's Netty), meant for loopback. TLS
 * with a serving certificate from the cluster CA is future work.
 *
 * <p>Concurrency: subscriptions live in a concurrent map; each serializes its own state. The
 * builder's listener only hands the snapshot to each subscription's context. Timers run on one
 * shared scheduler thread.
 */
public final class DataPlaneServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DataPlaneServer.class);
  /** Disconnected daemons listed by {@link #status()} before the oldest are forgotten. */
  private static final int MAX_DISCONNECTED = 256;

  private final ViewSnapshotBuilder snapshots;
  private final PushTimings timings;
  private final Clock clock;
  private final DataPlaneMetrics metrics = new DataPlaneMetrics();
  private final Map<Subscription, Boolean> live = new ConcurrentHashMap<>();
  private final Map<String, DaemonStatus> gone = new ConcurrentHashMap<>();
  private final ScheduledExecutorService scheduler;
  private Server server;

  private DataPlaneServer(ViewSnapshotBuilder snapshots, PushTimings timings, Clock clock) {
    this.snapshots = snapshots;
    this.timings = timings;
    this.clock = clock;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "gantry-dataplane-timer");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * grpc-java logs every connection that is not HTTP/2 (a health check or scrape aimed at the wrong port)
   * with a stack trace at INFO; at that rate a misdirected client fills the disk. Kept referenced: JUL
   * holds its loggers weakly, and a collected one would forget the level.
   */
  private static final java.util.logging.Logger TRANSPORT_LOG =
      java.util.logging.Logger.getLogger("io.grpc.netty.NettyServerTransport");

  static {
    TRANSPORT_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  /**
   * Binds {@code address} and serves {@code snapshots}. Start it after the builder has published
   * the initial state, so no daemon is programmed with half a world.
   */
  public static DataPlaneServer start(InetSocketAddress address, ViewSnapshotBuilder snapshots, PushTimings timings,
      Clock clock) throws IOException {
    Objects.requireNonNull(address, "address");
    DataPlaneServer server = new DataPlaneServer(Objects.requireNonNull(snapshots, "snapshots"),
        Objects.requireNonNull(timings, "timings"), Objects.requireNonNull(clock, "clock"));
    snapshots.addListener(server::onSnapshot);
    try {
      server.server = NettyServerBuilder.forAddress(address)
          .addService(server.new Service())
          .permitKeepAliveTime(10, TimeUnit.SECONDS)
          .permitKeepAliveWithoutCalls(true)
          .build()
          .start();
    } catch (IOException e) {
      server.scheduler.shutdownNow();
      throw new IOException("cannot serve the data plane on " + address + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      server.scheduler.shutdownNow();
      throw e;
    }
    log.info("data-plane gRPC listening on {}", server.localAddress());
    return server;
  }

  public InetSocketAddress localAddress() {
    return (InetSocketAddress) server.getListenSockets().get(0);
  }

  /** Every connected daemon, then recently disconnected ones, by id. */
  public List<DaemonStatus> status() {
    List<DaemonStatus> result = new ArrayList<>();
    for (Subscription subscription : live.keySet()) {
      DaemonStatus status = subscription.status();
      if (!status.daemonId().isEmpty()) {
        result.add(status);
      }
    }
    for (DaemonStatus status : gone.values()) {
      if (result.stream().noneMatch(s -> s.daemonId().equals(status.daemonId()))) {
        result.add(status);
      }
    }
    result.sort(Comparator.comparing(DaemonStatus::daemonId).thenComparing(DaemonStatus::connectedAt));
    return result;
  }

  public DataPlaneMetrics metrics() {
    return metrics;
  }

  /** The snapshot being served. */
  public ViewSnapshot snapshot() {
    return snapshots.current();
  }

  /** Appends the Prometheus text of this server. */
  public void renderMetrics(StringBuilder out) {
    metrics.render(out, status(), snapshots.current(), snapshots.invalidViews());
  }

  /** The id a daemon is known by: its own, or {@code role/node}. */
  static String daemonId(Subscribe hello) {
    if (!hello.getDaemonId().isEmpty()) {
      return hello.getDaemonId();
    }
    String role = hello.getRole() == Role.UNRECOGNIZED ? "unknown" : hello.getRole().name();
    return role.replace("ROLE_", "").toLowerCase(java.util.Locale.ROOT) + "/" + hello.getNodeName();
  }

  private void onSnapshot(ViewSnapshot snapshot) {
    for (Subscription subscription : live.keySet()) {
      subscription.onSnapshot(snapshot);
    }
  }

  private void closed(Subscription subscription) {
    if (live.remove(subscription) != null) {
      subscription.onClosed();
      // onClosed ran inline unless the context was busy; either way the status says so soon.
      DaemonStatus status = subscription.status();
      if (!status.daemonId().isEmpty()) {
        gone.put(status.daemonId(), status);
        if (gone.size() > MAX_DISCONNECTED) {
          gone.values().stream().min(Comparator.comparing(DaemonStatus::connectedAt))
              .ifPresent(oldest -> gone.remove(oldest.daemonId()));
        }
      }
    }
  }

  private final class Service extends DataPlaneGrpc.DataPlaneImplBase {
    @Override
    public StreamObserver<DaemonMessage> stream(StreamObserver<ControlMessage> responseObserver) {
      ServerCallStreamObserver<ControlMessage> out = (ServerCallStreamObserver<ControlMessage>) responseObserver;
      StreamSink sink = new StreamSink(out);
      Subscription subscription = new Subscription(sink, snapshots::current, scheduler, timings, metrics,
          clock.instant());
      sink.subscription = subscription;
      metrics.streams.increment();
      live.put(subscription, Boolean.TRUE);
      out.setOnReadyHandler(subscription::onReady);
      out.setOnCancelHandler(() -> closed(subscription));
      return new StreamObserver<>() {
        @Override
        public void onNext(DaemonMessage message) {
          subscription.onMessage(message);
        }

        @Override
        public void onError(Throwable t) {
          closed(subscription);
        }

        @Override
        public void onCompleted() {
          closed(subscription);
          out.onCompleted();
        }
      };
    }
  }

  /** The server half of one stream, as a {@link PushSink}. */
  private final class StreamSink implements PushSink {
    private final ServerCallStreamObserver<ControlMessage> out;
    private volatile Subscription subscription;

    StreamSink(ServerCallStreamObserver<ControlMessage> out) {
      this.out = out;
    }

    @Override
    public boolean isReady() {
      return out.isReady();
    }

    @Override
    public void push(ControlMessage message) {
      out.onNext(message);
    }

    @Override
    public void fail(Status status) {
      out.onError(status.asRuntimeException());
      closed(subscription);
    }
  }

  @Override
  public void close() {
    if (server != null) {
      server.shutdownNow();
      try {
        server.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    scheduler.shutdownNow();
  }
}
