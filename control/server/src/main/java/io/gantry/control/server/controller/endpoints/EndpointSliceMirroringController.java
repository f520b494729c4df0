package io.gantry.control.server.controller.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.runtime.ControllerLoop;
import io.gantry.control.server.controller.runtime.Informer;
import io.gantry.control.server.controller.runtime.WorkQueue;
import io.gantry.control.server.controller.scheduler.EventRecorder;
import io.gantry.control.server.registry.ObjectEvent;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.registry.ObjectWatcher;
import io.gantry.control.server.resource.ResourceTypes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * kube-controller-manager's EndpointSliceMirroring controller: a selector-less Service whose
 * endpoints a user lists in a v1 {@code Endpoints} of the same name gets EndpointSlices mirrored
 * from it ({@link MirroredSlices}), so that kube-proxy-style consumers of slices (Gantry's proxy
 * and DNS) and {@code kubectl describe service} see those endpoints. Endpoints labelled
 * {@code endpointslice.kubernetes.io/skip-mirror: "true"} (those the EndpointSlice controller
 * writes itself) and leader-election Endpoints are not mirrored; mirrored slices go when the
 * Endpoints or the Service go, or when the Service gets a selector. Slices of other managers are
 * never touched.
 *
 * <p>Concurrency: informers on Services, Endpoints and EndpointSlices queue {@code namespace/name}
 * keys; workers reconcile one key at a time each. After writing, a later sync of the key waits
 * until the slice cache has seen that write, so it never creates a slice twice.
 *
 * <p>Lifecycle: {@link #start} fills the caches, queues every Endpoints, then starts the workers;
 * {@link #close} stops them. Close it before the store.
 */
public final class EndpointSliceMirroringController implements AutoCloseable {

  private static final String LEADER_ANNOTATION = "control-plane.alpha.kubernetes.io/leader";
  private static final Duration STALE_CACHE_RETRY = Duration.ofMillis(20);

  private final ObjectRegistry registry;
  private final SliceWriter writer;
  private final EventRecorder events;
  private final Informer services = Informer.of(ResourceTypes.SERVICES);
  private final Informer endpoints = Informer.of(ResourceTypes.ENDPOINTS);
  private final Informer slices = Informer.of(ResourceTypes.ENDPOINTSLICES);
  private final WorkQueue<String> queue = new WorkQueue<>("endpointslicemirroring");
  private final Map<String, Long> expectedRevisions = new ConcurrentHashMap<>();
  private volatile ControllerLoop<String> loop;

  private EndpointSliceMirroringController(ObjectRegistry registry) {
    this.registry = registry;
    this.writer = new SliceWriter(registry);
    this.events = new EventRecorder(registry, registry.clock(), "endpoint-slice-mirroring-controller");
  }

  public static EndpointSliceMirroringController start(ObjectRegistry registry, ObjectWatcher watcher) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(watcher, "watcher");
    EndpointSliceMirroringController controller = new EndpointSliceMirroringController(registry);
    controller.services.listener((type, object, old) -> controller.queue.add(Informer.key(object)));
    controller.endpoints.listener((type, object, old) -> controller.queue.add(Informer.key(object)));
    controller.slices.listener(controller::onSlice);
    controller.services.start(watcher);
    controller.endpoints.start(watcher);
    controller.slices.start(watcher);
    controller.loop = ControllerLoop.start("endpointslicemirroring", controller.queue, controller::reconcile, 1);
    return controller;
  }

  private void onSlice(ObjectEvent.Type type, ObjectNode slice, ObjectNode old) {
    for (ObjectNode version : old == null ? List.of(slice) : List.of(slice, old)) {
      if (MirroredSlices.managed(version) && !SliceTemplates.serviceName(version).isEmpty()) {
        queue.add(Informer.key(ObjectMeta.namespace(version), SliceTemplates.serviceName(version)));
      }
    }
  }

  /** The reconciler's Warnings on the Endpoints, in its words, on every sync that leaves addresses out. */
  private void warnAboutSkipped(ObjectNode source, MirroredSlices.Mirror mirror) {
    if (mirror.invalidAddresses() > 0) {
      events.record(source, "Warning", "InvalidIPAddress",
          "Skipped " + mirror.invalidAddresses() + " invalid IP addresses when mirroring to EndpointSlices");
    }
    if (mirror.overLimit() > 0) {
      events.record(source, "Warning", "TooManyAddressesToMirror", "A max of "
          + MirroredSlices.MAX_ENDPOINTS_PER_SUBSET + " addresses can be mirrored to EndpointSlices per Endpoints subset. "
          + mirror.overLimit() + " addresses were skipped");
    }
  }

  /** One sync of one {@code namespace/name} key. */
  void reconcile(String key) throws ApiException {
    Long expected = expectedRevisions.get(key);
    if (expected != null && slices.revision() < expected) {
      queue.addAfter(key, STALE_CACHE_RETRY);
      return;
    }
    int slash = key.indexOf('/');
    String namespace = key.substring(0, slash);
    String name = key.substring(slash + 1);
    List<ObjectNode> existing = mirroredSlices(namespace, name);
    Optional<ObjectNode> source = endpoints.get(key).filter(e -> shouldMirror(e, services.get(key)));
    Optional<MirroredSlices.Mirror> mirror = source.map(MirroredSlices::desired);
    mirror.ifPresent(m -> warnAboutSkipped(source.get(), m));
    Map<String, ObjectNode> desired = mirror.map(MirroredSlices.Mirror::slices).orElse(Map.of());
    long revision = 0;
    List<ObjectNode> leftovers = new ArrayList<>();
    Map<String, ObjectNode> toWrite = new LinkedHashMap<>(desired);
    for (ObjectNode slice : existing) {
      ObjectNode want = toWrite.remove(MirroredSlices.key(slice));
      if (want == null) {
        leftovers.add(slice);
      } else if (!MirroredSlices.same(slice, want)) {
        revision = Math.max(revision, overwrite(namespace, slice, want));
      }
    }
    for (ObjectNode want : toWrite.values()) {
      // upstream's recycleSlices: reuse a slice that would go (same address type) rather than create one
      ObjectNode recycled = null;
      for (Iterator<ObjectNode> it = leftovers.iterator(); it.hasNext() && recycled == null; ) {
        ObjectNode slice = it.next();
        if (slice.path("addressType").equals(want.path("addressType"))) {
          recycled = slice;
          it.remove();
        }
      }
      revision = Math.max(revision, recycled != null ? overwrite(namespace, recycled, want)
          : SliceWriter.revisionOf(registry.create(ResourceTypes.ENDPOINTSLICES, namespace, want)));
    }
    for (ObjectNode slice : leftovers) {
      revision = Math.max(revision, writer.delete(namespace, ObjectMeta.name(slice)));
    }
    if (revision > 0) {
      expectedRevisions.put(key, revision);
    } else if (existing.isEmpty() && desired.isEmpty()) {
      expectedRevisions.remove(key);
    }
  }

  /** Writes {@code want}'s content and metadata over an existing slice; the revision written. */
  private long overwrite(String namespace, ObjectNode slice, ObjectNode want) throws ApiException {
    ObjectNode update = slice.deepCopy();
    ObjectNode metadata = ObjectMeta.metadata(update);
    for (String field : List.of("labels", "annotations", "ownerReferences")) {
      if (want.path("metadata").has(field)) {
        metadata.set(field, want.path("metadata").get(field));
      } else {
        metadata.remove(field);
      }
    }
    update.set("endpoints", want.get("endpoints"));
    update.set("ports", want.get("ports"));
    return SliceWriter.revisionOf(registry.update(ResourceTypes.ENDPOINTSLICES, namespace, ObjectMeta.name(slice),
        update, null));
  }

  /** Upstream's conditions: the Service exists without a selector, and the Endpoints may be mirrored. */
  private static boolean shouldMirror(ObjectNode endpoints, Optional<ObjectNode> service) {
    if (service.isEmpty() || Services.selector(service.get()).isPresent() || ObjectMeta.isDeleting(endpoints)) {
      return false;
    }
    JsonNode metadata = endpoints.path("metadata");
    return !"true".equals(metadata.path("labels").path(EndpointsMirror.LABEL_SKIP_MIRROR).asText(""))
        && !metadata.path("annotations").has(LEADER_ANNOTATION);
  }

  /** Cached slices this controller mirrored for the key, minus those being deleted. */
  private List<ObjectNode> mirroredSlices(String namespace, String name) {
    List<ObjectNode> result = new ArrayList<>();
    for (ObjectNode slice : slices.list(namespace)) {
      if (MirroredSlices.managed(slice) && name.equals(SliceTemplates.serviceName(slice))
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
    endpoints.close();
    services.close();
  }
}
