package io.gantry.control.server.controller.serviceaccount;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.DeleteOptions;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.registry.ObjectWatcher;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceAccountsControllerTest {

  @TempDir
  Path dir;
  private SqliteStore store;
  private ObjectRegistry registry;
  private ServiceAccountsController controller;

  @BeforeEach
  void open() throws ApiException {
    store = SqliteStore.open(dir.resolve("store.db"));
    registry = new ObjectRegistry(store, Clock.systemUTC());
    namespace("before");
    controller = ServiceAccountsController.start(registry.as("serviceaccount-controller"), new ObjectWatcher(store));
  }

  @AfterEach
  void close() {
    controller.close();
    store.close();
  }

  @Test
  void everyNamespaceGetsADefaultServiceAccountAgainAfterADeletion() throws Exception {
    await(() -> exists("before"));
    namespace("after");
    await(() -> exists("after"));
    registry.delete(ResourceTypes.SERVICEACCOUNTS, "after", "default", DeleteOptions.DEFAULT);
    await(() -> exists("after"));
  }

  @Test
  void terminatingNamespacesAreLeftAlone() throws Exception {
    await(() -> exists("before"));
    registry.delete(ResourceTypes.NAMESPACES, null, "before", DeleteOptions.DEFAULT);
    registry.delete(ResourceTypes.SERVICEACCOUNTS, "before", "default", DeleteOptions.DEFAULT);
    Thread.sleep(300);
    assertTrue(!exists("before"));
  }

  private boolean exists(String namespace) {
    return registry.find(ResourceTypes.SERVICEACCOUNTS, namespace, "default").isPresent();
  }

  private void namespace(String name) throws ApiException {
    registry.create(ResourceTypes.NAMESPACES, null, json(("{\"metadata\":{\"name\":\"" + name + "\"}}")));
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out");
      Thread.sleep(10);
    }
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode json(String text) {
    return Json.parseObject(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
