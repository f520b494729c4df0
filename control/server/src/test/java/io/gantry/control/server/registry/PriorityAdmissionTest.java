package io.gantry.control.server.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.sqlite.SqliteStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Priority admission plugin with PriorityClasses from the store, in its words. */
class PriorityAdmissionTest {

  @TempDir
  Path dir;
  private SqliteStore store;
  private ObjectRegistry registry;

  @BeforeEach
  void open() throws ApiException {
    store = SqliteStore.open(dir.resolve("store.db"));
    registry = new ObjectRegistry(store, Clock.systemUTC(), List.of(new PriorityAdmission(store)));
    registry.create(ResourceTypes.NAMESPACES, null, json("{\"metadata\":{\"name\":\"demo\"}}"));
    PriorityClasses.ensureSystemClasses(registry);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void theSystemClassesExistAndComeBack() throws ApiException {
    ObjectNode node = registry.find(ResourceTypes.PRIORITYCLASSES, null, "system-node-critical").orElseThrow();
    assertEquals("2000001000 PreemptLowerPriority", node.path("value").asLong() + " "
        + node.path("preemptionPolicy").asText());
    // as a DeleteCollection removes it (a single delete is refused at the API: KubectlWorkflowIT)
    registry.delete(ResourceTypes.PRIORITYCLASSES, null, "system-cluster-critical", DeleteOptions.DEFAULT);
    PriorityClasses.ensureSystemClasses(registry);
    assertTrue(registry.find(ResourceTypes.PRIORITYCLASSES, null, "system-cluster-critical").isPresent());
  }

  @Test
  void priorityComesFromTheClass() throws ApiException {
    ObjectNode plain = pod("plain", "");
    assertEquals("0 PreemptLowerPriority", plain.at("/spec/priority").asLong() + " "
        + plain.at("/spec/preemptionPolicy").asText());
    ObjectNode critical = pod("critical", "\"priorityClassName\": \"system-node-critical\",");
    assertEquals(2_000_001_000L, critical.at("/spec/priority").asLong());
    registry.create(ResourceTypes.PRIORITYCLASSES, null, json(
        "{\"metadata\": {\"name\": \"gentle\"}, \"value\": 7, \"preemptionPolicy\": \"Never\"}"));
    ObjectNode gentle = pod("gentle", "\"priorityClassName\": \"gentle\",");
    assertEquals("7 Never", gentle.at("/spec/priority").asLong() + " " + gentle.at("/spec/preemptionPolicy").asText());
  }

  @Test
  void theGlobalDefaultAppliesToPodsWithoutAClass() throws ApiException {
    registry.create(ResourceTypes.PRIORITYCLASSES, null, json(
        "{\"metadata\": {\"name\": \"everyone\"}, \"value\": 100, \"globalDefault\": true}"));
    ObjectNode pod = pod("p", "");
    assertEquals("everyone 100", pod.at("/spec/priorityClassName").asText() + " " + pod.at("/spec/priority").asLong());
    ApiException second = assertThrows(ApiException.class, () -> registry.create(ResourceTypes.PRIORITYCLASSES, null,
        json("{\"metadata\": {\"name\": \"another\"}, \"value\": 5, \"globalDefault\": true}")));
    assertEquals(403, second.code());
    assertEquals("priorityclasses.scheduling.k8s.io \"another\" is forbidden: PriorityClass everyone is already"
        + " marked as default. Only one default can exist", second.getMessage());
    // the default itself may be updated and stay the default
    ObjectNode everyone = registry.find(ResourceTypes.PRIORITYCLASSES, null, "everyone").orElseThrow();
    everyone.put("description", "all pods");
    registry.update(ResourceTypes.PRIORITYCLASSES, null, "everyone", everyone, null);
  }

  @Test
  void anUnknownClassOrAPriorityOrPolicyOfItsOwnIsForbidden() throws ApiException {
    ApiException unknown = assertThrows(ApiException.class, () -> pod("p", "\"priorityClassName\": \"nope\","));
    assertEquals(403, unknown.code());
    assertEquals("pods \"p\" is forbidden: no PriorityClass with name nope was found", unknown.getMessage());
    ApiException own = assertThrows(ApiException.class, () -> pod("p", "\"priority\": 5,"));
    assertEquals("pods \"p\" is forbidden: the integer value of priority (5) must not be provided in pod spec;"
        + " priority admission controller computed 0 from the given PriorityClass name", own.getMessage());
    ApiException policy = assertThrows(ApiException.class, () -> pod("p", "\"preemptionPolicy\": \"Never\","));
    assertEquals("pods \"p\" is forbidden: the string value of PreemptionPolicy (Never) must not be provided in pod"
        + " spec; priority admission controller computed PreemptLowerPriority from the given PriorityClass name",
        policy.getMessage());
  }

  @Test
  void anUpdateThatLeavesThePriorityOutKeepsIt() throws ApiException {
    ObjectNode pod = pod("p", "\"priorityClassName\": \"system-cluster-critical\",");
    ((ObjectNode) pod.get("spec")).remove(List.of("priority", "preemptionPolicy"));
    ObjectMeta.metadata(pod).putObject("labels").put("a", "b");
    ObjectNode updated = registry.update(ResourceTypes.PODS, "demo", "p", pod, null);
    assertEquals(2_000_000_000L, updated.at("/spec/priority").asLong());
  }

  private ObjectNode pod(String name, String spec) throws ApiException {
    return registry.create(ResourceTypes.PODS, "demo", json("{\"metadata\": {\"name\": \"" + name + "\"}, \"spec\": {"
        + spec + "\"containers\": [{\"name\": \"c\", \"image\": \"busybox\"}]}}"));
  }

  private static ObjectNode json(String text) {
    return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
  }
}
