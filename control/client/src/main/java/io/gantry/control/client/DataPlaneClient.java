package io.gantry.control.client;

import io.gantry.control.api.v1.Ack;
import io.gantry.control.api.v1.ControlMessage;
import io.gantry.control.api.v1.DaemonMessage;
import io.gantry.control.api.v1.DataPlaneGrpc;
import io.gantry.control.api.v1.Nack;
import io.gantry.control.api.v1.Resource;
import io.gantry.control.api.v1.ResourceType;
import io.gantry.control.api.v1.Role;
import io.gantry.control.api.v1.Subscribe;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A daemon's subscription to the control component: connects, states what it holds, folds
 * every push into an immutable {@link DataPlaneSnapshot} (rejecting bad views with a NACK and
 * keeping its last good copy of each), ACKs, and after a failure reconnects with exponential
 * back-off and jitter, resuming from the versions it holds so only the difference travels.
 *
 * <p>Concurrency: one single-threaded executor is this client's serialized context: gRPC
 * callbacks, reconnect timers, folding, publishing (one volatile write) and listeners all run
 * on it. {@link #snapshot()} may be read from any thread.
 *
 * <p>Lifecycle: {@link Builder#start()} connects in the background; {@link #close()} cancels
 * the stream and stops the thread.
 */
public final class DataPlaneClient implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DataPlaneClient.class);
  /**
   * The largest push accepted. A cold start receives the whole subscribed state in one push
   * (about 7 MB for 10 000 services with 10 endpoints each), far above gRPC's 4 MiB default,
   * which would fail the stream with RESOURCE_EXHAUSTED on every reconnect.
   */
  static final int MAX_PUSH_BYTES = 1 << 30;

  /** Counters for status and tests. */
  public record Stats(long pushes, int lastPushSize, long nacksSent, long streamsOpened, boolean connected) {
  }

  private final Subscribe hello;
  private final SnapshotFolder folder;
  private final List<DataPlaneListener> listeners;
  private final Backoff backoff;
  private final ScheduledExecutorService context;
  private final ManagedChannel channel;
  private final CountDownLatch firstPush = new CountDownLatch(1);
  private volatile DataPlaneSnapshot snapshot;
  private volatile Stats stats = new Stats(0, 0, 0, 0, false);

  // Confined to context.
  private long stream;
  private ClientCallStreamObserver<DaemonMessage> requests;
  private ScheduledFuture<?> reconnect;
  private boolean closed;

  private DataPlaneClient(Builder builder) {
    this.hello = Subscribe.newBuilder().setNodeName(builder.nodeName).setRole(builder.role)
        .setDaemonId(builder.daemonId).addAllTypes(builder.types).build();
    this.folder = new SnapshotFolder(builder.extraValidator);
    this.listeners = new CopyOnWriteArrayList<>(builder.listeners);
    this.backoff = new Backoff(builder.initialBackoff, builder.maxBackoff, ThreadLocalRandom.current());
    this.snapshot = builder.resumeFrom;
    this.context = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "gantry-dataplane-client-" + builder.nodeName);
      thread.setDaemon(true);
      return thread;
    });
    this.channel = NettyChannelBuilder.forAddress(builder.target)
        .usePlaintext()
        .executor(context)
        .maxInboundMessageSize(MAX_PUSH_BYTES)
        .keepAliveTime(30, TimeUnit.SECONDS)
        .build();
  }

  public static Builder builder(InetSocketAddress target, String nodeName, Role role) {
    return new Builder(target, nodeName, role);
  }

  /** The latest accepted state. */
  public DataPlaneSnapshot snapshot() {
    return snapshot;
  }

  public Stats stats() {
    return stats;
  }

  /** Waits until the first push has been folded in. */
  public boolean awaitFirstPush(Duration timeout) throws InterruptedException {
    return firstPush.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void connect() {
    if (closed) {
      return;
    }
    reconnect = null;
    long id = ++stream;
    DataPlaneGrpc.newStub(channel).stream(new ClientResponseObserver<DaemonMessage, ControlMessage>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<DaemonMessage> requestStream) {
        requests = requestStream;
      }

      @Override
      public void onNext(ControlMessage push) {
        if (id == stream) {
          onPush(push);
        }
      }

      @Override
      public void onError(Throwable t) {
        if (id == stream) {
          disconnected(t.toString());
        }
      }

      @Override
      public void onCompleted() {
        if (id == stream) {
          disconnected("the control component ended the stream");
        }
      }
    });
    Subscribe subscribe = hello.toBuilder().addAllHeld(snapshot.heldVersions()).build();
    requests.onNext(DaemonMessage.newBuilder().setSubscribe(subscribe).build());
    Stats s = stats;
    stats = new Stats(s.pushes(), s.lastPushSize(), s.nacksSent(), s.streamsOpened() + 1, true);
  }

  private void onPush(ControlMessage push) {
    backoff.reset();
    SnapshotFolder.Result result = folder.fold(snapshot, push);
    snapshot = result.snapshot();
    // counted before the answer leaves: whoever sees the server record it sees it counted here too
    Stats s = stats;
    stats = new Stats(s.pushes() + 1, push.getUpsertsCount() + push.getRemovalsCount(),
        s.nacksSent() + (result.errors().isEmpty() ? 0 : 1), s.streamsOpened(), true);
    if (result.errors().isEmpty()) {
      requests.onNext(DaemonMessage.newBuilder().setAck(Ack.newBuilder().setNonce(push.getNonce())).build());
    } else {
      log.warn("rejected {} of {} views at version {} (keeping the last good ones): {}", result.errors().size(),
          push.getUpsertsCount(), push.getSystemVersion(), result.errors().get(0).getMessage());
      requests.onNext(DaemonMessage.newBuilder().setNack(Nack.newBuilder().setNonce(push.getNonce())
          .addAllErrors(result.errors())).build());
    }
    for (DataPlaneListener listener : listeners) {
      try {
        listener.onUpdate(result.snapshot(), result.changes());
      } catch (RuntimeException e) {
        log.error("data-plane listener failed at version {}", push.getSystemVersion(), e);
      }
    }
    firstPush.countDown();
  }

  private void disconnected(String why) {
    Stats s = stats;
    stats = new Stats(s.pushes(), s.lastPushSize(), s.nacksSent(), s.streamsOpened(), false);
    stream++; // ignore any late callback of the dead stream
    requests = null;
    if (closed) {
      return;
    }
    long delay = backoff.nextDelayNanos();
    log.info("data-plane stream lost ({}); reconnecting in {} ms", why, TimeUnit.NANOSECONDS.toMillis(delay));
    reconnect = context.schedule(this::connect, delay, TimeUnit.NANOSECONDS);
  }

  @Override
  public void close() {
    try {
      context.submit(() -> {
        closed = true;
        if (reconnect != null) {
          reconnect.cancel(false);
        }
        if (requests != null) {
          requests.cancel("daemon shutting down", null);
        }
      }).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.debug("closing the data-plane client: {}", e.toString());
    }
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    context.shutdownNow();
  }

  /** Collects a client's settings; {@link #start} connects. */
  public static final class Builder {
    private final InetSocketAddress target;
    private final String nodeName;
    private final Role role;
    private String daemonId = "";
    private final Set<ResourceType> types = EnumSet.noneOf(ResourceType.class);
    private final List<DataPlaneListener> listeners = new ArrayList<>();
    private DataPlaneSnapshot resumeFrom = DataPlaneSnapshot.EMPTY;
    private Duration initialBackoff = Duration.ofMillis(200);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private Function<Resource, List<String>> extraValidator = r -> List.of();

    private Builder(InetSocketAddress target, String nodeName, Role role) {
      this.target = Objects.requireNonNull(target, "target");
      this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
      this.role = Objects.requireNonNull(role, "role");
      if (nodeName.isEmpty()) {
        throw new IllegalArgumentException("nodeName: \"\" (expected: the daemon's node name)");
      }
      if (role == Role.ROLE_UNSPECIFIED || role == Role.UNRECOGNIZED) {
        throw new IllegalArgumentException("role: " + role + " (expected: PROXY, DNS, INGRESS or NODE)");
      }
    }

    /** A unique id among daemons of this node and role (default {@code role/node}). */
    public Builder daemonId(String value) {
      this.daemonId = Objects.requireNonNull(value, "daemonId");
      return this;
    }

    public Builder types(ResourceType... values) {
      for (ResourceType type : values) {
        if (type == ResourceType.RESOURCE_TYPE_UNSPECIFIED || type == ResourceType.UNRECOGNIZED) {
          throw new IllegalArgumentException("types: " + type + " (expected: SERVICE, ENDPOINTS, NODE, POLICY, "
              + "INGRESS or POD)");
        }
        types.add(type);
      }
      return this;
    }

    public Builder listener(DataPlaneListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Start from a snapshot this daemon held before (e.g. kept across a restart): only the difference travels. */
    public Builder resumeFrom(DataPlaneSnapshot value) {
      this.resumeFrom = Objects.requireNonNull(value, "resumeFrom");
      return this;
    }

    public Builder backoff(Duration initial, Duration max) {
      this.initialBackoff = Objects.requireNonNull(initial, "initial");
      this.maxBackoff = Objects.requireNonNull(max, "max");
      if (!initial.isPositive() || max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("backoff: initial " + initial + ", max " + max
            + " (expected: 0 < initial <= max)");
      }
      return this;
    }

    /**
     * A daemon-specific check run after the shared {@link io.gantry.control.api.ViewValidator};
     * a non-empty list of problems rejects the view (NACK).
     */
    public Builder extraValidator(Function<Resource, List<String>> value) {
      this.extraValidator = Objects.requireNonNull(value, "extraValidator");
      return this;
    }

    public DataPlaneClient start() {
      if (types.isEmpty()) {
        throw new IllegalStateException("types: [] (expected: at least one resource type)");
      }
      DataPlaneClient client = new DataPlaneClient(this);
      client.context.execute(client::connect);
      return client;
    }
  }
}
