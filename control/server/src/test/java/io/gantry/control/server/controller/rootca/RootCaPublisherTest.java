package io.gantry.control.server.controller.rootca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.patch.PatchType;
import io.gantry.control.server.registry.DeleteOptions;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.registry.ObjectWatcher;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.sqlite.SqliteStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kube-root-ca.crt ConfigMap as the e2e "should guarantee kube-root-ca.crt exist in any namespace" checks it. */
class RootCaPublisherTest {

  private static final String PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

  @TempDir
  Path dir;
  private SqliteStore store;
  private ObjectRegistry registry;
  private RootCaPublisher publisher;

  @BeforeEach
  void open() throws ApiException {
    store = SqliteStore.open(dir.resolve("store.db"));
    registry = new ObjectRegistry(store, Clock.systemUTC());
    registry.create(ResourceTypes.NAMESPACES, null, json("{\"metadata\":{\"name\":\"demo\"}}"));
    publisher = RootCaPublisher.start(registry.as("root-ca-cert-publisher"), new ObjectWatcher(store), PEM);
  }

  @AfterEach
  void close() {
    publisher.close();
    store.close();
  }

  @Test
  void everyNamespaceHasTheCaAgainAfterADeletionOrAnEdit() throws Exception {
    await(() -> caIn("demo").isPresent());
    ObjectNode configMap = caIn("demo").orElseThrow();
    assertEquals(PEM, configMap.at("/data/ca.crt").asText());
    assertEquals(RootCaPublisher.DESCRIPTION, configMap.at("/metadata/annotations/kubernetes.io~1description").asText());

    registry.create(ResourceTypes.NAMESPACES, null, json("{\"metadata\":{\"name\":\"later\"}}"));
    await(() -> caIn("later").isPresent());

    registry.delete(ResourceTypes.CONFIGMAPS, "later", RootCaPublisher.NAME, DeleteOptions.DEFAULT);
    await(() -> caIn("later").isPresent());

    registry.patch(ResourceTypes.CONFIGMAPS, "demo", RootCaPublisher.NAME, PatchType.MERGE_PATCH,
        json("{\"data\":{\"ca.crt\":\"changed\"}}"), null);
    await(() -> caIn("demo").map(c -> c.at("/data/ca.crt").asText().equals(PEM)).orElse(false));
    // upstream's sync sets the data to exactly the CA: a key added beside it goes
    registry.patch(ResourceTypes.CONFIGMAPS, "demo", RootCaPublisher.NAME, PatchType.MERGE_PATCH,
        json("{\"data\":{\"extra\":\"x\"}}"), null);
    await(() -> caIn("demo").map(c -> c.path("data").size() == 1).orElse(false));
    assertEquals(PEM, caIn("demo").orElseThrow().at("/data/ca.crt").asText());
  }

  private Optional<ObjectNode> caIn(String namespace) {
    return registry.find(ResourceTypes.CONFIGMAPS, namespace, RootCaPublisher.NAME);
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out");
      Thread.sleep(10);
    }
  }

  private static ObjectNode json(String text) {
    return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
  }
}
