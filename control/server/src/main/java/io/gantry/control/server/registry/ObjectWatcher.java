package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.selector.FieldSelector;
import io.gantry.control.server.selector.LabelSelector;
import io.gantry.control.server.store.CompactedException;
import io.gantry.control.server.store.KeyValue;
import io.gantry.control.server.store.RangeResult;
import io.gantry.control.server.store.Store;
import io.gantry.control.server.store.Watch;
import io.gantry.control.server.store.WatchEvent;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Turns store watches into Kubernetes watch events: objects that start or stop matching the
 * selectors appear as ADDED or DELETED, as kube-apiserver's watch does.
 *
 * <p>Selectors are matched against the stored representation; a type stored as another
 * ({@link ResourceType#storage()}) gets its objects converted after matching.
 *
 * <p>Concurrency: events arrive on the store's dispatcher thread; objects handed to sinks are
 * shared between watches and must not be modified.
 */
public final class ObjectWatcher {

  /** The last stored value decoded, by identity: the store hands one event to every watch in turn. */
  private record Decoded(KeyValue kv, ObjectNode object) {}

  private final Store store;
  private volatile Decoded lastDecoded = new Decoded(null, null);

  public ObjectWatcher(Store store) {
    this.store = store;
  }

  /**
   * Starts a watch. With {@code resourceVersion} empty or "0", the current matching objects are
   * sent first as ADDED events; otherwise events after that revision.
   *
   * @throws CompactedException when the revision is older than the retained history
   */
  public Watch watch(ResourceType type, String namespace, LabelSelector labels, FieldSelector fields,
      String resourceVersion, Consumer<ObjectEvent> sink) throws CompactedException {
    return watch(type, namespace, labels, fields, resourceVersion, null, sink, revision -> { });
  }

  /**
   * Starts a watch with the {@code sendInitialEvents} option: {@code true} sends the current
   * matching objects as ADDED events whatever the resourceVersion, {@code false} none, null as
   * {@link #watch(ResourceType, String, LabelSelector, FieldSelector, String, Consumer)}.
   * {@code started} receives the revision the watch continues from (the snapshot's when initial
   * events were sent, after them and before any later event).
   */
  public Watch watch(ResourceType type, String namespace, LabelSelector labels, FieldSelector fields,
      String resourceVersion, Boolean sendInitialEvents, Consumer<ObjectEvent> sink, LongConsumer started)
      throws CompactedException {
    String prefix = type.keyPrefix(namespace);
    boolean noVersion = resourceVersion == null || resourceVersion.isEmpty() || resourceVersion.equals("0");
    long from;
    if (sendInitialEvents == null ? noVersion : sendInitialEvents) {
      RangeResult snapshot = store.range(prefix, null, 0);
      for (KeyValue kv : snapshot.kvs()) {
        ObjectNode object = StoredObjects.decode(kv);
        if (ObjectRegistry.matches(object, labels, fields)) {
          sink.accept(new ObjectEvent(ObjectEvent.Type.ADDED, StoredObjects.view(type, object), kv.modRevision()));
        }
      }
      from = snapshot.revision() + 1;
    } else if (noVersion) {
      from = store.currentRevision() + 1;
    } else {
      from = Long.parseLong(resourceVersion) + 1;
    }
    started.accept(from - 1);
    Consumer<ObjectEvent> viewed = !type.isView() ? sink : stored -> sink.accept(
        new ObjectEvent(stored.type(), StoredObjects.view(type, stored.object()), stored.revision()));
    return store.watch(prefix, from, event -> translate(event, labels, fields, viewed));
  }

  /**
   * Decodes a stored value once for all the watches that see it. Decoded objects are shared and
   * must not be modified by sinks.
   */
  private ObjectNode decode(KeyValue kv) {
    Decoded last = lastDecoded;
    if (last.kv() == kv) {
      return last.object();
    }
    ObjectNode object = StoredObjects.decode(kv);
    lastDecoded = new Decoded(kv, object);
    return object;
  }

  private void translate(WatchEvent event, LabelSelector labels, FieldSelector fields,
      Consumer<ObjectEvent> sink) {
    boolean filtered = labels != null || fields != null;
    ObjectNode previous = event.prevKv() == null || !filtered ? null : StoredObjects.decode(event.prevKv());
    boolean wasMatching = event.prevKv() != null && (!filtered || ObjectRegistry.matches(previous, labels, fields));
    ObjectNode current = decode(event.kv());
    if (event.type() == WatchEvent.Type.DELETE) {
      if (wasMatching || (event.prevKv() == null && ObjectRegistry.matches(current, labels, fields))) {
        sink.accept(new ObjectEvent(ObjectEvent.Type.DELETED, current, event.revision()));
      }
      return;
    }
    boolean isMatching = ObjectRegistry.matches(current, labels, fields);
    if (isMatching) {
      sink.accept(new ObjectEvent(wasMatching ? ObjectEvent.Type.MODIFIED : ObjectEvent.Type.ADDED, current,
          event.revision()));
    } else if (wasMatching) {
      // as kube-apiserver's cacher: the object as it last matched, at the version that took it out
      ObjectMeta.metadata(previous).put("resourceVersion", Long.toString(event.revision()));
      sink.accept(new ObjectEvent(ObjectEvent.Type.DELETED, previous, event.revision()));
    }
  }
}
