package io.gantry.control.server.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pods through the ServiceAccount admission plugin, as kube-apiserver admits them. */
class ServiceAccountAdmissionTest {

  @TempDir
  Path dir;
  private SqliteStore store;
  private ObjectRegistry registry;

  @BeforeEach
  void open() throws ApiException {
    store = SqliteStore.open(dir.resolve("store.db"));
    registry = new ObjectRegistry(store, Clock.systemUTC(),
        List.of(new ServiceAccountAdmission(store, Duration.ofMillis(20))));
    registry.create(ResourceTypes.NAMESPACES, null, json(("{\"metadata\":{\"name\":\"demo\"}}")));
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void podWithoutServiceAccountRunsAsDefault() throws ApiException {
    account("default", "{\"imagePullSecrets\":[{\"name\":\"regcred\"}]}");
    ObjectNode pod = registry.create(ResourceTypes.PODS, "demo", pod("web", ""));
    assertEquals("default", pod.at("/spec/serviceAccountName").asText());
    assertEquals("default", pod.at("/spec/serviceAccount").asText());
    assertEquals("[{\"name\":\"regcred\"}]", Json.string(pod.at("/spec/imagePullSecrets")));
    // set by admission, after the ownership of the client's fields was recorded, as upstream does
    String owned = Json.string(pod.at("/metadata/managedFields"));
    assertTrue(owned.contains("f:containers") && !owned.contains("f:serviceAccountName")
        && !owned.contains("f:imagePullSecrets"), owned);
  }

  @Test
  void deprecatedServiceAccountFieldNamesTheAccount() throws ApiException {
    account("robot", "{}");
    ObjectNode body = pod("web", "");
    ((ObjectNode) body.get("spec")).put("serviceAccount", "robot");
    ObjectNode pod = registry.create(ResourceTypes.PODS, "demo", body);
    assertEquals("robot", pod.at("/spec/serviceAccountName").asText());
    assertEquals("robot", pod.at("/spec/serviceAccount").asText());
    assertFalse(pod.at("/spec").has("imagePullSecrets"));
  }

  @Test
  void missingServiceAccountIsForbidden() {
    ApiException e = assertThrows(ApiException.class,
        () -> registry.create(ResourceTypes.PODS, "demo", pod("web", "robot")));
    assertEquals(403, e.code());
    assertEquals("pods \"web\" is forbidden: error looking up service account demo/robot: "
        + "serviceaccount \"robot\" not found", e.getMessage());
    assertTrue(registry.find(ResourceTypes.PODS, "demo", "web").isEmpty());

    // admission runs before the name is generated: the refusal names the generateName
    ObjectNode generated = pod("web", "robot");
    ((ObjectNode) generated.get("metadata")).remove("name");
    ((ObjectNode) generated.get("metadata")).put("generateName", "web-");
    ApiException g = assertThrows(ApiException.class, () -> registry.create(ResourceTypes.PODS, "demo", generated));
    assertEquals("pods \"web-\" is forbidden: error looking up service account demo/robot: "
        + "serviceaccount \"robot\" not found", g.getMessage());
  }

  @Test
  void missingDefaultIsWaitedForBriefly() throws Exception {
    CompletableFuture<ObjectNode> created = CompletableFuture.supplyAsync(() -> {
      try {
        return registry.create(ResourceTypes.PODS, "demo", pod("web", ""));
      } catch (ApiException e) {
        throw new IllegalStateException(e);
      }
    });
    Thread.sleep(60);
    account("default", "{}");
    assertEquals("default", created.get(5, TimeUnit.SECONDS).at("/spec/serviceAccountName").asText());

    ApiException e = assertThrows(ApiException.class,
        () -> registry.create(ResourceTypes.PODS, "demo", pod("api", "nobody")));
    assertEquals(403, e.code());
  }

  @Test
  void otherKindsAreNotAdmitted() throws ApiException {
    ObjectNode rs = registry.create(ResourceTypes.REPLICASETS, "demo", json("{\"metadata\":{\"name\":\"r\"},"
        + "\"spec\":{\"selector\":{\"matchLabels\":{\"a\":\"b\"}},\"template\":{\"metadata\":{\"labels\":{\"a\":\"b\"}},"
        + "\"spec\":{\"serviceAccount\":\"robot\",\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}}}"));
    // the v1 conversion mirrors the deprecated field in templates too; only pods are looked up
    assertEquals("robot", rs.at("/spec/template/spec/serviceAccountName").asText());
  }

  private void account(String name, String rest) throws ApiException {
    ObjectNode account = json(rest);
    account.putObject("metadata").put("name", name);
    registry.create(ResourceTypes.SERVICEACCOUNTS, "demo", account);
  }

  private static ObjectNode pod(String name, String serviceAccount) {
    ObjectNode pod = json("{\"metadata\":{\"name\":\"" + name + "\"},"
        + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}");
    if (!serviceAccount.isEmpty()) {
      ((ObjectNode) pod.get("spec")).put("serviceAccountName", serviceAccount);
    }
    return pod;
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode json(String text) {
    return Json.parseObject(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
