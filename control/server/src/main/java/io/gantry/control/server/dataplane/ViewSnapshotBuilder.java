package io.gantry.control.server.dataplane;

import io.gantry.control.api.translate.ViewTranslator;
import io.gantry.control.api.translate.EndpointAggregator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.api.ViewValidator;
import io.gantry.control.api.v1.Resource;
import io.gantry.control.api.v1.ResourceType;
import io.gantry.control.server.controller.runtime.Informer;
import io.gantry.control.server.registry.ObjectEvent;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.resource.ResourceTypes;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns informer events on Services, EndpointSlices, Nodes and Pods into versioned views and
 * publishes them as {@link ViewSnapshot}s.
 *
 * <p>Versions: a Service, Node or Pod view carries its object's resourceVersion; an
 * EndpointView carries the newest resourceVersion of its slices, or the revision at which one
 * of its slices went away when that is newer, so removing a slice always changes the version.
 * A rebuilt view equal to the current one keeps the current version (a no-op is dropped), and
 * a view that fails {@link ViewValidator} is logged and not published: the last good one stays.
 *
 * <p>Concurrency: informer listeners only hand events to this builder's own single thread, the
 * one serialized context that owns the working maps. It publishes at most every
 * {@code publishDelay}, copying only the types that changed, with one volatile write, then
 * tells the listeners (which must not block).
 */
