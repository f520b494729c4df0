package io.gantry.control.server.controller.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.registry.ObjectEvent;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectWatcher;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.store.CompactedException;
import io.gantry.control.server.store.Watch;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An always-current, in-memory view of one resource type, fed by a store watch: what
 * client-go's shared informer is to a Kubernetes controller, in process.
 *
 * <p>Concurrency: the cache is updated on the store's dispatcher thread, then listeners run on
 * that same thread and must not block (enqueue a key and return). Readers may call
 * {@link #get} and {@link #list} from any thread. Cached objects are shared: never modify
 * one, {@code deepCopy()} it first.
 */
public final class Informer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Informer.class);

  /** Reacts to a change of a cached object. */
  @FunctionalInterface
  public interface Listener {
    /**
     * @param type    ADDED, MODIFIED or DELETED
     * @param object  the object now (for DELETED, its last state)
     * @param old     the cached object before the change, or null
     */
    void onEvent(ObjectEvent.Type type, ObjectNode object, ObjectNode old);
  }

  private final ResourceType type;
  private final Map<String, ObjectNode> cache = new ConcurrentHashMap<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final CountDownLatch synced = new CountDownLatch(1);
  private volatile long revision;
  private volatile Watch watch;

  private Informer(ResourceType type) {
    this.type = type;
  }

  /** Creates an informer; add listeners, then {@link #start}. */
  public static Informer of(ResourceType type) {
    return new Informer(Objects.requireNonNull(type, "type"));
  }

  public Informer listener(Listener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /** Lists the current objects (each delivered to the listeners as ADDED) and follows changes. */
  public Informer start(ObjectWatcher watcher) {
    try {
      watch = watcher.watch(type, null, null, null, "0", this::apply);
    } catch (CompactedException e) {
      throw new IllegalStateException("a watch from the current state cannot be compacted", e);
    }
    synced.countDown();
    return this;
  }

  private void apply(ObjectEvent event) {
    ObjectNode object = event.object();
    String key = key(object);
    ObjectNode old = event.type() == ObjectEvent.Type.DELETED ? cache.remove(key) : cache.put(key, object);
    revision = event.revision();
    for (Listener listener : listeners) {
      try {
        listener.onEvent(event.type(), object, old);
      } catch (RuntimeException e) {
        log.error("{} informer listener failed on {} {}", type.plural(), event.type(), key, e);
      }
    }
  }

  /** The cache key of an object: {@code namespace/name}, or {@code name} when cluster-scoped. */
  public static String key(ObjectNode object) {
    String namespace = ObjectMeta.namespace(object);
    return namespace.isEmpty() ? ObjectMeta.name(object) : namespace + "/" + ObjectMeta.name(object);
  }

  public static String key(String namespace, String name) {
    return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
  }

  public Optional<ObjectNode> get(String namespace, String name) {
    return Optional.ofNullable(cache.get(key(namespace, name)));
  }

  public Optional<ObjectNode> get(String key) {
    return Optional.ofNullable(cache.get(key));
  }

  /** Every cached object. */
  public Collection<ObjectNode> list() {
    return List.copyOf(cache.values());
  }

  /** The cached objects of one namespace. */
  public List<ObjectNode> list(String namespace) {
    List<ObjectNode> result = new ArrayList<>();
    for (ObjectNode object : cache.values()) {
      if (namespace.equals(ObjectMeta.namespace(object))) {
        result.add(object);
      }
    }
    return result;
  }

  /** The revision of the last change applied to the cache. */
  public long revision() {
    return revision;
  }

  public boolean awaitSynced(long timeout, TimeUnit unit) throws InterruptedException {
    return synced.await(timeout, unit);
  }

  public ResourceType type() {
    return type;
  }

  @Override
  public void close() {
    Watch current = watch;
    if (current != null) {
      current.close();
    }
  }
}
