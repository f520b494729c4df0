package io.gantry.control.server.dataplane;

import io.gantry.control.api.Resources;
import io.gantry.control.api.v1.Ack;
import io.gantry.control.api.v1.ControlMessage;
import io.gantry.control.api.v1.DaemonMessage;
import io.gantry.control.api.v1.HeldVersions;
import io.gantry.control.api.v1.Nack;
import io.gantry.control.api.v1.ResourceError;
import io.gantry.control.api.v1.ResourceType;
import io.gantry.control.api.v1.Role;
import io.gantry.control.api.v1.Subscribe;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One daemon's stream: what it holds, which keys changed since its last push, and when to push.
 *
 * <p>A slow daemon never builds a queue: between pushes only the set of dirty keys grows (at
 * most one entry per resource), and a push reads the latest snapshot, so many changes while a
 * push is unanswered become one push with the newest state. {@code held} is updated when a push
 * is sent; the stream is ordered, so the next push may build on it. A NACKed resource counts as
 * held at the pushed version (the daemon keeps its last good copy; resending the same bad view
 * would only be NACKed again); a reconnect reports the true versions.
 *
 * <p>Concurrency: every method hands its work to this subscription's {@link
 * SynchronizationContext}; all fields below are confined to it. Only {@link #status()} is read
 * from other threads, as an immutable record behind a volatile field.
 */
final class Subscription {

  private static final Logger log = LoggerFactory.getLogger(Subscription.class);

  private final SynchronizationContext context;
  private final PushSink sink;
  private final Supplier<ViewSnapshot> snapshots;
  private final ScheduledExecutorService scheduler;
  /** Pushes that timed out, by nonce (numeric order), with their versions: their answers may still come. */
  private final java.util.TreeMap<String, Long> timedOut =
      new java.util.TreeMap<>(java.util.Comparator.comparingLong(Long::parseLong));
  private static final int MAX_TIMED_OUT_REMEMBERED = 64;
  private final PushTimings timings;
  private final DataPlaneMetrics metrics;
  private final Instant connectedAt;

  // Confined to context.
  private Subscribe hello;
  private Set<ResourceType> types = Set.of();
  private final Map<ResourceType, Map<String, Long>> held = new EnumMap<>(ResourceType.class);
  private final Map<ResourceType, Set<String>> dirty = new EnumMap<>(ResourceType.class);
  private long dirtySinceNanos = -1;
  private String inFlightNonce;
  private long inFlightSentNanos;
  private long inFlightVersion;
  private long nonces;
  private long ackedVersion;
  /** The newest snapshot version handed to this subscription (on subscribe, push or onSnapshot). */
  private long seenVersion;
  /** The newest version this daemon holds every change of its types up to; see {@link DaemonStatus}. */
  private long syncedVersion;
  /** Whether the daemon ACKed or NACKed the last push (not when it timed out). */
  private boolean lastPushAnswered;
  private long pushes;
  private long nackCount;
  private String lastNack = "";
  private boolean closed;
  private SynchronizationContext.ScheduledHandle flushTimer;
  private SynchronizationContext.ScheduledHandle ackTimer;

  private volatile DaemonStatus status;

  Subscription(PushSink sink, Supplier<ViewSnapshot> snapshots, ScheduledExecutorService scheduler,
      PushTimings timings, DataPlaneMetrics metrics, Instant connectedAt) {
    this.sink = sink;
    this.snapshots = snapshots;
    this.scheduler = scheduler;
    this.timings = timings;
    this.metrics = metrics;
    this.connectedAt = connectedAt;
    this.context = new SynchronizationContext((thread, e) ->
        log.error("data-plane subscription task failed on {}", thread.getName(), e));
    this.status = new DaemonStatus("", "", Role.ROLE_UNSPECIFIED, List.of(), true, 0, 0, 0, "", 0, connectedAt,
        0);
  }

  DaemonStatus status() {
    return status;
  }

  void onMessage(DaemonMessage message) {
    context.execute(() -> handle(message));
  }

  /** A new snapshot was published. */
  void onSnapshot(ViewSnapshot snapshot) {
    context.execute(() -> {
      if (hello == null || closed) {
        return;
      }
      seenVersion = Math.max(seenVersion, snapshot.systemVersion());
      boolean added = false;
      for (Map.Entry<ResourceType, Set<String>> changed : snapshot.changed().entrySet()) {
        if (types.contains(changed.getKey()) && !changed.getValue().isEmpty()) {
          dirty.computeIfAbsent(changed.getKey(), t -> new HashSet<>()).addAll(changed.getValue());
          added = true;
        }
      }
      if (added) {
        scheduleFlush();
      } else if (caughtUp()) {
        publishStatus(); // only other types changed: the daemon is as current as the served state
      }
    });
  }

  /** The transport can take more: a push held back by flow control may go now. */
  void onReady() {
    context.execute(this::flush);
  }

  void onClosed() {
    context.execute(() -> {
      if (closed) {
        return;
      }
      closed = true;
      cancelTimers();
      publishStatus();
      if (hello != null) {
        log.info("data-plane daemon {} disconnected (acked version {})", status.daemonId(), ackedVersion);
      }
    });
  }

  private void handle(DaemonMessage message) {
    if (closed) {
      return;
    }
    switch (message.getKindCase()) {
      case SUBSCRIBE -> subscribe(message.getSubscribe());
      case ACK -> answered(message.getAck().getNonce(), List.of());
      case NACK -> {
        Nack nack = message.getNack();
        answered(nack.getNonce(), nack.getErrorsCount() == 0
            ? List.of(ResourceError.newBuilder().setMessage("NACK without errors").build()) : nack.getErrorsList());
      }
      case KIND_NOT_SET -> fail("a DaemonMessage without subscribe, ack or nack");
    }
  }

  private void subscribe(Subscribe subscribe) {
    if (hello != null) {
      fail("a second Subscribe on one stream (expected: reconnect to subscribe again)");
      return;
    }
    List<String> problems = new ArrayList<>();
    if (subscribe.getNodeName().isEmpty()) {
      problems.add("node_name: \"\" (expected: the daemon's node)");
    } else if (subscribe.getNodeName().length() > 253 || !NODE_NAME.matcher(subscribe.getNodeName()).matches()) {
      problems.add("node_name: \"" + abbreviated(subscribe.getNodeName()) + "\" (expected: a node name, a DNS subdomain"
          + " of at most 253 characters)");
    }
    if (subscribe.getDaemonId().length() > 253 || !DAEMON_ID.matcher(subscribe.getDaemonId()).matches()) {
      problems.add("daemon_id: \"" + abbreviated(subscribe.getDaemonId()) + "\" (expected: at most 253 letters, digits"
          + " and . _ - / :)");
    }
    Set<ResourceType> wanted = EnumSet.noneOf(ResourceType.class);
    for (ResourceType type : subscribe.getTypesList()) {
      if (type == ResourceType.RESOURCE_TYPE_UNSPECIFIED || type == ResourceType.UNRECOGNIZED) {
        problems.add("types: " + type + " (expected: SERVICE, ENDPOINTS, NODE, POLICY, INGRESS or POD)");
      } else {
        wanted.add(type);
      }
    }
    if (wanted.isEmpty()) {
      problems.add("types: [] (expected: at least one resource type)");
    }
    if (!problems.isEmpty()) {
      fail("bad Subscribe: " + String.join("; ", problems));
      return;
    }
    hello = subscribe;
    types = wanted;
    for (HeldVersions versions : subscribe.getHeldList()) {
      if (wanted.contains(versions.getType())) {
        held.computeIfAbsent(versions.getType(), t -> new HashMap<>()).putAll(versions.getVersionsMap());
      }
    }
    ViewSnapshot snapshot = snapshots.get();
    dirty.putAll(Delta.resumeKeys(snapshot, wanted, held));
    int heldCount = held.values().stream().mapToInt(Map::size).sum();
    log.info("data-plane daemon {} ({} on node {}) subscribed to {}, holding {} resources", daemonId(),
        subscribe.getRole(), subscribe.getNodeName(), labels(), heldCount);
    push(snapshot, true);
  }

  private void answered(String nonce, List<ResourceError> errors) {
    if (inFlightNonce == null || !inFlightNonce.equals(nonce)) {
      Long lateVersion = timedOut.remove(nonce);
      if (lateVersion != null) {
        // The stream is ordered: a late answer to push N means the daemon applied every push up to N.
        ackedVersion = Math.max(ackedVersion, lateVersion);
        timedOut.keySet().removeIf(other -> Long.parseLong(other) < Long.parseLong(nonce));
        publishStatus();
      }
      return;
    }
    metrics.ackedPushes.increment();
    metrics.ackNanos.add(System.nanoTime() - inFlightSentNanos);
    ackedVersion = inFlightVersion;
    lastPushAnswered = true;
    syncedVersion = Math.max(syncedVersion, inFlightVersion);
    if (!errors.isEmpty()) {
      nackCount++;
      metrics.nacks.increment();
      List<String> parts = new ArrayList<>();
      for (ResourceError error : errors) {
        parts.add(Resources.label(error.getType()) + " " + error.getName() + ": " + error.getMessage());
      }
      lastNack = String.join("; ", parts);
      log.warn("data-plane daemon {} rejected push {} (kept its last good state): {}", daemonId(), nonce, lastNack);
    }
    inFlightNonce = null;
    if (ackTimer != null) {
      ackTimer.cancel();
      ackTimer = null;
    }
    // Changes that came in meanwhile have waited long enough: push them now.
    flush();
    caughtUp();
    publishStatus();
  }

  private void scheduleFlush() {
    long now = System.nanoTime();
    if (dirtySinceNanos < 0) {
      dirtySinceNanos = now;
    }
    if (inFlightNonce != null) {
      publishStatus();
      return; // the ACK pushes
    }
    long deadline = Math.min(now + timings.quiet().toNanos(), dirtySinceNanos + timings.maxDelay().toNanos());
    if (flushTimer != null) {
      flushTimer.cancel();
    }
    flushTimer = context.schedule(this::flush, Math.max(0, deadline - now), TimeUnit.NANOSECONDS, scheduler);
  }

  private void flush() {
    if (closed || hello == null || inFlightNonce != null || dirty.isEmpty()) {
      return;
    }
    if (!sink.isReady()) {
      return; // onReady flushes
    }
    push(snapshots.get(), false);
  }

  private void push(ViewSnapshot snapshot, boolean initial) {
    if (flushTimer != null) {
      flushTimer.cancel();
      flushTimer = null;
    }
    Delta delta = Delta.compute(snapshot, held, dirty);
    dirty.clear();
    dirtySinceNanos = -1;
    seenVersion = Math.max(seenVersion, snapshot.systemVersion());
    if (delta.isEmpty() && !initial) {
      caughtUp();
      publishStatus();
      return;
    }
    String nonce = Long.toString(++nonces);
    ControlMessage message = ControlMessage.newBuilder()
        .setNonce(nonce)
        .setSystemVersion(snapshot.systemVersion())
        .addAllUpserts(delta.upserts())
        .addAllRemovals(delta.removals())
        .build();
    inFlightNonce = nonce;
    lastPushAnswered = false;
    inFlightVersion = snapshot.systemVersion();
    inFlightSentNanos = System.nanoTime();
    pushes++;
    metrics.pushes.increment();
    metrics.pushedResources.add(delta.size());
    metrics.pushBytes.add(message.getSerializedSize());
    ackTimer = context.schedule(() -> ackTimedOut(nonce), timings.ackTimeout().toNanos(), TimeUnit.NANOSECONDS,
        scheduler);
    sink.push(message);
    publishStatus();
  }

  /**
   * When the last push was answered and nothing is in flight or waiting, the daemon holds the state
   * of its types as of the newest snapshot seen: moves {@code syncedVersion} there and says whether
   * it did.
   */
  private boolean caughtUp() {
    if (hello == null || !lastPushAnswered || inFlightNonce != null || !dirty.isEmpty()) {
      return false;
    }
    syncedVersion = Math.max(syncedVersion, seenVersion);
    return true;
  }

  private void ackTimedOut(String nonce) {
    if (nonce.equals(inFlightNonce)) {
      metrics.ackTimeouts.increment();
      log.warn("data-plane daemon {} has not answered push {} in {}; pushing on", daemonId(), nonce,
          timings.ackTimeout());
      timedOut.put(nonce, inFlightVersion);
      if (timedOut.size() > MAX_TIMED_OUT_REMEMBERED) {
        timedOut.pollFirstEntry();
      }
      inFlightNonce = null;
      ackTimer = null;
      flush();
    }
  }

  private static final java.util.regex.Pattern NODE_NAME =
      java.util.regex.Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final java.util.regex.Pattern DAEMON_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._/:-]*");

  /** A client's value shortened for a log line and an error: it may be megabytes long. */
  private static String abbreviated(String value) {
    String printable = value.length() > 64 ? value.substring(0, 64) + "..." : value;
    return printable.replaceAll("[^\\x20-\\x7e]", "?");
  }

  private void fail(String message) {
    log.warn("data-plane stream of {}: {}", hello == null ? "an unsubscribed daemon" : daemonId(), message);
    closed = true;
    cancelTimers();
    publishStatus();
    sink.fail(Status.INVALID_ARGUMENT.withDescription(message));
  }

  private void cancelTimers() {
    if (flushTimer != null) {
      flushTimer.cancel();
    }
    if (ackTimer != null) {
      ackTimer.cancel();
    }
  }

  private String daemonId() {
    return DataPlaneServer.daemonId(hello);
  }

  private List<String> labels() {
    List<String> labels = new ArrayList<>();
    for (ResourceType type : types) {
      labels.add(Resources.label(type));
    }
    return labels;
  }

  private void publishStatus() {
    int pending = 0;
    for (Set<String> keys : dirty.values()) {
      pending += keys.size();
    }
    status = new DaemonStatus(hello == null ? "" : daemonId(), hello == null ? "" : hello.getNodeName(),
        hello == null ? Role.ROLE_UNSPECIFIED : hello.getRole(), labels(), !closed, ackedVersion, pushes, nackCount,
        lastNack, pending, connectedAt, syncedVersion);
  }
}
