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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The RuntimeClass admission plugin through the registry: lookups, overhead and scheduling, in upstream's words. */
class RuntimeClassAdmissionTest {

  @TempDir
  Path dir;
  private SqliteStore store;
  private ObjectRegistry registry;

  @BeforeEach
  void open() throws ApiException {
    store = SqliteStore.open(dir.resolve("store.db"));
    registry = new ObjectRegistry(store, Clock.systemUTC(), List.of(new RuntimeClassAdmission(store)));
    registry.create(ResourceTypes.NAMESPACES, null, json("{\"metadata\":{\"name\":\"demo\"}}"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void aPodWithoutAClassIsLeftAlone() throws ApiException {
    ObjectNode pod = pod("plain", "");
    assertTrue(pod.at("/spec/overhead").isMissingNode());
    assertTrue(pod.at("/spec/nodeSelector").isMissingNode());
  }

  @Test
  void aMissingOrDeletedClassRefusesThePod() throws ApiException {
    ApiException missing = assertThrows(ApiException.class, () -> pod("p", "\"runtimeClassName\": \"nope\","));
    assertEquals(403, missing.code());
    assertEquals("pods \"p\" is forbidden: pod rejected: RuntimeClass \"nope\" not found", missing.getMessage());
    runtimeClass("{\"metadata\": {\"name\": \"gone\"}, \"handler\": \"runc\"}");
    pod("before", "\"runtimeClassName\": \"gone\",");
    registry.delete(ResourceTypes.RUNTIMECLASSES, null, "gone", DeleteOptions.DEFAULT);
    ApiException deleted = assertThrows(ApiException.class, () -> pod("after", "\"runtimeClassName\": \"gone\","));
    assertEquals("pods \"after\" is forbidden: pod rejected: RuntimeClass \"gone\" not found", deleted.getMessage());
  }

  @Test
  void theClassOverheadBecomesThePods() throws ApiException {
    runtimeClass("""
        {"metadata": {"name": "heavy"}, "handler": "runc", "overhead": {"podFixed": {"cpu": "10m", "memory": "1Mi"}}}
        """);
    ObjectNode pod = pod("p", "\"runtimeClassName\": \"heavy\",");
    assertEquals("{\"cpu\":\"10m\",\"memory\":\"1Mi\"}", pod.at("/spec/overhead").toString());
    ObjectNode same = pod("same", "\"runtimeClassName\": \"heavy\", \"overhead\": {\"cpu\": \"0.01\", \"memory\": \"1Mi\"},");
    assertEquals("{\"cpu\":\"10m\",\"memory\":\"1Mi\"}", same.at("/spec/overhead").toString());
    ApiException other = assertThrows(ApiException.class,
        () -> pod("other", "\"runtimeClassName\": \"heavy\", \"overhead\": {\"cpu\": \"20m\"},"));
    assertEquals(403, other.code());
    assertEquals("pods \"other\" is forbidden: pod rejected: Pod's Overhead doesn't match RuntimeClass's defined"
        + " Overhead", other.getMessage());
  }

  @Test
  void anOverheadWithoutAClassThatDefinesOneIsRefused() throws ApiException {
    runtimeClass("{\"metadata\": {\"name\": \"light\"}, \"handler\": \"runc\"}");
    pod("light", "\"runtimeClassName\": \"light\",");
    for (String spec : List.of("\"runtimeClassName\": \"light\", \"overhead\": {\"cpu\": \"1\"},",
        "\"overhead\": {\"cpu\": \"1\"},")) {
      ApiException refused = assertThrows(ApiException.class, () -> pod("p", spec));
      assertEquals("pods \"p\" is forbidden: pod rejected: Pod Overhead set without corresponding RuntimeClass"
          + " defined Overhead", refused.getMessage());
    }
  }

  @Test
  void schedulingIsMergedIntoThePod() throws ApiException {
    runtimeClass("""
        {"metadata": {"name": "sandboxed"}, "handler": "runsc", "scheduling": {
          "nodeSelector": {"sandbox": "yes", "zone": "a"},
          "tolerations": [{"key": "sandbox", "operator": "Exists", "effect": "NoSchedule"},
                          {"key": "dedicated", "operator": "Equal", "value": "x"}]}}
        """);
    ObjectNode bare = pod("bare", "\"runtimeClassName\": \"sandboxed\",");
    assertEquals("{\"sandbox\":\"yes\",\"zone\":\"a\"}", bare.at("/spec/nodeSelector").toString());
    assertEquals(2, bare.at("/spec/tolerations").size());
    ObjectNode own = pod("own", """
        "runtimeClassName": "sandboxed", "nodeSelector": {"zone": "a", "disk": "ssd"},
        "tolerations": [{"key": "sandbox", "operator": "Equal", "value": "v", "effect": "NoSchedule"},
                        {"key": "other", "operator": "Exists"}],
        """);
    assertEquals("{\"zone\":\"a\",\"disk\":\"ssd\",\"sandbox\":\"yes\"}", own.at("/spec/nodeSelector").toString());
    // the pod's sandbox=v:NoSchedule is covered by the class's sandbox Exists NoSchedule, so only that stays
    assertEquals("[{\"key\":\"other\",\"operator\":\"Exists\"},"
        + "{\"key\":\"sandbox\",\"operator\":\"Exists\",\"effect\":\"NoSchedule\"},"
        + "{\"key\":\"dedicated\",\"operator\":\"Equal\",\"value\":\"x\"}]", own.at("/spec/tolerations").toString());
    ApiException conflict = assertThrows(ApiException.class,
        () -> pod("clash", "\"runtimeClassName\": \"sandboxed\", \"nodeSelector\": {\"zone\": \"b\"},"));
    assertEquals(403, conflict.code());
    assertEquals("pods \"clash\" is forbidden: conflict: runtimeClass.scheduling.nodeSelector[zone] = a;"
        + " pod.spec.nodeSelector[zone] = b", conflict.getMessage());
  }

  @Test
  void updatesAreNotAdmittedAgain() throws ApiException {
    runtimeClass("{\"metadata\": {\"name\": \"brief\"}, \"handler\": \"runc\"}");
    ObjectNode pod = pod("p", "\"runtimeClassName\": \"brief\",");
    registry.delete(ResourceTypes.RUNTIMECLASSES, null, "brief", DeleteOptions.DEFAULT);
    ObjectMeta.metadata(pod).putObject("labels").put("a", "b");
    ObjectNode updated = registry.update(ResourceTypes.PODS, "demo", "p", pod, null);
    assertFalse(updated.at("/metadata/labels/a").isMissingNode());
  }

  private void runtimeClass(String json) throws ApiException {
    registry.create(ResourceTypes.RUNTIMECLASSES, null, json(json));
  }

  private ObjectNode pod(String name, String spec) throws ApiException {
    return registry.create(ResourceTypes.PODS, "demo", json("{\"metadata\": {\"name\": \"" + name + "\"}, \"spec\": {"
        + spec + "\"containers\": [{\"name\": \"c\", \"image\": \"busybox\"}]}}"));
  }

  private static ObjectNode json(String text) {
    return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
  }
}