public final class ViewSnapshotBuilder implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ViewSnapshotBuilder.class);

  private final ScheduledExecutorService executor;
  private final long publishDelayNanos;
  private final List<Consumer<ViewSnapshot>> listeners = new CopyOnWriteArrayList<>();
  private final LongAdder invalidViews = new LongAdder();
  private volatile ViewSnapshot current = ViewSnapshot.EMPTY;

  // Confined to the executor thread.
  private final Map<ResourceType, Map<String, Resource>> working = new EnumMap<>(ResourceType.class);
  private final Map<ResourceType, Set<String>> pending = new EnumMap<>(ResourceType.class);
  private final Map<String, Map<String, ObjectNode>> slicesByService = new HashMap<>();
  private final Map<String, String> serviceOfSlice = new HashMap<>();
  private final Map<String, Long> sliceRemovalRevision = new HashMap<>();
  private long revision;
  private boolean publishScheduled;

  public ViewSnapshotBuilder(Duration publishDelay) {
    this.publishDelayNanos = Objects.requireNonNull(publishDelay, "publishDelay").toNanos();
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "gantry-dataplane-snapshot");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** The latest published snapshot. */
  public ViewSnapshot current() {
    return current;
  }

  /** Tells {@code listener} about every snapshot published from now on. */
  public void addListener(Consumer<ViewSnapshot> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Feeds this builder from {@code informer} (Services, EndpointSlices, Nodes or Pods); call before start. */
  public void attach(Informer informer) {
    io.gantry.control.server.resource.ResourceType type = informer.type();
    informer.listener((eventType, object, old) -> {
      long eventRevision = informer.revision(); // set by the informer just before listeners run
      executor.execute(() -> onEvent(type, eventType, object, eventRevision));
    });
  }

  /** Hands one event to the builder thread, as an attached informer does; for tests that skip informers. */
  void onEventForTest(io.gantry.control.server.resource.ResourceType type, ObjectEvent.Type eventType,
      ObjectNode object, long eventRevision) {
    executor.execute(() -> onEvent(type, eventType, object, eventRevision));
  }

  private void onEvent(io.gantry.control.server.resource.ResourceType type, ObjectEvent.Type eventType, ObjectNode object,
      long eventRevision) {
    revision = Math.max(revision, eventRevision);
    boolean deleted = eventType == ObjectEvent.Type.DELETED;
    String key = Informer.key(object);
    if (type == ResourceTypes.SERVICES) {
      if (deleted) {
        remove(ResourceType.RESOURCE_TYPE_SERVICE, key);
      } else {
        put(ResourceType.RESOURCE_TYPE_SERVICE, Resource.newBuilder().setName(key)
            .setVersion(ViewTranslator.version(object)).setService(ViewTranslator.service(object)).build());
      }
    } else if (type == ResourceTypes.ENDPOINTSLICES) {
      onSlice(key, object, deleted, eventRevision);
    } else if (type == ResourceTypes.NODES) {
      if (deleted) {
        remove(ResourceType.RESOURCE_TYPE_NODE, key);
      } else {
        put(ResourceType.RESOURCE_TYPE_NODE, Resource.newBuilder().setName(key)
            .setVersion(ViewTranslator.version(object)).setNode(ViewTranslator.node(object)).build());
      }
    } else if (type == ResourceTypes.PODS) {
      if (deleted) {
        remove(ResourceType.RESOURCE_TYPE_POD, key);
      } else {
        put(ResourceType.RESOURCE_TYPE_POD, Resource.newBuilder().setName(key)
            .setVersion(ViewTranslator.version(object)).setPod(ViewTranslator.pod(object)).build());
      }
    }
    schedulePublish();
  }

  private void onSlice(String sliceKey, ObjectNode slice, boolean deleted, long eventRevision) {
    String namespace = ObjectMeta.namespace(slice);
    String service = EndpointAggregator.serviceName(slice);
    String newService = deleted || service.isEmpty() ? null : Informer.key(namespace, service);
    String oldService = serviceOfSlice.get(sliceKey);
    if (oldService != null && !oldService.equals(newService)) {
      Map<String, ObjectNode> slices = slicesByService.get(oldService);
      if (slices != null) {
        slices.remove(ObjectMeta.name(slice));
      }
      sliceRemovalRevision.merge(oldService, eventRevision, Math::max);
      rebuildEndpoints(oldService);
    }
    if (newService == null) {
      serviceOfSlice.remove(sliceKey);
    } else {
      serviceOfSlice.put(sliceKey, newService);
      slicesByService.computeIfAbsent(newService, k -> new HashMap<>()).put(ObjectMeta.name(slice), slice);
      rebuildEndpoints(newService);
    }
  }

  private void rebuildEndpoints(String serviceKey) {
    Map<String, ObjectNode> slices = slicesByService.get(serviceKey);
    if (slices == null || slices.isEmpty()) {
      slicesByService.remove(serviceKey);
      sliceRemovalRevision.remove(serviceKey);
      remove(ResourceType.RESOURCE_TYPE_ENDPOINTS, serviceKey);
      return;
    }
    long version = sliceRemovalRevision.getOrDefault(serviceKey, 0L);
    for (ObjectNode slice : slices.values()) {
      version = Math.max(version, ViewTranslator.version(slice));
    }
    int slash = serviceKey.indexOf('/');
    put(ResourceType.RESOURCE_TYPE_ENDPOINTS, Resource.newBuilder().setName(serviceKey).setVersion(version)
        .setEndpoints(EndpointAggregator.aggregate(serviceKey.substring(0, slash), serviceKey.substring(slash + 1),
            slices.values()))
        .build());
  }

  private void put(ResourceType type, Resource resource) {
    List<String> errors = ViewValidator.validate(resource);
    if (!errors.isEmpty()) {
      invalidViews.increment();
      log.warn("not serving {} {} at version {}: {}; daemons keep the last good view", type, resource.getName(),
          resource.getVersion(), String.join("; ", errors));
      return;
    }
    Resource old = working.computeIfAbsent(type, t -> new HashMap<>()).get(resource.getName());
    if (old != null && sameView(old, resource)) {
      return;
    }
    working.get(type).put(resource.getName(), resource);
    pending.computeIfAbsent(type, t -> new HashSet<>()).add(resource.getName());
  }

  private void remove(ResourceType type, String name) {
    Map<String, Resource> map = working.get(type);
    if (map != null && map.remove(name) != null) {
      pending.computeIfAbsent(type, t -> new HashSet<>()).add(name);
    }
  }

  /** Whether two resources differ only in version. */
  static boolean sameView(Resource a, Resource b) {
    return a.getViewCase() == b.getViewCase() && a.toBuilder().clearVersion().build()
        .equals(b.toBuilder().clearVersion().build());
  }

  private void schedulePublish() {
    if (publishScheduled || pending.isEmpty()) {
      return;
    }
    publishScheduled = true;
    executor.schedule(this::publish, publishDelayNanos, TimeUnit.NANOSECONDS);
  }

  private ViewSnapshot publish() {
    publishScheduled = false;
    ViewSnapshot previous = current;
    if (pending.isEmpty() && previous.systemVersion() == revision) {
      return previous;
    }
    Map<ResourceType, Map<String, Resource>> resources = new EnumMap<>(ResourceType.class);
    resources.putAll(previous.resources());
    Map<ResourceType, Set<String>> changed = new EnumMap<>(ResourceType.class);
    for (Map.Entry<ResourceType, Set<String>> entry : pending.entrySet()) {
      resources.put(entry.getKey(), Map.copyOf(working.get(entry.getKey())));
      changed.put(entry.getKey(), Set.copyOf(entry.getValue()));
    }
    pending.clear();
    ViewSnapshot next = new ViewSnapshot(revision, resources, changed);
    current = next;
    for (Consumer<ViewSnapshot> listener : listeners) {
      try {
        listener.accept(next);
      } catch (RuntimeException e) {
        log.error("snapshot listener failed at version {}", next.systemVersion(), e);
      }
    }
    return next;
  }

  /**
   * Publishes everything handed to this builder so far and returns that snapshot: for start-up
   * (publish the complete initial state at once) and tests.
   */
  public CompletableFuture<ViewSnapshot> sync() {
    return CompletableFuture.supplyAsync(this::publish, executor);
  }

  /** How many views failed validation and were not served. */
  public long invalidViews() {
    return invalidViews.sum();
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
