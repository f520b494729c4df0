package io.gantry.control.server.controller.nodelifecycle;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.scheduler.EventRecorder;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceTypes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node lifecycle controller of kube-controller-manager, in one periodic pass
 * ({@link #runOnce}) over the nodes:
 * <ol>
 *   <li>A node whose heartbeat (its Lease in {@code kube-node-lease} or its Ready condition's
 *       {@code lastHeartbeatTime}) is older than {@code nodeMonitorGracePeriod} has its
 *       conditions set to Unknown ({@link NodeHealth}).</li>
 *   <li>Its readiness taints follow its Ready condition ({@link NodeTaints}): {@code unreachable}
 *       or {@code not-ready} with NoSchedule and NoExecute, removed once Ready is True again (the
 *       node agent sets that itself when it comes back); a cordoned node
 *       ({@code spec.unschedulable}) carries {@code node.kubernetes.io/unschedulable:NoSchedule}.</li>
 *   <li>While a node is not Ready, the Ready condition of its pods is set to False, so their
 *       endpoints become not ready, and pods are evicted ({@link PodEviction}) once the NoExecute
 *       taint is older than their toleration allows ({@code podEvictionTimeout} without one).</li>
 *   <li>Pods bound to a node missing for 40 s are failed and deleted ({@link OrphanedPods}).</li>
 *   <li>Other NoExecute taints evict the pods that do not tolerate them ({@link TaintEviction}).</li>
 * </ol>
 * Every pass reads through the registry, so a pass sees the writes before it; every write is a
 * compare-and-swap on resourceVersion, re-read and retried on conflict. Time comes from the
 * injected clock; a node gets a full grace period after the controller starts, as upstream.
 *
 * <p>Concurrency: {@link #runOnce} must not run concurrently with itself; {@link #start} runs it
 * on one dedicated thread. Lifecycle: {@link #close} stops that thread.
 */
public final class NodeLifecycleController implements AutoCloseable {

  static final String LEASE_NAMESPACE = "kube-node-lease";
  private static final Logger log = LoggerFactory.getLogger(NodeLifecycleController.class);
  private static final int ATTEMPTS = 8;

  private final ObjectRegistry registry;
  private final Clock clock;
  private final Duration gracePeriod;
  private final Instant started;
  private final PodEviction eviction;
  private final OrphanedPods orphans;
  private final TaintEviction taints;
  private final EventRecorder events;
  /** The uids of the nodes this controller has announced with RegisteredNode. */
  private final java.util.Set<String> registered = new java.util.HashSet<>();
  private ScheduledExecutorService timer;

  public NodeLifecycleController(ObjectRegistry registry, Clock clock, Duration nodeMonitorGracePeriod,
      Duration podEvictionTimeout) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.gracePeriod = positive(nodeMonitorGracePeriod, "nodeMonitorGracePeriod");
    this.started = clock.instant();
    this.eviction = new PodEviction(registry, clock, positive(podEvictionTimeout, "podEvictionTimeout"));
    this.orphans = new OrphanedPods(registry, clock);
    this.taints = new TaintEviction(registry, clock, eviction);
    this.events = new EventRecorder(registry, clock, "node-controller");
  }

  private static Duration positive(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: a positive duration)");
    }
    return value;
  }

  /** Runs {@link #runOnce} every {@code period} on a dedicated daemon thread. */
  public synchronized NodeLifecycleController start(Duration period) {
    if (timer != null) {
      throw new IllegalStateException("node lifecycle controller already started");
    }
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "node-lifecycle");
      thread.setDaemon(true);
      return thread;
    });
    long millis = positive(period, "period").toMillis();
    timer.scheduleWithFixedDelay(this::runOnce, millis, millis, TimeUnit.MILLISECONDS);
    return this;
  }

  /** One pass over every node. Never throws: a node that fails is logged and tried next pass. */
  public void runOnce() {
    try {
      Map<String, ObjectNode> leases = new HashMap<>();
      for (ObjectNode lease : registry.list(ResourceTypes.LEASES, LEASE_NAMESPACE, null, null, 0, null).items()) {
        leases.put(ObjectMeta.name(lease), lease);
      }
      java.util.Set<String> names = new java.util.HashSet<>();
      List<ObjectNode> nodes = registry.list(ResourceTypes.NODES, null, null, null, 0, null).items();
      for (ObjectNode node : nodes) {
        names.add(ObjectMeta.name(node));
        try {
          reconcile(node, leases.get(ObjectMeta.name(node)));
        } catch (ApiException | RuntimeException e) {
          log.warn("node lifecycle: node {} failed, will retry: {}", ObjectMeta.name(node), e.getMessage());
        }
      }
      orphans.process(names);
      taints.process(nodes);
    } catch (ApiException | RuntimeException e) {
      log.warn("node lifecycle pass failed: {}", e.toString());
    }
  }

  private void reconcile(ObjectNode node, ObjectNode lease) throws ApiException {
    String name = ObjectMeta.name(node);
    if (registered.add(ObjectMeta.text(node, "uid"))) {
      events.record(node, "Normal", "RegisteredNode", "Node " + name + " event: Registered Node " + name
          + " in Controller");
    }
    Instant now = clock.instant();
    Instant heartbeat = NodeHealth.heartbeat(node, lease, started);
    if (now.isAfter(heartbeat.plus(gracePeriod)) && !"Unknown".equals(NodeHealth.readyStatus(node))) {
      Optional<ObjectNode> updated = write(name, "status", n -> NodeHealth.markUnknown(n, now) ? n : null);
      if (updated.isEmpty()) {
        return;
      }
      node = updated.get();
      log.info("node {} stopped posting status (last heartbeat {}); conditions set to Unknown", name, heartbeat);
      events.record(node, "Normal", "NodeNotReady", "Node " + name + " status is now: NodeNotReady");
    }
    String ready = NodeHealth.readyStatus(node);
    Optional<ObjectNode> tainted = write(name, null, n -> NodeTaints.reconcile(n, NodeHealth.readyStatus(n), now)
        | NodeTaints.reconcileUnschedulable(n) ? n : null);
    if (tainted.isPresent()) {
      node = tainted.get();
    }
    if (!ready.equals("True") && !ready.isEmpty()) {
      eviction.process(node, NodeTaints.noExecute(node));
    }
  }

  /**
   * Re-reads the node, applies the change (null: nothing to do) and writes it with its
   * resourceVersion; the written node, or empty when there was nothing to write or it is gone.
   */
  private Optional<ObjectNode> write(String name, String subresource, UnaryOperator<ObjectNode> change)
      throws ApiException {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Optional<ObjectNode> found = registry.find(ResourceTypes.NODES, null, name);
      if (found.isEmpty()) {
        return Optional.empty();
      }
      ObjectNode changed = change.apply(found.get().deepCopy());
      if (changed == null) {
        return Optional.empty();
      }
      try {
        return Optional.of(registry.update(ResourceTypes.NODES, null, name, changed, subresource));
      } catch (ApiException e) {
        if (e.code() == 404) {
          return Optional.empty();
        }
        if (e.code() != 409) {
          throw e;
        }
      }
    }
    throw ApiException.conflict(ResourceTypes.NODES, name, "the node kept changing during the lifecycle pass");
  }

  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
      try {
        timer.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
