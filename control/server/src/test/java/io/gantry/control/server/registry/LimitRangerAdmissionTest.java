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

/** The LimitRanger admission plugin: defaults set and annotated, each limit refused in upstream's words. */
class LimitRangerAdmissionTest {

  /** The conformance test's range (test/e2e/scheduling/limit_range.go), ephemeral storage left out. */
  private static final String CONFORMANCE_RANGE = """
      {"metadata": {"name": "limit-range"}, "spec": {"limits": [{"type": "Container",
        "min": {"cpu": "50m", "memory": "100Mi"}, "max": {"cpu": "500m", "memory": "500Mi"},
        "default": {"cpu": "500m", "memory": "500Mi"}, "defaultRequest": {"cpu": "100m", "memory": "200Mi"}}]}}
      """;

  @TempDir
  Path dir;
  private SqliteStore store;
  private ObjectRegistry registry;

  @BeforeEach
  void open() throws ApiException {
    store = SqliteStore.open(dir.resolve("store.db"));
    registry = new ObjectRegistry(store, Clock.systemUTC(), List.of(new LimitRangerAdmission(store)));
    registry.create(ResourceTypes.NAMESPACES, null, json("{\"metadata\":{\"name\":\"demo\"}}"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void withoutALimitRangeAPodIsLeftAlone() throws ApiException {
    ObjectNode pod = createPod("plain", "");
    assertEquals("{}", pod.at("/spec/containers/0/resources").toString());
    assertTrue(pod.at("/metadata/annotations").isMissingNode());
  }

  @Test
  void aRangeIsDefaultedFromItsMax() throws ApiException {
    ObjectNode range = registry.create(ResourceTypes.LIMITRANGES, "demo", json("""
        {"metadata": {"name": "r"}, "spec": {"limits": [{"type": "Container", "max": {"cpu": "1"},
          "min": {"memory": "64Mi"}}, {"type": "Pod", "max": {"cpu": "2"}}]}}
        """));
    assertEquals("{\"cpu\":\"1\"}", range.at("/spec/limits/0/default").toString());
    assertEquals("{\"cpu\":\"1\",\"memory\":\"64Mi\"}", range.at("/spec/limits/0/defaultRequest").toString());
    assertTrue(range.at("/spec/limits/1/default").isMissingNode(), "Pod items take no defaults");
  }

  @Test
  void containersWithoutResourcesGetTheDefaultsAndTheAnnotationSaysSo() throws ApiException {
    registry.create(ResourceTypes.LIMITRANGES, "demo", json(CONFORMANCE_RANGE));
    ObjectNode pod = registry.create(ResourceTypes.PODS, "demo", json("""
        {"metadata": {"name": "web"}, "spec": {
          "initContainers": [{"name": "setup", "image": "busybox", "resources": {"requests": {"cpu": "200m"}}}],
          "containers": [{"name": "web", "image": "nginx"}]}}
        """));
    assertEquals("{\"limits\":{\"cpu\":\"500m\",\"memory\":\"500Mi\"},\"requests\":{\"cpu\":\"100m\",\"memory\":\"200Mi\"}}",
        pod.at("/spec/containers/0/resources").toString());
    assertEquals("{\"requests\":{\"cpu\":\"200m\",\"memory\":\"200Mi\"},\"limits\":{\"cpu\":\"500m\",\"memory\":\"500Mi\"}}",
        pod.at("/spec/initContainers/0/resources").toString());
    assertEquals("LimitRanger plugin set: cpu, memory request for container web; cpu, memory limit for container web;"
            + " memory request for init container setup; cpu, memory limit for init container setup",
        pod.at("/metadata/annotations/kubernetes.io~1limit-ranger").asText());
    assertEquals(pod.at("/spec/containers/0/resources"),
        registry.get(ResourceTypes.PODS, "demo", "web").at("/spec/containers/0/resources"), "stored, not only answered");
  }

  @Test
  void aLimitWithoutARequestStillBecomesTheRequest() throws ApiException {
    registry.create(ResourceTypes.LIMITRANGES, "demo", json(CONFORMANCE_RANGE));
    ObjectNode pod = createPod("partial", "\"requests\": {\"memory\": \"150Mi\"}, \"limits\": {\"cpu\": \"300m\"}");
    assertEquals("{\"requests\":{\"memory\":\"150Mi\",\"cpu\":\"300m\"},\"limits\":{\"cpu\":\"300m\",\"memory\":\"500Mi\"}}",
        pod.at("/spec/containers/0/resources").toString());
    assertEquals("LimitRanger plugin set: memory limit for container c",
        pod.at("/metadata/annotations/kubernetes.io~1limit-ranger").asText());
  }

  @Test
  void belowMinAndAboveMaxAreForbiddenWithEveryReason() throws ApiException {
    registry.create(ResourceTypes.LIMITRANGES, "demo", json(CONFORMANCE_RANGE));
    ApiException low = assertThrows(ApiException.class, () -> createPod("low", "\"requests\": {\"cpu\": \"10m\"}"));
    assertEquals(403, low.code());
    assertEquals("pods \"low\" is forbidden: minimum cpu usage per Container is 50m, but request is 10m",
        low.getMessage());
    ApiException high = assertThrows(ApiException.class,
        () -> createPod("high", "\"limits\": {\"cpu\": \"600m\", \"memory\": \"1Gi\"}"));
    assertEquals("pods \"high\" is forbidden: [maximum cpu usage per Container is 500m, but limit is 600m,"
        + " maximum memory usage per Container is 500Mi, but limit is 1Gi]", high.getMessage());
    assertTrue(registry.list(ResourceTypes.PODS, "demo", null, null, 0, null).items().isEmpty(), "nothing stored");
  }

  @Test
  void aRefusalNamesTheGeneratedNameAsUpstreamsValidatingAdmissionSeesIt() throws ApiException {
    registry.create(ResourceTypes.LIMITRANGES, "demo", json(CONFORMANCE_RANGE));
    ApiException e = assertThrows(ApiException.class, () -> registry.create(ResourceTypes.PODS, "demo", json("""
        {"metadata": {"generateName": "web-"}, "spec": {"containers": [{"name": "c", "image": "nginx",
          "resources": {"limits": {"cpu": "2"}}}]}}
        """)));
    assertTrue(e.getMessage().matches("pods \"web-[a-z0-9]{5}\" is forbidden: maximum cpu usage per Container is"
        + " 500m, but limit is 2"), e.getMessage());
  }

  @Test
  void aRequestAboveTheDefaultedLimitIsInvalidAsUpstreamValidatesAfterAdmission() throws ApiException {
    registry.create(ResourceTypes.LIMITRANGES, "demo", json("""
        {"metadata": {"name": "r"}, "spec": {"limits": [{"type": "Container", "default": {"cpu": "500m"}}]}}
        """));
    ApiException e = assertThrows(ApiException.class, () -> createPod("big", "\"requests\": {\"cpu\": \"700m\"}"));
    assertEquals(422, e.code());
    assertEquals("Pod \"big\" is invalid: spec.containers[0].resources.requests: Invalid value: \"700m\": must be less"
        + " than or equal to cpu limit of 500m", e.getMessage());
  }

  @Test
  void ratiosAndPodTotalsAreEnforced() throws ApiException {
    registry.create(ResourceTypes.LIMITRANGES, "demo", json("""
        {"metadata": {"name": "r"}, "spec": {"limits": [
          {"type": "Container", "maxLimitRequestRatio": {"memory": "2"}},
          {"type": "Pod", "max": {"cpu": "500m"}}]}}
        """));
    ApiException ratio = assertThrows(ApiException.class,
        () -> createPod("ratio", "\"requests\": {\"memory\": \"100Mi\"}, \"limits\": {\"memory\": \"300Mi\", \"cpu\": \"1\"}"));
    assertEquals("pods \"ratio\" is forbidden: [memory max limit to request ratio per Container is 2, but provided ratio"
        + " is 3.000000, maximum cpu usage per Pod is 500m, but limit is 1]", ratio.getMessage());
    ApiException sum = assertThrows(ApiException.class, () -> registry.create(ResourceTypes.PODS, "demo", json("""
        {"metadata": {"name": "two"}, "spec": {"containers": [
          {"name": "a", "image": "nginx", "resources": {"limits": {"cpu": "300m", "memory": "10Mi"}}},
          {"name": "b", "image": "nginx", "resources": {"limits": {"cpu": "0.3", "memory": "10Mi"}}}]}}
        """)));
    assertEquals("pods \"two\" is forbidden: maximum cpu usage per Pod is 500m, but limit is 600m", sum.getMessage());
    assertEquals("300m", createPod("one", "\"limits\": {\"cpu\": \"300m\", \"memory\": \"10Mi\"}")
        .at("/spec/containers/0/resources/limits/cpu").asText());
  }

  @Test
  void podUpdatesAreNotAdmittedAgain() throws ApiException {
    ObjectNode pod = createPod("early", "");
    registry.create(ResourceTypes.LIMITRANGES, "demo", json(CONFORMANCE_RANGE));
    ObjectMeta.metadata(pod).putObject("labels").put("tier", "web");
    ObjectNode updated = registry.update(ResourceTypes.PODS, "demo", "early", pod, null);
    assertEquals("web", updated.at("/metadata/labels/tier").asText());
    assertEquals("{}", updated.at("/spec/containers/0/resources").toString());
  }

  @Test
  void claimsMeetTheStorageBoundsOnCreateAndResize() throws ApiException {
    ObjectNode legacy = createClaim("legacy", "20Gi");
    registry.create(ResourceTypes.LIMITRANGES, "demo", json("""
        {"metadata": {"name": "storage"}, "spec": {"limits": [
          {"type": "PersistentVolumeClaim", "min": {"storage": "1Gi"}, "max": {"storage": "10Gi"}}]}}
        """));
    ApiException big = assertThrows(ApiException.class, () -> createClaim("big", "20Gi"));
    assertEquals(403, big.code());
    assertEquals("persistentvolumeclaims \"big\" is forbidden: maximum storage usage per PersistentVolumeClaim is 10Gi,"
        + " but request is 20Gi", big.getMessage());
    ApiException small = assertThrows(ApiException.class, () -> createClaim("small", "512Mi"));
    assertEquals("persistentvolumeclaims \"small\" is forbidden: minimum storage usage per PersistentVolumeClaim is 1Gi,"
        + " but request is 512Mi", small.getMessage());
    ((ObjectNode) legacy.get("status")).put("phase", "Bound");
    assertEquals("Bound", registry.update(ResourceTypes.PERSISTENTVOLUMECLAIMS, "demo", "legacy", legacy, "status")
        .at("/status/phase").asText(), "a status write of a claim made before the range is not refused");
    assertEquals("5Gi", createClaim("ok", "5Gi").at("/spec/resources/requests/storage").asText());
    ObjectNode grown = registry.get(ResourceTypes.PERSISTENTVOLUMECLAIMS, "demo", "legacy");
    ((ObjectNode) grown.at("/spec/resources/requests")).put("storage", "30Gi");
    ApiException resize = assertThrows(ApiException.class,
        () -> registry.update(ResourceTypes.PERSISTENTVOLUMECLAIMS, "demo", "legacy", grown, null));
    assertEquals("persistentvolumeclaims \"legacy\" is forbidden: maximum storage usage per PersistentVolumeClaim is"
        + " 10Gi, but request is 30Gi", resize.getMessage());
  }

  private ObjectNode createPod(String name, String resources) throws ApiException {
    return registry.create(ResourceTypes.PODS, "demo", json("{\"metadata\":{\"name\":\"" + name + "\"},"
        + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\",\"resources\":{" + resources + "}}]}}"));
  }

  private ObjectNode createClaim(String name, String size) throws ApiException {
    return registry.create(ResourceTypes.PERSISTENTVOLUMECLAIMS, "demo", json("{\"metadata\":{\"name\":\"" + name
        + "\"},\"spec\":{\"accessModes\":[\"ReadWriteOnce\"],\"resources\":{\"requests\":{\"storage\":\"" + size + "\"}}}}"));
  }

  private static ObjectNode json(String text) {
    return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
  }
}
