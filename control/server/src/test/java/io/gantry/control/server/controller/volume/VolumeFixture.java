package io.gantry.control.server.controller.volume;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.DeleteOptions;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.registry.ObjectWatcher;
import io.gantry.control.server.registry.StorageObjectInUseProtectionAdmission;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.sqlite.SqliteStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A store whose registry runs the StorageObjectInUseProtection admission plugin, with the namespace
 * {@value #NS} and the node {@value #NODE} (so that deleting a pod bound to it is graceful, as the node
 * agent finishes it), and the volume controllers a test starts; all closed together.
 */
final class VolumeFixture implements AutoCloseable {
  static final String NS = "apps";
  static final String NODE = "n1";
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  final SqliteStore store;
  final ObjectRegistry registry;
  private final List<AutoCloseable> controllers = new ArrayList<>();

  VolumeFixture(Path dir) throws ApiException {
    store = SqliteStore.open(dir.resolve("store.db"));
    registry = new ObjectRegistry(store, Clock.systemUTC(), List.of(new StorageObjectInUseProtectionAdmission()));
    registry.create(ResourceTypes.NAMESPACES, null, json("{\"metadata\":{\"name\":\"" + NS + "\"}}"));
    registry.create(ResourceTypes.NODES, null, json("{\"metadata\":{\"name\":\"" + NODE + "\"}}"));
  }

  VolumeFixture withBinder() {
    controllers.add(PersistentVolumeBinder.start(registry.as("persistentvolume-binder-controller"), watcher()));
    return this;
  }

  VolumeFixture withPvcProtection() {
    controllers.add(PvcProtectionController.start(registry.as("persistentvolumeclaim-protection-controller"),
        watcher()));
    return this;
  }

  VolumeFixture withPvProtection() {
    controllers.add(PvProtectionController.start(registry.as("persistentvolume-protection-controller"), watcher()));
    return this;
  }

  private ObjectWatcher watcher() {
    return new ObjectWatcher(store);
  }

  static ObjectNode json(String text) {
    return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
  }

  ObjectNode volume(String name, String capacity) throws ApiException {
    return registry.create(ResourceTypes.PERSISTENTVOLUMES, null, json("{\"metadata\":{\"name\":\"" + name + "\"},"
        + "\"spec\":{\"capacity\":{\"storage\":\"" + capacity + "\"},\"accessModes\":[\"ReadWriteOnce\"],"
        + "\"hostPath\":{\"path\":\"/srv/" + name + "\"}}}"));
  }

  ObjectNode claim(String name, String metadata) throws ApiException {
    return registry.create(ResourceTypes.PERSISTENTVOLUMECLAIMS, NS, json("{\"metadata\":{\"name\":\"" + name + "\""
        + metadata + "},\"spec\":{\"accessModes\":[\"ReadWriteOnce\"],\"resources\":{\"requests\":{\"storage\":\"1Gi\"}}}}"));
  }

  /** A pod on {@value #NODE} (or unscheduled when {@code node} is empty) with the given volumes, marked Running. */
  ObjectNode pod(String name, String node, String volumes, String metadata) throws ApiException {
    ObjectNode pod = registry.create(ResourceTypes.PODS, NS, json("{\"metadata\":{\"name\":\"" + name + "\"" + metadata
        + "},\"spec\":{" + (node.isEmpty() ? "" : "\"nodeName\":\"" + node + "\",")
        + "\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}],\"volumes\":[" + volumes + "]}}"));
    return node.isEmpty() ? pod : phase(name, "Running");
  }

  /** The node agent's status write of a phase. */
  ObjectNode phase(String pod, String phase) throws ApiException {
    ObjectNode body = registry.get(ResourceTypes.PODS, NS, pod).deepCopy();
    ((ObjectNode) body.path("status")).put("phase", phase);
    return registry.update(ResourceTypes.PODS, NS, pod, body, "status");
  }

  static String claimVolume(String volume, String claim) {
    return "{\"name\":\"" + volume + "\",\"persistentVolumeClaim\":{\"claimName\":\"" + claim + "\"}}";
  }

  void delete(ResourceType type, String name) throws ApiException {
    registry.delete(type, type.namespaced() ? NS : null, name, DeleteOptions.DEFAULT);
  }

  /** The node agent's final delete of a pod, with grace 0. */
  void finishPod(String name) throws ApiException {
    registry.delete(ResourceTypes.PODS, NS, name, new DeleteOptions(0L, null, null, null));
  }

  Optional<ObjectNode> find(ResourceType type, String name) {
    return registry.find(type, type.namespaced() ? NS : null, name);
  }

  @FunctionalInterface
  interface Check {
    boolean holds() throws Exception;
  }

  static void await(String what, Check check) throws Exception {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!check.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting: " + what);
      }
      Thread.sleep(20);
    }
  }

  /** Checks that a condition stays true for a while (for "nothing happens" claims). */
  static void holdsFor(String what, Duration duration, Check check) throws Exception {
    long end = System.nanoTime() + duration.toNanos();
    while (System.nanoTime() < end) {
      if (!check.holds()) {
        throw new AssertionError("no longer true: " + what);
      }
      Thread.sleep(20);
    }
  }

  @Override
  public void close() {
    for (int i = controllers.size() - 1; i >= 0; i--) {
      try {
        controllers.get(i).close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    store.close();
  }
}
