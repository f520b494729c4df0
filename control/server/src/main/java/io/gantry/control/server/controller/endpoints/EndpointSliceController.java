package io.gantry.control.server.controller.endpoints;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.runtime.ControllerLoop;
import io.gantry.control.server.controller.runtime.Informer;
import io.gantry.control.server.controller.runtime.WorkQueue;
import io.gantry.control.server.registry.ObjectEvent;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.registry.ObjectWatcher;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.selector.LabelSelector;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube-controller-manager's EndpointSlice controller, with the legacy Endpoints controller's
 * output folded in: for every Service with a selector (and not ExternalName) it keeps IPv4
 * EndpointSlices of at most {@code maxEndpointsPerSlice} endpoints listing the selected pods,
 * plus a v1 {@code Endpoints} mirror; it deletes both when the Service goes (there is no garbage
 * collector to follow the owner references yet). Slices it does not manage are never touched.
 *
 * <p>Concurrency: informers on Services, Pods, Nodes and EndpointSlices turn changes into service
 * keys ({@code namespace/name}) on a {@link WorkQueue}; workers reconcile one key at a time each,
 * reading the informer caches and writing through the registry. After writing slices a worker
 * remembers the revision it wrote, and a later sync of that service waits until the slice cache
 * has caught up with it (upstream's stale-cache check), so it never plans from its own past.
 *
 * <p>Lifecycle: {@link #start} fills the caches synchronously, queues every service, then starts
 * the workers; {@link #close} stops the workers and the watches. Close it before the store.
 */
public final class EndpointSliceController implements AutoCloseable {

  /** Upstream's {@code --max-endpoints-per-slice} default. */
  public static final int DEFAULT_MAX_ENDPOINTS_PER_SLICE = 100;
  /** Upstream's {@code --concurrent-service-endpoint-syncs} is 5; this cluster is smaller. */
  public static final int DEFAULT_WORKERS = 2;

  private static final Logger log = LoggerFactory.getLogger(EndpointSliceController.class);
  private static final Duration STALE_CACHE_RETRY = Duration.ofMillis(20);

  private final ObjectRegistry registry;
  private final Informer services = Informer.of(ResourceTypes.SERVICES);
  private final Informer pods = Informer.of(ResourceTypes.PODS);
  private final Informer nodes = Informer.of(ResourceTypes.NODES);
  private final Informer slices = Informer.of(ResourceTypes.ENDPOINTSLICES);
  private final WorkQueue<String> queue = new WorkQueue<>("endpointslice");
  private final SlicePlanner planner;
  private final SliceWriter writer;
  private final EndpointsMirror mirror;
  private final TriggerTimeTracker triggers = new TriggerTimeTracker();
  private final Map<String, Long> expectedRevisions = new ConcurrentHashMap<>();
  private volatile ControllerLoop<String> loop;

  private EndpointSliceController(ObjectRegistry registry, int maxEndpointsPerSlice) {
    this.registry = registry;
    this.planner = new SlicePlanner(maxEndpointsPerSlice);
    this.writer = new SliceWriter(registry);
    this.mirror = new EndpointsMirror(registry);
  }

  /** Starts with upstream's defaults. */
  public static EndpointSliceController start(ObjectRegistry registry, ObjectWatcher watcher) {
    return start(registry, watcher, DEFAULT_MAX_ENDPOINTS_PER_SLICE, DEFAULT_WORKERS);
  }

  /**
   * @param maxEndpointsPerSlice 1 to 1000 (the API's limit per slice)
   * @param workers              services synced in parallel, at least 1
   */
  public static EndpointSliceController start(ObjectRegistry registry, ObjectWatcher watcher,
      int maxEndpointsPerSlice, int workers) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(watcher, "watcher");
    if (workers < 1) {
      throw new IllegalArgumentException("workers: " + workers + " (expected: at least 1)");
    }
    EndpointSliceController controller = new EndpointSliceController(registry, maxEndpointsPerSlice);
    controller.services.listener((type, object, old) -> controller.queue.add(Informer.key(object)));
    controller.pods.listener(controller::onPod);
    controller.slices.listener(controller::onSlice);
    // Services before pods, so that pods added at start find them; every service is queued anyway.
    controller.nodes.start(watcher);
    controller.services.start(watcher);
    controller.pods.start(watcher);
    controller.slices.start(watcher);
    controller.queueLeftoverEndpoints();
    controller.loop = ControllerLoop.start("endpointslice", controller.queue, controller::reconcile, workers);
    return controller;
  }

  private void onPod(ObjectEvent.Type type, ObjectNode pod, ObjectNode old) {
    if (type == ObjectEvent.Type.MODIFIED && old != null && PodChanges.irrelevant(old, pod)) {
      return;
    }
    queueServicesSelecting(pod);
    if (old != null) {
      queueServicesSelecting(old);
    }
  }

  private void queueServicesSelecting(ObjectNode pod) {
    Map<String, String> labels = PodEndpoints.labels(pod);
    for (ObjectNode service : services.list(ObjectMeta.namespace(pod))) {
      Optional<Map<String, String>> selector = Services.selector(service);
      if (selector.isPresent() && Services.matches(selector.get(), labels)) {
        queue.add(Informer.key(service));
      }
    }
  }

  private void onSlice(ObjectEvent.Type type, ObjectNode slice, ObjectNode old) {
    for (ObjectNode version : old == null ? List.of(slice) : List.of(slice, old)) {
      if (SliceTemplates.managed(version) && !SliceTemplates.serviceName(version).isEmpty()) {
        queue.add(Informer.key(ObjectMeta.namespace(version), SliceTemplates.serviceName(version)));
      }
    }
  }

  /** Mirrors of services deleted while the controller was down are found through their label. */
  private void queueLeftoverEndpoints() {
    try {
      var selector = LabelSelector.parse(EndpointsMirror.LABEL_SKIP_MIRROR + "=true");
      for (ObjectNode endpoints : registry.list(ResourceTypes.ENDPOINTS, null, selector, null, 0, null).items()) {
        queue.add(Informer.key(endpoints));
      }
    } catch (ApiException e) {
      log.warn("cannot list Endpoints left over from deleted services: {}", e.getMessage());
    }
  }

  /** One sync of one service key. */
  void reconcile(String key) throws ApiException {
    int slash = key.indexOf('/');
    String namespace = key.substring(0, slash);
    String name = key.substring(slash + 1);
    Optional<ObjectNode> found = services.get(key);
    if (found.isEmpty()) {
      serviceGone(key, namespace, name);
      return;
    }
    ObjectNode service = found.get();
    Long expected = expectedRevisions.get(key);
    if (expected != null && slices.revision() < expected) {
      queue.addAfter(key, STALE_CACHE_RETRY);
      return;
    }
    List<ObjectNode> managed = managedSlices(namespace, name);
    Optional<Map<String, String>> selector = Services.selector(service);
    if (selector.isEmpty() || Services.isExternalName(service)) {
      // Slices this controller made while the service had a selector are stale now.
      long revision = 0;
      for (ObjectNode slice : managed) {
        if (SliceTemplates.ownedBy(slice, service)) {
          revision = Math.max(revision, writer.delete(namespace, ObjectMeta.name(slice)));
        }
      }
      expect(key, revision);
      return;
    }
    List<ObjectNode> selected = new ArrayList<>();
    for (ObjectNode pod : pods.list(namespace)) {
      if (Services.matches(selector.get(), PodEndpoints.labels(pod))) {
        selected.add(pod);
      }
    }
    Instant triggerTime = triggers.compute(key, service, selected);
    DesiredEndpoints desired = DesiredEndpoints.compute(service, selected,
        node -> nodes.get(node).orElse(null));
    SlicePlan plan = planner.plan(service, managed, desired);
    expect(key, writer.apply(service, plan, triggerTime));
    mirror.sync(service, selected, triggerTime);
    if (!plan.isEmpty()) {
      log.debug("service {}: created {}, updated {}, deleted {} EndpointSlices", key, plan.creates().size(),
          plan.updates().size(), plan.deletes().size());
    }
    if (!desired.missingNodes().isEmpty()) {
      throw new IllegalStateException("service " + key + ": skipped pods whose node is not known yet: "
          + String.join(", ", desired.missingNodes()));
    }
  }

  private void serviceGone(String key, String namespace, String name) throws ApiException {
    triggers.forget(key);
    long revision = 0;
    for (ObjectNode slice : managedSlices(namespace, name)) {
      revision = Math.max(revision, writer.delete(namespace, ObjectMeta.name(slice)));
    }
    mirror.delete(namespace, name);
    expectedRevisions.remove(key);
    if (revision > 0) {
      log.debug("service {} deleted: removed its EndpointSlices", key);
    }
  }

  private void expect(String key, long revision) {
    if (revision > 0) {
      expectedRevisions.put(key, revision);
    }
  }

  /** The cached slices this controller manages for a service, minus those being deleted. */
  private List<ObjectNode> managedSlices(String namespace, String serviceName) {
    List<ObjectNode> result = new ArrayList<>();
    for (ObjectNode slice : slices.list(namespace)) {
      if (SliceTemplates.managed(slice) && serviceName.equals(SliceTemplates.serviceName(slice))
          && !ObjectMeta.isDeleting(slice)) {
        result.add(slice);
      }
    }
    return result;
  }

  @Override
  public void close() {
    ControllerLoop<String> current = loop;
    if (current != null) {
      current.close();
    }
    queue.close();
    slices.close();
    pods.close();
    services.close();
    nodes.close();
  }
}
