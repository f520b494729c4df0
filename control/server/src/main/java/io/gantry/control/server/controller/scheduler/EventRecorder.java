package io.gantry.control.server.controller.scheduler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceTypes;
import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records core/v1 Events about objects, as client-go's event recorder with its correlator: an
 * event is named {@code <object>.<hex nanoseconds>} in the object's namespace, and a repeat of
 * the same (object, type, reason, message) bumps {@code count} and {@code lastTimestamp} of the
 * event already written instead of adding another. Failures are logged, never thrown: events
 * are best effort.
 *
 * <p>Concurrency: thread-safe; the correlation cache is bounded (least recently used entries go).
 */
public final class EventRecorder {

  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);
  private static final int CACHE_SIZE = 4096;

  private final ObjectRegistry registry;
  private final Clock clock;
  private final String component;
  private final AtomicLong sequence = new AtomicLong();
  private final Map<String, String> recent = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > CACHE_SIZE;
    }
  });

  public EventRecorder(ObjectRegistry registry, Clock clock, String component) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.component = Objects.requireNonNull(component, "component");
  }

  /** Records an event about {@code object} ({@code type} is Normal or Warning). */
  public void record(ObjectNode object, String type, String reason, String message) {
    String namespace = ObjectMeta.namespace(object).isEmpty() ? "default" : ObjectMeta.namespace(object);
    String correlation = ObjectMeta.text(object, "uid") + "\u0000" + type + "\u0000" + reason + "\u0000" + message;
    Instant now = clock.instant();
    try {
      String existing = recent.get(correlation);
      if (existing != null && bump(namespace, existing, now)) {
        return;
      }
      ObjectNode event = event(object, namespace, type, reason, message, now);
      // the clock's nanoseconds, plus a count so that events of one object at one instant (a clock
      // of coarse or fixed resolution) still get names of their own
      long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano() + sequence.getAndIncrement();
      for (int attempt = 0; attempt < 8; attempt++) {
        String name = ObjectMeta.name(object) + "." + Long.toHexString(nanos + attempt);
        ObjectMeta.metadata(event).put("name", name);
        try {
          registry.create(ResourceTypes.EVENTS, namespace, event);
          recent.put(correlation, name);
          return;
        } catch (ApiException e) {
          if (e.code() != 409) {
            throw e;
          }
        }
      }
    } catch (ApiException | RuntimeException e) {
      log.warn("{}: cannot record event {} for {}/{}: {}", component, reason, namespace, ObjectMeta.name(object),
          e.getMessage());
    }
  }

  /** Forgets the correlation entries of an object that is gone. */
  public void forget(String uid) {
    synchronized (recent) {
      recent.keySet().removeIf(key -> key.startsWith(uid + "\u0000"));
    }
  }

  private boolean bump(String namespace, String name, Instant now) throws ApiException {
    for (int attempt = 0; attempt < 4; attempt++) {
      Optional<ObjectNode> found = registry.find(ResourceTypes.EVENTS, namespace, name);
      if (found.isEmpty()) {
        return false;
      }
      ObjectNode event = found.get().deepCopy();
      event.put("count", event.path("count").asInt(1) + 1);
      event.put("lastTimestamp", ObjectMeta.timestamp(now));
      try {
        registry.update(ResourceTypes.EVENTS, namespace, name, event, null);
        return true;
      } catch (ApiException e) {
        if (e.code() == 404) {
          return false;
        }
        if (e.code() != 409) {
          throw e;
        }
      }
    }
    return false;
  }

  private ObjectNode event(ObjectNode object, String namespace, String type, String reason, String message,
      Instant now) {
    ObjectNode event = Json.object();
    event.put("apiVersion", "v1");
    event.put("kind", "Event");
    ObjectNode metadata = event.putObject("metadata");
    metadata.put("namespace", namespace);
    ObjectNode involved = event.putObject("involvedObject");
    involved.put("kind", object.path("kind").asText(""));
    involved.put("namespace", ObjectMeta.namespace(object));
    involved.put("name", ObjectMeta.name(object));
    involved.put("uid", ObjectMeta.text(object, "uid"));
    involved.put("apiVersion", object.path("apiVersion").asText(""));
    involved.put("resourceVersion", ObjectMeta.text(object, "resourceVersion"));
    event.put("reason", reason);
    event.put("message", message);
    event.putObject("source").put("component", component);
    event.put("firstTimestamp", ObjectMeta.timestamp(now));
    event.put("lastTimestamp", ObjectMeta.timestamp(now));
    event.put("count", 1);
    event.put("type", type);
    event.put("reportingComponent", component);
    event.put("reportingInstance", "");
    return event;
  }
}
