package io.gantry.control.server.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.patch.PatchType;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.registry.ObjectWatcher;
import io.gantry.control.server.registry.WritePlugin;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.sqlite.SqliteStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * A store, registry and the running workload controllers for controller tests, with a clock the
 * test moves and a stand-in for the node agent that marks pods Running and Ready.
 */
public final class WorkloadFixture implements AutoCloseable {

  public static final String NS = "demo";
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  /** A clock that only moves when told to. */
  public static final class MutableClock extends Clock {
    private final AtomicReference<Instant> now;

    public MutableClock(Instant start) {
      this.now = new AtomicReference<>(start);
    }

    public void advance(Duration by) {
      now.updateAndGet(t -> t.plus(by));
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  public final MutableClock clock = new MutableClock(Instant.parse("2026-01-02T03:04:05Z"));
  public final SqliteStore store;
  public final ObjectRegistry registry;
  public final WorkloadControllers controllers;

  public WorkloadFixture(Path dir) throws ApiException {
    this(dir, List.of());
  }

  /** @param plugins the registry's admission plugins (none by default) */
  public WorkloadFixture(Path dir, List<WritePlugin> plugins) throws ApiException {
    store = SqliteStore.open(dir.resolve("store.db"));
    registry = new ObjectRegistry(store, clock, plugins);
    registry.create(ResourceTypes.NAMESPACES, null, json("{\"metadata\":{\"name\":\"" + NS + "\"}}"));
    controllers = WorkloadControllers.start(registry, new ObjectWatcher(store));
  }

  public static ObjectNode json(String text) {
    return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A Deployment of {@code nginx:<tag>} labelled {@code app=<name>}. */
  public static ObjectNode deployment(String name, int replicas, String tag) {
    return json("""
        {"metadata":{"name":"%s"},"spec":{"replicas":%d,"selector":{"matchLabels":{"app":"%s"}},
         "template":{"metadata":{"labels":{"app":"%s"}},
                     "spec":{"containers":[{"name":"web","image":"nginx:%s"}]}}}}
        """.formatted(name, replicas, name, name, tag));
  }

  public static ObjectNode replicaSet(String name, int replicas) {
    return json("""
        {"metadata":{"name":"%s"},"spec":{"replicas":%d,"selector":{"matchLabels":{"app":"%s"}},
         "template":{"metadata":{"labels":{"app":"%s"}},
                     "spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}}}
        """.formatted(name, replicas, name, name));
  }

  /** A ReplicationController of {@code nginx:1.27}: its selector is the plain label map {@code app=<name>}. */
  public static ObjectNode replicationController(String name, int replicas) {
    return json("""
        {"metadata":{"name":"%s"},"spec":{"replicas":%d,"selector":{"app":"%s"},
         "template":{"metadata":{"labels":{"app":"%s"}},
                     "spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}}}
        """.formatted(name, replicas, name, name));
  }

  public List<ObjectNode> list(ResourceType type) throws ApiException {
    return registry.list(type, NS, null, null, 0, null).items();
  }

  public List<ObjectNode> pods() throws ApiException {
    return list(ResourceTypes.PODS);
  }

  public ObjectNode get(ResourceType type, String name) throws ApiException {
    return registry.get(type, NS, name);
  }

  /** A JSON merge patch, as {@code kubectl scale} and {@code rollout pause} send (no resourceVersion). */
  public ObjectNode mergePatch(ResourceType type, String name, String patch) throws ApiException {
    return registry.patch(type, NS, name, PatchType.MERGE_PATCH, json(patch), null).object();
  }

  /** Polls until the condition holds; fails after a deadline with {@code what}. */
  public static void await(String what, ThrowingCondition condition) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    Throwable last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (condition.holds()) {
          return;
        }
      } catch (Exception | AssertionError e) {
        last = e;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what);
      }
    }
    throw new AssertionError("timed out waiting for " + what + (last == null ? "" : ": " + last), last);
  }

  /** Keeps checking that a condition stays true for a short while (for "nothing happens" claims). */
  public static void holdsFor(String what, Duration duration, BooleanSupplier condition) {
    long end = System.nanoTime() + duration.toNanos();
    while (System.nanoTime() < end) {
      if (!condition.getAsBoolean()) {
        throw new AssertionError("no longer true: " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @FunctionalInterface
  public interface ThrowingCondition {
    boolean holds() throws Exception;
  }

  /**
   * The node agent's part, simulated: marks matching pods that are not terminating Running and
   * Ready (Ready condition with {@code lastTransitionTime} now, ready container statuses).
   * Returns how many it changed.
   */
  public int markReady(Predicate<ObjectNode> which) throws ApiException {
    int changed = 0;
    for (ObjectNode pod : pods()) {
      if (ObjectMeta.isDeleting(pod) || isReady(pod) || !which.test(pod)) {
        continue;
      }
      ObjectNode body = pod.deepCopy();
      String now = ObjectMeta.timestamp(clock.instant());
      ObjectNode status = body.putObject("status");
      status.put("phase", "Running");
      var conditions = status.putArray("conditions");
      for (String type : new String[] {"Initialized", "Ready", "ContainersReady", "PodScheduled"}) {
        ObjectNode c = conditions.addObject();
        c.put("type", type);
        c.put("status", "True");
        c.put("lastTransitionTime", now);
      }
      var containers = status.putArray("containerStatuses");
      for (JsonNode container : pod.path("spec").path("containers")) {
        ObjectNode cs = containers.addObject();
        cs.put("name", container.path("name").asText());
        cs.put("image", container.path("image").asText());
        cs.put("ready", true);
        cs.put("restartCount", 0);
        cs.putObject("state").putObject("running").put("startedAt", now);
      }
      try {
        registry.update(ResourceTypes.PODS, NS, ObjectMeta.name(pod), body, "status");
        changed++;
      } catch (ApiException e) {
        if (e.code() != 404 && e.code() != 409) {
          throw e;
        }
      }
    }
    return changed;
  }

  public int markAllReady() throws ApiException {
    return markReady(p -> true);
  }

  public static boolean isReady(ObjectNode pod) {
    for (JsonNode c : pod.path("status").path("conditions")) {
      if ("Ready".equals(c.path("type").asText())) {
        return "True".equals(c.path("status").asText());
      }
    }
    return false;
  }

  public static String label(ObjectNode object, String key) {
    return object.path("metadata").path("labels").path(key).asText("");
  }

  public static String annotation(ObjectNode object, String key) {
    return object.path("metadata").path("annotations").path(key).asText("");
  }

  @Override
  public void close() {
    controllers.close();
    store.close();
  }
}
