package io.gantry.control.server.controller.resourcequota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.runtime.ControllerLoop;
import io.gantry.control.server.controller.runtime.Informer;
import io.gantry.control.server.controller.runtime.WorkQueue;
import io.gantry.control.server.quota.Evaluators;
import io.gantry.control.server.quota.QuotaStatus;
import io.gantry.control.server.quota.ResourceLists;
import io.gantry.control.server.quota.UsageEvaluator;
import io.gantry.control.server.registry.ObjectEvent;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.registry.ObjectWatcher;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.CompactedException;
import io.gantry.control.server.store.Watch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * kube-controller-manager's resource quota controller: sets each ResourceQuota's {@code status.hard} to its
 * {@code spec.hard} and its {@code status.used} to what the namespace's objects use (see
 * {@link QuotaStatus}). A namespace is counted again when a quota is created or its hard limits change,
 * when an object it may count is created or deleted, when a pod, Service or claim changes its usage, when
 * a counted pod's deletion grace period runs out, and every resync period for all (which also undoes a
 * client's write to {@code /status}, as upstream's full resync does).
 *
 * <p>Concurrency: watch listeners only queue namespaces; one worker recounts. It reads a namespace's quotas
 * before listing the objects, and writes each status with a compare on the quota's resourceVersion: the
 * admission plugin charges a quota in the same transaction that creates the object, so a count that
 * missed a create finds the quota changed (409) and is made again.
 *
 * <p>Lifecycle: {@link #start} follows the store and starts the worker; {@link #close} stops both. Close
 * before the store.
 */
public final class ResourceQuotaController implements AutoCloseable {

  /** Types whose updates can change their usage; others count by existing. */
  private static final Set<ResourceType> USAGE_CHANGES = Set.of(ResourceTypes.PODS, ResourceTypes.SERVICES,
      ResourceTypes.PERSISTENTVOLUMECLAIMS);

  private final ObjectRegistry registry;
  private final Informer quotas = Informer.of(ResourceTypes.RESOURCEQUOTAS);
  private final List<Informer> informers = new ArrayList<>();
  private final List<Watch> watches = new ArrayList<>();
  private final WorkQueue<String> queue = new WorkQueue<>("resourcequota");
  private final ScheduledExecutorService resync = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "resourcequota-resync");
    thread.setDaemon(true);
    return thread;
  });
  private volatile ControllerLoop<String> loop;

  private ResourceQuotaController(ObjectRegistry registry) {
    this.registry = registry;
  }

  /**
   * @param resyncPeriod how often every quota is counted again (kube-controller-manager's
   *                     {@code --resource-quota-sync-period}, 5 minutes by default)
   */
  public static ResourceQuotaController start(ObjectRegistry registry, ObjectWatcher watcher, Duration resyncPeriod) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(watcher, "watcher");
    if (resyncPeriod.isNegative() || resyncPeriod.isZero()) {
      throw new IllegalArgumentException("resyncPeriod: " + resyncPeriod + " (expected: positive)");
    }
    ResourceQuotaController controller = new ResourceQuotaController(registry);
    try {
      controller.follow(watcher);
    } catch (RuntimeException e) {
      controller.close();
      throw e;
    }
    long period = resyncPeriod.toMillis();
    controller.resync.scheduleWithFixedDelay(controller::queueAll, period, period, TimeUnit.MILLISECONDS);
    controller.loop = ControllerLoop.start("resourcequota", controller.queue, controller::reconcile, 1);
    return controller;
  }

  private void follow(ObjectWatcher watcher) {
    quotas.listener((type, quota, old) -> {
      if (type == ObjectEvent.Type.ADDED || type == ObjectEvent.Type.MODIFIED && (!ResourceLists.sameValues(
          ResourceLists.of(quota.path("spec").path("hard")), ResourceLists.of(old.path("spec").path("hard")))
          || !quota.path("status").path("used").isObject())) {
        queue.add(ObjectMeta.namespace(quota));
      }
    });
    quotas.start(watcher);
    String now = Long.toString(registry.store().currentRevision());
    for (UsageEvaluator evaluator : Evaluators.all()) {
      ResourceType type = evaluator.type();
      if (USAGE_CHANGES.contains(type)) {
        Informer informer = Informer.of(type).listener((event, object, old) -> {
          if (event != ObjectEvent.Type.MODIFIED || old == null || usageChanged(evaluator, object, old)) {
            queueIfQuoted(ObjectMeta.namespace(object));
          }
        });
        informers.add(informer);
        informer.start(watcher);
      } else {
        try {
          watches.add(watcher.watch(type, null, null, null, now, event -> {
            if (event.type() == ObjectEvent.Type.ADDED || event.type() == ObjectEvent.Type.DELETED) {
              queueIfQuoted(ObjectMeta.namespace(event.object()));
            }
          }));
        } catch (CompactedException e) {
          throw new IllegalStateException("a watch from the current revision cannot be compacted", e);
        }
      }
    }
  }

  private boolean usageChanged(UsageEvaluator evaluator, JsonNode object, JsonNode old) {
    Instant now = registry.clock().instant();
    return !ResourceLists.sameValues(evaluator.usage(object, now), evaluator.usage(old, now))
        || !object.path("metadata").path("deletionTimestamp").equals(old.path("metadata").path("deletionTimestamp"))
        || !object.path("spec").path("activeDeadlineSeconds").equals(old.path("spec").path("activeDeadlineSeconds"));
  }

  private void queueIfQuoted(String namespace) {
    if (!namespace.isEmpty() && !quotas.list(namespace).isEmpty()) {
      queue.add(namespace);
    }
  }

  private void queueAll() {
    Set<String> namespaces = new TreeSet<>();
    quotas.list().forEach(quota -> namespaces.add(ObjectMeta.namespace(quota)));
    namespaces.forEach(queue::add);
  }

  /** Counts a namespace's quotas again and writes the statuses that changed. */
  void reconcile(String namespace) throws Exception {
    // quotas first: objects listed after this read include every one their usage was charged for
    List<ObjectNode> current = registry.list(ResourceTypes.RESOURCEQUOTAS, namespace, null, null, 0, null).items();
    Map<ResourceType, List<ObjectNode>> listed = new HashMap<>();
    QuotaStatus.Lister lister = type -> {
      List<ObjectNode> items = listed.get(type);
      if (items == null) {
        items = registry.list(type, namespace, null, null, 0, null).items();
        listed.put(type, items);
      }
      return items;
    };
    Instant now = registry.clock().instant();
    for (ObjectNode quota : current) {
      QuotaStatus computed = QuotaStatus.compute(quota, lister, now);
      computed.recheckAt().ifPresent(at -> queue.addAfter(namespace, Duration.between(now, at).plusSeconds(1)));
      if (!computed.changed()) {
        continue;
      }
      ObjectNode updated = quota.deepCopy();
      updated.set("status", computed.status());
      try {
        registry.update(ResourceTypes.RESOURCEQUOTAS, namespace, ObjectMeta.name(quota), updated, "status");
      } catch (ApiException e) {
        if (e.code() == 409) {
          queue.add(namespace); // charged by admission meanwhile: count again from its write
        } else if (e.code() != 404) {
          throw e;
        }
      }
    }
  }

  @Override
  public void close() {
    resync.shutdownNow();
    if (loop != null) {
      loop.close();
    } else {
      queue.close();
    }
    watches.forEach(Watch::close);
    informers.forEach(Informer::close);
    quotas.close();
  }
}
