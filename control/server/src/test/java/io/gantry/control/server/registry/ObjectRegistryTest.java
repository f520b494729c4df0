package io.gantry.control.server.registry;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.json.GoBase64;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.patch.PatchType;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.sqlite.SqliteStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectRegistryTest {

  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

  @TempDir
  Path dir;
  private SqliteStore store;
  private ObjectRegistry registry;

  @BeforeEach
  void open() throws ApiException {
    store = SqliteStore.open(dir.resolve("store.db"));
    registry = new ObjectRegistry(store, Clock.fixed(NOW, ZoneOffset.UTC));
    registry.create(ResourceTypes.NAMESPACES, null, json("{\"metadata\":{\"name\":\"demo\"}}"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void createFillsServerManagedMetadataAndDefaults() throws ApiException {
    ObjectNode created = registry.create(ResourceTypes.DEPLOYMENTS, "demo", deployment("web", 2));

    JsonNode metadata = created.get("metadata");
    assertEquals("apps/v1", created.get("apiVersion").asText());
    assertEquals("Deployment", created.get("kind").asText());
    assertEquals("demo", metadata.get("namespace").asText());
    assertEquals(36, metadata.get("uid").asText().length());
    assertEquals("2026-01-02T03:04:05Z", metadata.get("creationTimestamp").asText());
    assertEquals(1, metadata.get("generation").asInt());
    assertEquals(Long.toString(store.currentRevision()), metadata.get("resourceVersion").asText());
    assertEquals("RollingUpdate", created.at("/spec/strategy/type").asText());
    assertEquals("Always", created.at("/spec/template/spec/restartPolicy").asText());
  }

  @Test
  void endpointsAndEndpointSlicePortsDefaultAsTheApiServerDoes() throws Exception {
    ObjectNode endpoints = registry.create(ResourceTypes.ENDPOINTS, "demo", json("{\"metadata\":{\"name\":\"db\"},"
        + "\"subsets\":[{\"addresses\":[{\"ip\":\"10.1.0.5\"}],\"ports\":[{\"port\":5432}]}]}"));
    assertEquals("TCP", endpoints.at("/subsets/0/ports/0/protocol").asText());
    ObjectNode slice = registry.create(ResourceTypes.ENDPOINTSLICES, "demo", json("{\"metadata\":{\"name\":\"db-1\"},"
        + "\"addressType\":\"IPv4\",\"endpoints\":[{\"addresses\":[\"10.1.0.5\"]}],\"ports\":[{\"port\":5432}]}"));
    assertEquals(Json.MAPPER.readTree("{\"name\":\"\",\"port\":5432,\"protocol\":\"TCP\"}"), slice.at("/ports/0"));
  }

  /** SetDefaults_Service, including what it drops: the e2e "switch session affinity" PUTs None with the old config. */
  @Test
  void serviceDefaultsAsSetDefaultsService() throws ApiException {
    ObjectNode created = registry.create(ResourceTypes.SERVICES, "demo", json("{\"metadata\":{\"name\":\"web\"},"
        + "\"spec\":{\"sessionAffinity\":\"ClientIP\",\"externalIPs\":[\"203.0.113.7\"],"
        + "\"ports\":[{\"name\":\"a\",\"port\":80,\"targetPort\":0},{\"name\":\"b\",\"port\":81,\"targetPort\":\"\"}]}}"));
    assertEquals(10800, created.at("/spec/sessionAffinityConfig/clientIP/timeoutSeconds").asInt());
    assertEquals("Cluster", created.at("/spec/externalTrafficPolicy").asText(), "externally accessible by externalIPs");
    assertEquals(80, created.at("/spec/ports/0/targetPort").asInt());
    assertEquals(81, created.at("/spec/ports/1/targetPort").asInt());

    ObjectNode none = created.deepCopy();
    ((ObjectNode) none.get("spec")).put("sessionAffinity", "None");
    ObjectNode updated = registry.update(ResourceTypes.SERVICES, "demo", "web", none, null);
    assertEquals("None", updated.at("/spec/sessionAffinity").asText());
    assertTrue(updated.at("/spec/sessionAffinityConfig").isMissingNode(), updated.toString());
  }

  @Test
  void aLoadBalancerIngressWithAnIpIsAVipUnlessToldOtherwise() throws ApiException {
    registry.create(ResourceTypes.SERVICES, "demo", json("{\"metadata\":{\"name\":\"lb\"},"
        + "\"spec\":{\"type\":\"LoadBalancer\",\"loadBalancerClass\":\"example.com/vip\",\"ports\":[{\"port\":80}]}}"));
    ObjectNode patched = registry.patch(ResourceTypes.SERVICES, "demo", "lb", PatchType.MERGE_PATCH,
        json("{\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"203.0.113.1\"},"
            + "{\"ip\":\"203.0.113.2\",\"ipMode\":\"Proxy\"},{\"hostname\":\"lb.example.com\"}]}}}"), "status").object();
    assertEquals(json("{\"ingress\":[{\"ip\":\"203.0.113.1\",\"ipMode\":\"VIP\"},"
        + "{\"ip\":\"203.0.113.2\",\"ipMode\":\"Proxy\"},{\"hostname\":\"lb.example.com\"}]}"),
        patched.at("/status/loadBalancer"));
  }

  @Test
  void generateNameAddsAFiveCharacterSuffix() throws ApiException {
    ObjectNode created = registry.create(ResourceTypes.CONFIGMAPS, "demo", json("{\"metadata\":{\"generateName\":\"cfg-\"}}"));
    assertTrue(created.at("/metadata/name").asText().matches("cfg-[bcdfghjklmnpqrstvwxz2456789]{5}"),
        created.at("/metadata/name").asText());
  }

  @Test
  void podsGetTheProbeAndLinkDefaultsOfKubeApiserver() throws ApiException {
    ObjectNode pod = registry.create(ResourceTypes.PODS, "demo", json("{\"metadata\":{\"name\":\"p\"},"
        + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\","
        + "\"readinessProbe\":{\"httpGet\":{\"port\":8080},\"periodSeconds\":2,\"failureThreshold\":0},"
        + "\"livenessProbe\":{\"tcpSocket\":{\"port\":8080}}}]}}"));
    assertEquals(json("{\"httpGet\":{\"port\":8080,\"path\":\"/\",\"scheme\":\"HTTP\"},\"periodSeconds\":2,"
        + "\"failureThreshold\":3,\"timeoutSeconds\":1,\"successThreshold\":1}"),
        pod.at("/spec/containers/0/readinessProbe"));
    assertEquals(json("{\"tcpSocket\":{\"port\":8080},\"timeoutSeconds\":1,\"periodSeconds\":10,"
        + "\"successThreshold\":1,\"failureThreshold\":3}"), pod.at("/spec/containers/0/livenessProbe"));
    assertTrue(pod.at("/spec/enableServiceLinks").asBoolean());
    // the priority is the Priority admission plugin's (PriorityAdmissionTest), not defaulting's
    assertTrue(pod.at("/spec/priority").isMissingNode());
  }

  @Test
  void podsRequestWhatTheyLimitAndGetTheirQosClass() throws ApiException {
    ObjectNode guaranteed = pod("g", "{\"limits\":{\"cpu\":\"100m\",\"memory\":\"64Mi\"}}", null);
    ObjectNode burstable = pod("b", "{\"requests\":{\"cpu\":\"100m\"}}", null);
    ObjectNode initLimited = pod("i", null, "{\"limits\":{\"cpu\":\"1\",\"memory\":\"1Gi\"}}");
    ObjectNode higherLimit = pod("h", "{\"requests\":{\"cpu\":\"100m\",\"memory\":\"64Mi\"},"
        + "\"limits\":{\"cpu\":\"200m\",\"memory\":\"64Mi\"}}", null);
    ObjectNode bestEffort = pod("e", null, null);

    assertEquals(json("{\"cpu\":\"100m\",\"memory\":\"64Mi\"}"), guaranteed.at("/spec/containers/0/resources/requests"));
    assertEquals("Guaranteed", guaranteed.at("/status/qosClass").asText());
    assertEquals("Burstable", burstable.at("/status/qosClass").asText());
    assertEquals("Burstable", initLimited.at("/status/qosClass").asText(), "the app container sets no limits");
    assertEquals("Burstable", higherLimit.at("/status/qosClass").asText());
    assertEquals("BestEffort", bestEffort.at("/status/qosClass").asText());
    ObjectNode template = registry.create(ResourceTypes.DEPLOYMENTS, "demo", json("{\"metadata\":{\"name\":\"d\"},"
        + "\"spec\":{\"selector\":{\"matchLabels\":{\"a\":\"b\"}},\"template\":{\"metadata\":{\"labels\":"
        + "{\"a\":\"b\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"resources\":"
        + "{\"limits\":{\"cpu\":\"1\"}}}]}}}}"));
    assertTrue(template.at("/spec/template/spec/containers/0/resources/requests").isMissingNode(),
        "templates keep what they say");
  }

  @Test
  void aPodStoredWithoutTodaysDefaultsTakesStatusUpdates() throws ApiException {
    ObjectNode created = pod("old", "{\"limits\":{\"cpu\":\"1\"}}", null);
    // as an older Gantry stored it: no requests defaulted from the limits
    ObjectNode stored = created.deepCopy();
    ((ObjectNode) stored.at("/spec/containers/0/resources")).remove("requests");
    store.txn(List.of(), List.of(io.gantry.control.server.store.Op.put(ResourceTypes.PODS.key("demo", "old"),
        stored.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    ObjectNode running = registry.get(ResourceTypes.PODS, "demo", "old");
    ((ObjectNode) running.get("status")).put("phase", "Running");

    assertEquals("Running", registry.update(ResourceTypes.PODS, "demo", "old", running, "status")
        .at("/status/phase").asText());
  }

  private ObjectNode pod(String name, String resources, String initResources) throws ApiException {
    String container = "{\"name\":\"c\",\"image\":\"i\"" + (resources == null ? "" : ",\"resources\":" + resources) + "}";
    String init = initResources == null ? "" : ",\"initContainers\":[{\"name\":\"init\",\"image\":\"i\","
        + "\"resources\":" + initResources + "}]";
    return registry.create(ResourceTypes.PODS, "demo", json("{\"metadata\":{\"name\":\"" + name + "\"},"
        + "\"spec\":{\"containers\":[" + container + "]" + init + "}}"));
  }

  @Test
  void theSystemNamespacesMayNotBeDeleted() throws ApiException {
    for (String name : List.of("default", "kube-system", "kube-public")) {
      registry.create(ResourceTypes.NAMESPACES, null, json("{\"metadata\":{\"name\":\"" + name + "\"}}"));
      ApiException e = assertThrows(ApiException.class,
          () -> registry.delete(ResourceTypes.NAMESPACES, null, name, DeleteOptions.DEFAULT));
      assertEquals(403, e.code());
      assertEquals("namespaces \"" + name + "\" is forbidden: this namespace may not be deleted", e.getMessage());
    }
    registry.delete(ResourceTypes.NAMESPACES, null, "demo", DeleteOptions.DEFAULT); // others may
  }

  @Test
  void duplicateCreateIsAlreadyExists() throws ApiException {
    registry.create(ResourceTypes.CONFIGMAPS, "demo", json("{\"metadata\":{\"name\":\"a\"}}"));
    ApiException e = assertThrows(ApiException.class,
        () -> registry.create(ResourceTypes.CONFIGMAPS, "demo", json("{\"metadata\":{\"name\":\"a\"}}")));
    assertEquals(409, e.code());
    assertEquals("AlreadyExists", e.reason());
    assertEquals("configmaps \"a\" already exists", e.getMessage());
  }

  @Test
  void namespacedObjectsNeedAnExistingNamespace() {
    ApiException e = assertThrows(ApiException.class,
        () -> registry.create(ResourceTypes.CONFIGMAPS, "nope", json("{\"metadata\":{\"name\":\"a\"}}")));
    assertEquals(404, e.code());
    assertEquals("namespaces \"nope\" not found", e.getMessage());
  }

  @Test
  void staleResourceVersionIsAConflict() throws ApiException {
    ObjectNode created = registry.create(ResourceTypes.CONFIGMAPS, "demo", json("{\"metadata\":{\"name\":\"a\"},\"data\":{\"k\":\"1\"}}"));
    ObjectNode first = created.deepCopy();
    ((ObjectNode) first.get("data")).put("k", "2");
    registry.update(ResourceTypes.CONFIGMAPS, "demo", "a", first, null);

    ObjectNode stale = created.deepCopy();
    ((ObjectNode) stale.get("data")).put("k", "3");
    ApiException e = assertThrows(ApiException.class,
        () -> registry.update(ResourceTypes.CONFIGMAPS, "demo", "a", stale, null));
    assertEquals(409, e.code());
    assertEquals("2", registry.get(ResourceTypes.CONFIGMAPS, "demo", "a").at("/data/k").asText());
  }

  @Test
  void generationBumpsOnSpecChangesOnly() throws ApiException {
    ObjectNode created = registry.create(ResourceTypes.DEPLOYMENTS, "demo", deployment("web", 2));
    ObjectNode labelled = created.deepCopy();
    ((ObjectNode) labelled.get("metadata")).putObject("labels").put("team", "net");
    ObjectNode afterLabel = registry.update(ResourceTypes.DEPLOYMENTS, "demo", "web", labelled, null);
    assertEquals(1, afterLabel.at("/metadata/generation").asInt());

    ObjectNode scaled = afterLabel.deepCopy();
    ((ObjectNode) scaled.get("spec")).put("replicas", 5);
    ObjectNode afterScale = registry.update(ResourceTypes.DEPLOYMENTS, "demo", "web", scaled, null);
    assertEquals(2, afterScale.at("/metadata/generation").asInt());

    // a Deployment's annotations are copied to its ReplicaSets, so they count as spec (deployment strategy)
    ObjectNode annotated = afterScale.deepCopy();
    ((ObjectNode) annotated.get("metadata")).putObject("annotations").put("note", "x");
    ObjectNode afterAnnotation = registry.update(ResourceTypes.DEPLOYMENTS, "demo", "web", annotated, null);
    assertEquals(3, afterAnnotation.at("/metadata/generation").asInt());
    // through /status they do not, as the deployment controller writes its revision annotation
    ObjectNode revised = afterAnnotation.deepCopy();
    ((ObjectNode) revised.at("/metadata/annotations")).put("deployment.kubernetes.io/revision", "1");
    assertEquals(3, registry.update(ResourceTypes.DEPLOYMENTS, "demo", "web", revised, "status")
        .at("/metadata/generation").asInt());
    // other kinds count only their spec
    ObjectNode rs = registry.create(ResourceTypes.CONFIGMAPS, "demo", json("{\"metadata\":{\"name\":\"c\"}}"));
    ((ObjectNode) rs.get("metadata")).putObject("annotations").put("note", "x");
    assertTrue(registry.update(ResourceTypes.CONFIGMAPS, "demo", "c", rs, null).at("/metadata/generation").asInt(0) <= 1);
  }

  @Test
  void aDeploymentsStatusWriteKeepsItsLabels() throws ApiException {
    ObjectNode created = registry.create(ResourceTypes.DEPLOYMENTS, "demo", deployment("web", 2));
    ObjectNode withStatus = created.deepCopy();
    withStatus.putObject("status").put("replicas", 7);
    ((ObjectNode) withStatus.get("metadata")).putObject("labels").put("st", "x");
    ObjectNode written = registry.update(ResourceTypes.DEPLOYMENTS, "demo", "web", withStatus, "status");
    assertEquals(7, written.at("/status/replicas").asInt());
    assertTrue(written.at("/metadata/labels/st").isMissingNode(), written.at("/metadata").toString());
  }

  @Test
  void statusSubresourceChangesOnlyStatusAndMainResourceKeepsIt() throws ApiException {
    ObjectNode created = registry.create(ResourceTypes.DEPLOYMENTS, "demo", deployment("web", 2));
    ObjectNode withStatus = created.deepCopy();
    withStatus.putObject("status").put("replicas", 2);
    ((ObjectNode) withStatus.get("spec")).put("replicas", 9);
    ObjectNode afterStatus = registry.update(ResourceTypes.DEPLOYMENTS, "demo", "web", withStatus, "status");
    assertEquals(2, afterStatus.at("/status/replicas").asInt());
    assertEquals(2, afterStatus.at("/spec/replicas").asInt(), "spec is ignored by /status");

    ObjectNode clobber = afterStatus.deepCopy();
    clobber.putObject("status").put("replicas", 0);
    ObjectNode afterMain = registry.update(ResourceTypes.DEPLOYMENTS, "demo", "web", clobber, null);
    assertEquals(2, afterMain.at("/status/replicas").asInt(), "status is ignored by the main resource");
  }

  /** The e2e "service status lifecycle": a merge patch of /status with an annotation keeps the annotation. */
  @Test
  void statusWritesKeepTheLabelsAndAnnotationsSentWithThem() throws ApiException {
    registry.create(ResourceTypes.SERVICES, "demo", json("{\"metadata\":{\"name\":\"lb\",\"labels\":{\"a\":\"1\"}},"
        + "\"spec\":{\"type\":\"LoadBalancer\",\"loadBalancerClass\":\"example.com/vip\",\"ports\":[{\"port\":80}]}}"));
    ObjectNode patched = registry.patch(ResourceTypes.SERVICES, "demo", "lb", PatchType.MERGE_PATCH,
        json("{\"metadata\":{\"annotations\":{\"patchedstatus\":\"true\"}},\"spec\":{\"type\":\"ClusterIP\"},"
            + "\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"203.0.113.1\"}]}}}"), "status").object();
    assertEquals("true", patched.at("/metadata/annotations/patchedstatus").asText());
    assertEquals("1", patched.at("/metadata/labels/a").asText());
    assertEquals("203.0.113.1", patched.at("/status/loadBalancer/ingress/0/ip").asText());
    assertEquals("LoadBalancer", patched.at("/spec/type").asText(), "spec is ignored by /status");
  }

  @Test
  void noOpUpdateDoesNotWrite() throws ApiException {
    ObjectNode created = registry.create(ResourceTypes.CONFIGMAPS, "demo", json("{\"metadata\":{\"name\":\"a\"}}"));
    long before = store.currentRevision();
    ObjectNode same = registry.update(ResourceTypes.CONFIGMAPS, "demo", "a", created, null);
    assertEquals(before, store.currentRevision());
    assertEquals(created.at("/metadata/resourceVersion"), same.at("/metadata/resourceVersion"));
  }

  @Test
  void statusRewrittenWithTheSameNumbersAsLongsIsNoChange() throws ApiException {
    ObjectNode created = registry.create(ResourceTypes.DEPLOYMENTS, "demo", deployment("web", 2));
    ObjectNode withStatus = created.deepCopy();
    withStatus.putObject("status").put("replicas", 2).put("observedGeneration", 1);
    ObjectNode stored = registry.update(ResourceTypes.DEPLOYMENTS, "demo", "web", withStatus, "status");
    long before = store.currentRevision();

    ObjectNode again = stored.deepCopy();
    again.putObject("status").put("replicas", 2L).put("observedGeneration", 1L);
    ObjectNode result = registry.update(ResourceTypes.DEPLOYMENTS, "demo", "web", again, "status");

    assertEquals(before, store.currentRevision(), "identical content must not be written again");
    assertEquals(stored.at("/metadata/resourceVersion"), result.at("/metadata/resourceVersion"));
  }

  @Test
  void mergePatchLandsAndKeepsOtherFields() throws ApiException {
    registry.create(ResourceTypes.CONFIGMAPS, "demo", json("{\"metadata\":{\"name\":\"a\"},\"data\":{\"x\":\"1\"}}"));
    ObjectNode patched = registry.patch(ResourceTypes.CONFIGMAPS, "demo", "a", PatchType.MERGE_PATCH,
        json("{\"metadata\":{\"labels\":{\"l\":\"v\"}},\"data\":{\"y\":\"2\"}}"), null).object();
    assertEquals("1", patched.at("/data/x").asText());
    assertEquals("2", patched.at("/data/y").asText());
    assertEquals("v", patched.at("/metadata/labels/l").asText());
  }

  @Test
  void serverSideApplyCreatesMissingObjects() throws ApiException {
    ObjectRegistry.PatchOutcome outcome = registry.patch(ResourceTypes.CONFIGMAPS, "demo", "applied",
        PatchType.APPLY_PATCH, json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"applied\"},"
            + "\"data\":{\"a\":\"b\"}}"), null);
    assertTrue(outcome.created());
    assertEquals("b", registry.get(ResourceTypes.CONFIGMAPS, "demo", "applied").at("/data/a").asText());
  }

  @Test
  void serverSideApplyRemovesWhatTheSameManagerStopsApplying() throws ApiException {
    String first = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"ssa\"},"
        + "\"data\":{\"a\":\"1\",\"b\":\"2\"}}";
    registry.patch(ResourceTypes.CONFIGMAPS, "demo", "ssa", PatchType.APPLY_PATCH, json(first), null, "kubectl");
    registry.patch(ResourceTypes.CONFIGMAPS, "demo", "ssa", PatchType.MERGE_PATCH,
        json("{\"data\":{\"c\":\"3\"}}"), null, "other");

    String second = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"ssa\"},"
        + "\"data\":{\"a\":\"1\"}}";
    ObjectNode result = registry.patch(ResourceTypes.CONFIGMAPS, "demo", "ssa", PatchType.APPLY_PATCH, json(second),
        null, "kubectl").object();

    assertEquals("1", result.at("/data/a").asText());
    assertTrue(result.at("/data/b").isMissingNode(), "b was applied by kubectl only and then left out");
    assertEquals("3", result.at("/data/c").asText(), "c belongs to another manager");
  }

  @Test
  void applyRecordsOwnershipAndAnswersConflictsWithOtherManagers() throws ApiException {
    registry.patch(ResourceTypes.DEPLOYMENTS, "demo", "web", PatchType.APPLY_PATCH, deployment("web", 2), null, "a");
    ObjectNode stored = registry.get(ResourceTypes.DEPLOYMENTS, "demo", "web");
    JsonNode entry = stored.at("/metadata/managedFields/0");
    assertEquals("a", entry.get("manager").asText(), stored::toString);
    assertEquals("Apply", entry.get("operation").asText());
    assertEquals("apps/v1", entry.get("apiVersion").asText());
    assertEquals("FieldsV1", entry.get("fieldsType").asText());
    assertEquals("2026-01-02T03:04:05Z", entry.get("time").asText());
    assertTrue(entry.at("/fieldsV1/f:spec/f:replicas").isObject(), entry::toString);

    ApiException conflict = assertThrows(ApiException.class, () -> registry.patch(ResourceTypes.DEPLOYMENTS, "demo",
        "web", PatchType.APPLY_PATCH, deployment("web", 5), null, "b"));
    assertEquals(409, conflict.code());
    assertEquals("Conflict", conflict.reason());
    assertEquals("Apply failed with 1 conflict: conflict with \"a\": .spec.replicas", conflict.getMessage());
    assertEquals(2, registry.get(ResourceTypes.DEPLOYMENTS, "demo", "web").at("/spec/replicas").asInt());

    registry.patch(ResourceTypes.DEPLOYMENTS, "demo", "web", PatchType.APPLY_PATCH, deployment("web", 5), null, "b",
        true);
    ObjectNode forced = registry.get(ResourceTypes.DEPLOYMENTS, "demo", "web");
    assertEquals(5, forced.at("/spec/replicas").asInt());
    assertEquals(2, forced.at("/metadata/generation").asInt(), "the spec changed once more");
    for (JsonNode managed : forced.at("/metadata/managedFields")) {
      boolean owns = managed.at("/fieldsV1/f:spec/f:replicas").isObject();
      assertEquals(managed.get("manager").asText().equals("b"), owns, forced::toString);
    }
  }

  @Test
  void anApplyConfigurationMayNotCarryManagedFields() {
    ApiException refused = assertThrows(ApiException.class, () -> registry.patch(ResourceTypes.CONFIGMAPS, "demo",
        "m", PatchType.APPLY_PATCH, json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"m\","
            + "\"managedFields\":[{\"manager\":\"x\"}]}}"), null, "a"));
    assertEquals(400, refused.code());
    assertEquals("metadata.managedFields must be nil", refused.getMessage());
  }

  @Test
  void updatesTakeTheFieldsTheyChange() throws ApiException {
    registry.as("creator").create(ResourceTypes.CONFIGMAPS, "demo",
        json("{\"metadata\":{\"name\":\"u\",\"labels\":{\"app\":\"u\"}},\"data\":{\"a\":\"1\",\"b\":\"2\"}}"));
    registry.patch(ResourceTypes.CONFIGMAPS, "demo", "u", PatchType.MERGE_PATCH, json("{\"data\":{\"a\":\"9\"}}"),
        null, "editor");
    JsonNode managed = registry.get(ResourceTypes.CONFIGMAPS, "demo", "u").at("/metadata/managedFields");

    assertEquals(2, managed.size(), managed::toString);
    JsonNode creator = managed.get(0);
    JsonNode editor = managed.get(1);
    assertEquals("creator", creator.get("manager").asText(), managed::toString);
    assertEquals("Update", creator.get("operation").asText());
    assertEquals(json("{\"f:data\":{\".\":{},\"f:b\":{}},"
        + "\"f:metadata\":{\"f:labels\":{\".\":{},\"f:app\":{}}}}"), creator.get("fieldsV1"));
    assertEquals(json("{\"f:data\":{\"f:a\":{}}}"), editor.get("fieldsV1"));
  }

  @Test
  void clientsResetManagedFieldsOnlyWithASingleEmptyEntry() throws ApiException {
    ObjectRegistry client = registry.forRequest("kubectl-patch");
    client.create(ResourceTypes.CONFIGMAPS, "demo", json("{\"metadata\":{\"name\":\"r\"},\"data\":{\"a\":\"1\"}}"));
    ObjectNode kept = client.patch(ResourceTypes.CONFIGMAPS, "demo", "r", PatchType.MERGE_PATCH,
        json("{\"metadata\":{\"managedFields\":[]}}"), null).object();
    assertEquals(1, kept.at("/metadata/managedFields").size(), "an empty list keeps ownership: " + kept);

    ObjectNode reset = client.patch(ResourceTypes.CONFIGMAPS, "demo", "r", PatchType.MERGE_PATCH,
        json("{\"metadata\":{\"managedFields\":[{}]}}"), null).object();
    assertFalse(reset.get("metadata").has("managedFields"), reset::toString);
  }

  @Test
  void inProcessWritersCannotRewriteOwnershipWithAStaleCopy() throws ApiException {
    ObjectNode stale = registry.as("controller").create(ResourceTypes.CONFIGMAPS, "demo",
        json("{\"metadata\":{\"name\":\"c\"},\"data\":{\"a\":\"1\"}}"));
    registry.patch(ResourceTypes.CONFIGMAPS, "demo", "c", PatchType.APPLY_PATCH,
        json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"},\"data\":{\"b\":\"2\"}}"),
        null, "user");
    ObjectNode current = registry.get(ResourceTypes.CONFIGMAPS, "demo", "c");
    long revision = store.currentRevision();

    // a controller writes back what it read before the apply, without a resourceVersion
    ObjectNode body = current.deepCopy();
    ((ObjectNode) body.get("metadata")).set("managedFields", stale.at("/metadata/managedFields"));
    ((ObjectNode) body.get("metadata")).remove("resourceVersion");
    ObjectNode written = registry.as("controller").update(ResourceTypes.CONFIGMAPS, "demo", "c", body, null);

    assertEquals(revision, store.currentRevision(), "nothing changed, so nothing was written");
    assertEquals(current.at("/metadata/managedFields"), written.at("/metadata/managedFields"));
  }

  @Test
  void legacyAppliedConfigurationsBecomeOwnershipOnTheFirstApply() throws ApiException {
    // the store as an older Gantry left it: an object without managedFields, the configuration beside it
    ObjectNode legacy = registry.create(ResourceTypes.CONFIGMAPS, "demo",
        json("{\"metadata\":{\"name\":\"old\"},\"data\":{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\"}}"));
    ((ObjectNode) legacy.get("metadata")).remove("managedFields");
    String key = ResourceTypes.CONFIGMAPS.key("demo", "old");
    store.update(key, StoredObjects.encode(ResourceTypes.CONFIGMAPS, legacy), store.get(key).orElseThrow().modRevision());
    String applied = AppliedConfigurations.prefix(ResourceTypes.CONFIGMAPS, "demo", "old") + "kubectl";
    store.create(applied, Json.bytes(json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
        + "\"metadata\":{\"name\":\"old\"},\"data\":{\"a\":\"1\",\"b\":\"2\"}}")));

    ObjectNode result = registry.patch(ResourceTypes.CONFIGMAPS, "demo", "old", PatchType.APPLY_PATCH,
        json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"old\"},"
            + "\"data\":{\"a\":\"1\"}}"), null, "kubectl").object();

    assertTrue(result.at("/data/b").isMissingNode(), "b was kubectl's and is no longer applied: " + result);
    assertEquals("3", result.at("/data/c").asText(), "c was nobody's applied field: " + result);
    assertEquals(0, store.range("/registry/applied/", null, 0).kvs().size(), "the old layout is gone");
    JsonNode managed = result.at("/metadata/managedFields");
    assertEquals("kubectl", managed.get(0).get("manager").asText(), managed::toString);
    assertEquals("before-first-apply", managed.get(1).get("manager").asText(), managed::toString);
    assertTrue(managed.get(1).at("/fieldsV1/f:data/f:c").isObject(), managed::toString);
  }

  @Test
  void secretStringDataIsEncodedIntoData() throws ApiException {
    ObjectNode secret = registry.create(ResourceTypes.SECRETS, "demo",
        json("{\"metadata\":{\"name\":\"s\"},\"stringData\":{\"password\":\"hunter2\"}}"));
    assertFalse(secret.has("stringData"));
    assertEquals("aHVudGVyMg==", secret.at("/data/password").asText());
    assertEquals("Opaque", secret.get("type").asText());
  }

  @Test
  void wrongFieldTypeIsABadRequest() {
    ApiException e = assertThrows(ApiException.class,
        () -> registry.create(ResourceTypes.DEPLOYMENTS, "demo", json(
            "{\"metadata\":{\"name\":\"w\"},\"spec\":{\"replicas\":\"many\"}}")));
    assertEquals(400, e.code());
    assertTrue(e.getMessage().startsWith("Deployment in version \"v1\" cannot be handled as a Deployment"),
        e.getMessage());
  }

  /** Go decodes a JSON scalar only into its own kind: Jackson's coercions would store what Go clients cannot read. */
  @Test
  void scalarsOfTheWrongKindAreABadRequestNotCoerced() {
    List<String[]> wrong = List.of(
        new String[] {"configmaps", "{\"metadata\":{\"name\":\"c\"},\"data\":{\"a\":true}}", "bool into Go struct field data.a of type string"},
        new String[] {"configmaps", "{\"metadata\":{\"name\":\"c\",\"labels\":{\"v\":1}}}", "number into Go struct field metadata.labels.v of type string"},
        new String[] {"pods", "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\","
            + "\"image\":\"i\",\"env\":[{\"name\":\"X\",\"value\":5}]}]}}", "number into Go struct field spec.containers[0].env[0].value of type string"},
        new String[] {"deployments", "{\"metadata\":{\"name\":\"d\"},\"spec\":{\"replicas\":\"3\"}}", "string into Go struct field spec.replicas of type int32"},
        new String[] {"pods", "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"hostNetwork\":\"true\","
            + "\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}", "string into Go struct field spec.hostNetwork of type bool"},
        new String[] {"pods", "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"hostNetwork\":-1,"
            + "\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}", "number into Go struct field spec.hostNetwork of type bool"},
        new String[] {"pods", "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"terminationGracePeriodSeconds\":1.5,"
            + "\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}",
            "number 1.5 into Go struct field spec.terminationGracePeriodSeconds of type int64"},
        new String[] {"deployments", "{\"metadata\":{\"name\":\"d\"},\"spec\":{\"replicas\":true}}",
            "bool into Go struct field spec.replicas of type int32"},
        // IntOrString.UnmarshalJSON takes anything but a string as its int32
        new String[] {"deployments", "{\"metadata\":{\"name\":\"d\"},\"spec\":{\"strategy\":{\"rollingUpdate\":"
            + "{\"maxSurge\":true}}}}", "bool into Go struct field spec.strategy.rollingUpdate.maxSurge of type int32"},
        new String[] {"deployments", "{\"metadata\":{\"name\":\"d\"},\"spec\":{\"strategy\":{\"rollingUpdate\":"
            + "{\"maxSurge\":1.5}}}}", "number 1.5 into Go struct field spec.strategy.rollingUpdate.maxSurge of type int32"},
        new String[] {"configmaps", "{\"metadata\":{\"name\":\"c\"},\"immutable\":1}",
            "number into Go struct field immutable of type bool"},
        new String[] {"pods", "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":{}}}",
            "object into Go struct field spec.containers of type []"},
        new String[] {"configmaps", "{\"metadata\":{\"name\":\"c\"},\"data\":[]}",
            "array into Go struct field data of type map"});
    for (String[] c : wrong) {
      var type = c[0].equals("pods") ? ResourceTypes.PODS
          : c[0].equals("deployments") ? ResourceTypes.DEPLOYMENTS : ResourceTypes.CONFIGMAPS;
      ApiException e = assertThrows(ApiException.class, () -> registry.create(type, "demo", json(c[1])), c[1]);
      assertEquals(400, e.code(), c[1]);
      assertTrue(e.getMessage().contains(": json: cannot unmarshal " + c[2]), e.getMessage());
    }
    // what kube-apiserver takes either way still decodes: int-or-string ports and quantities
    assertTrue(assertDoesNotThrow(() -> registry.create(ResourceTypes.PODS, "demo", json(
        "{\"metadata\":{\"name\":\"ok\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\","
            + "\"resources\":{\"limits\":{\"cpu\":1,\"memory\":\"64Mi\"}},"
            + "\"readinessProbe\":{\"httpGet\":{\"port\":\"http\"}},\"livenessProbe\":{\"tcpSocket\":{\"port\":80}}}]}}")))
        .has("spec"));
  }

  @Test
  void deletingANamespaceMarksItTerminatingAndBlocksNewContent() throws ApiException {
    ObjectNode marked = registry.delete(ResourceTypes.NAMESPACES, null, "demo", DeleteOptions.DEFAULT);
    assertEquals("Terminating", marked.at("/status/phase").asText());
    assertTrue(ObjectMeta.isDeleting(marked));
    ApiException e = assertThrows(ApiException.class,
        () -> registry.create(ResourceTypes.CONFIGMAPS, "demo", json("{\"metadata\":{\"name\":\"late\"}}")));
    assertEquals(403, e.code());
    assertEquals("configmaps \"late\" is forbidden: unable to create new content in namespace demo because it is"
        + " being terminated", e.getMessage());
    // client-go's HasStatusCause(err, NamespaceTerminatingCause), which controllers use to let it pass
    assertEquals("{\"reason\":\"NamespaceTerminating\",\"message\":\"namespace demo is being terminated\","
        + "\"field\":\"metadata.namespace\"}", e.toStatus().at("/details/causes/0").toString());
  }

  @Test
  void aTerminatingNamespaceWaitsForTheFinalizersOfItsContents() throws ApiException {
    registry.create(ResourceTypes.CONFIGMAPS, "demo",
        json("{\"metadata\":{\"name\":\"held\",\"finalizers\":[\"example.com/hold\"]}}"));
    registry.create(ResourceTypes.CONFIGMAPS, "demo", json("{\"metadata\":{\"name\":\"loose\"}}"));
    registry.delete(ResourceTypes.NAMESPACES, null, "demo", DeleteOptions.DEFAULT);
    var finalizer = new io.gantry.control.server.controller.NamespaceFinalizer(registry, Duration.ZERO);

    assertEquals(0, finalizer.runOnce());
    ObjectNode held = registry.get(ResourceTypes.CONFIGMAPS, "demo", "held");
    assertTrue(ObjectMeta.isDeleting(held), "marked, kept for its finalizer: " + held);
    assertTrue(registry.find(ResourceTypes.CONFIGMAPS, "demo", "loose").isEmpty());
    ObjectNode namespace = registry.get(ResourceTypes.NAMESPACES, null, "demo");
    assertEquals("Terminating", namespace.at("/status/phase").asText());
    assertEquals(List.of(DISCOVERED, PARSED, DELETED,
        "NamespaceContentRemaining True Some resources are remaining: configmaps. has 1 resource "
        + "instances", "NamespaceFinalizersRemaining True Some content in the namespace has finalizers remaining: "
        + "example.com/hold in 1 resource instances"), conditions(namespace));

    ObjectNode released = held.deepCopy();
    ((ObjectNode) released.get("metadata")).remove("finalizers");
    registry.update(ResourceTypes.CONFIGMAPS, "demo", "held", released, null);
    assertEquals(1, finalizer.runOnce());
    assertTrue(registry.find(ResourceTypes.NAMESPACES, null, "demo").isEmpty());
  }

  @Test
  void aNamespacesOwnFinalizersHoldItUntilTheirOwnersLetGo() throws ApiException {
    // spec.finalizers asked for are kept beside kubernetes' own; a bad one is refused
    ObjectNode spec = registry.create(ResourceTypes.NAMESPACES, null,
        json("{\"metadata\":{\"name\":\"spec-held\"},\"spec\":{\"finalizers\":[\"example.com/spec\"]}}"));
    assertEquals("[\"example.com/spec\",\"kubernetes\"]", spec.at("/spec/finalizers").toString());
    ApiException bad = assertThrows(ApiException.class, () -> registry.create(ResourceTypes.NAMESPACES, null,
        json("{\"metadata\":{\"name\":\"bad\"},\"spec\":{\"finalizers\":[\"bad finalizer!\"]}}")));
    assertEquals(422, bad.code());
    registry.create(ResourceTypes.NAMESPACES, null,
        json("{\"metadata\":{\"name\":\"meta-held\",\"finalizers\":[\"example.com/meta\"]}}"));
    var finalizer = new io.gantry.control.server.controller.NamespaceFinalizer(registry, Duration.ZERO);
    registry.delete(ResourceTypes.NAMESPACES, null, "spec-held", DeleteOptions.DEFAULT);
    registry.delete(ResourceTypes.NAMESPACES, null, "meta-held", DeleteOptions.DEFAULT);

    finalizer.runOnce();
    ObjectNode waiting = registry.get(ResourceTypes.NAMESPACES, null, "spec-held");
    assertEquals("[\"example.com/spec\"]", waiting.at("/spec/finalizers").toString(), "kubernetes' own is done");
    assertTrue(registry.find(ResourceTypes.NAMESPACES, null, "meta-held").isPresent(), "held by its metadata finalizer");

    // PUT .../finalize: the only way to change spec.finalizers; an empty list lets the namespace go
    ObjectNode finalized = waiting.deepCopy();
    ((ObjectNode) finalized.get("spec")).putArray("finalizers");
    registry.update(ResourceTypes.NAMESPACES, null, "spec-held", finalized, "finalize");
    assertTrue(registry.find(ResourceTypes.NAMESPACES, null, "spec-held").isEmpty());
    ObjectNode released = registry.get(ResourceTypes.NAMESPACES, null, "meta-held").deepCopy();
    ((ObjectNode) released.get("metadata")).remove("finalizers");
    registry.update(ResourceTypes.NAMESPACES, null, "meta-held", released, null);
    assertTrue(registry.find(ResourceTypes.NAMESPACES, null, "meta-held").isEmpty());
  }

  @Test
  void aTerminatingNamespaceDeletesItsPodsGracefully() throws ApiException {
    registry.create(ResourceTypes.NODES, null, json("{\"metadata\":{\"name\":\"n1\"}}"));
    registry.create(ResourceTypes.PODS, "demo", pod("running", "n1"));
    registry.delete(ResourceTypes.NAMESPACES, null, "demo", DeleteOptions.DEFAULT);
    var finalizer = new io.gantry.control.server.controller.NamespaceFinalizer(registry, Duration.ZERO);

    assertEquals(0, finalizer.runOnce());
    ObjectNode terminating = registry.get(ResourceTypes.PODS, "demo", "running");
    assertEquals(30, terminating.at("/metadata/deletionGracePeriodSeconds").asInt(), terminating.toString());
    assertEquals(List.of(DISCOVERED, PARSED, DELETED,
        "NamespaceContentRemaining True Some resources are remaining: pods. has 1 resource instances",
        "NamespaceFinalizersRemaining False All content-preserving finalizers finished"),
        conditions(registry.get(ResourceTypes.NAMESPACES, null, "demo")));

    registry.forceDelete(ResourceTypes.PODS, "demo", "running"); // what the node agent does once the pod stopped
    assertEquals(1, finalizer.runOnce());
  }

  /** The namespace controller's conditions for what did not fail, as it writes them every time. */
  private static final String DISCOVERED = "NamespaceDeletionDiscoveryFailure False All resources successfully discovered";
  private static final String PARSED =
      "NamespaceDeletionGroupVersionParsingFailure False All legacy kube types successfully parsed";
  private static final String DELETED =
      "NamespaceDeletionContentFailure False All content successfully deleted, may be waiting on finalization";

  private static List<String> conditions(ObjectNode object) {
    List<String> out = new java.util.ArrayList<>();
    object.at("/status/conditions").forEach(c -> out.add(c.path("type").asText() + " " + c.path("status").asText()
        + " " + c.path("message").asText()));
    return out;
  }

  @Test
  void podOnALiveNodeGetsAGracePeriodAndUnboundPodGoesAtOnce() throws ApiException {
    registry.create(ResourceTypes.NODES, null, json("{\"metadata\":{\"name\":\"n1\"}}"));
    registry.create(ResourceTypes.PODS, "demo", pod("bound", "n1"));
    registry.create(ResourceTypes.PODS, "demo", pod("loose", ""));

    ObjectNode terminating = registry.delete(ResourceTypes.PODS, "demo", "bound", DeleteOptions.DEFAULT);
    assertEquals("2026-01-02T03:04:35Z", terminating.at("/metadata/deletionTimestamp").asText());
    assertEquals(30, terminating.at("/metadata/deletionGracePeriodSeconds").asInt());
    assertTrue(registry.find(ResourceTypes.PODS, "demo", "bound").isPresent());

    registry.delete(ResourceTypes.PODS, "demo", "loose", DeleteOptions.DEFAULT);
    assertTrue(registry.find(ResourceTypes.PODS, "demo", "loose").isEmpty());

    registry.delete(ResourceTypes.PODS, "demo", "bound", new DeleteOptions(0L, null, null, null));
    assertTrue(registry.find(ResourceTypes.PODS, "demo", "bound").isEmpty(), "grace 0 deletes at once");
  }

  @Test
  void bytesThatAreNotPaddedBase64AreABadRequest() throws ApiException {
    assertEquals(-1, GoBase64.firstBadByte("eA=="));
    assertEquals(-1, GoBase64.firstBadByte("YWJj\nZGVm"));
    assertEquals(6, GoBase64.firstBadByte("APIKEY_BASE64"));
    assertEquals(0, GoBase64.firstBadByte("eA"), "no padding: the unfinished quantum");
    assertEquals(4, GoBase64.firstBadByte("eA==eA=="), "nothing after the padding");
    ApiException e = assertThrows(ApiException.class, () -> registry.create(ResourceTypes.SECRETS, "demo",
        json("{\"metadata\":{\"name\":\"s\"},\"data\":{\"key\":\"APIKEY_BASE64\"}}")));
    assertEquals(400, e.code());
    assertEquals("Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 6",
        e.getMessage());
    assertThrows(ApiException.class, () -> registry.create(ResourceTypes.CONFIGMAPS, "demo",
        json("{\"metadata\":{\"name\":\"c\"},\"binaryData\":{\"k\":\"eA\"}}")));
    assertEquals("eA==", registry.create(ResourceTypes.SECRETS, "demo",
        json("{\"metadata\":{\"name\":\"ok\"},\"data\":{\"k\":\"eA==\"}}")).at("/data/k").asText());
  }

  @Test
  void timesAreStoredInTheirCanonicalFormAndOneThatIsNoTimeIsABadRequest() throws ApiException {
    ObjectNode event = registry.create(ResourceTypes.EVENTS, "demo", json("""
        {"metadata":{"name":"e"},"involvedObject":{"namespace":"demo","name":"x"},"reason":"R","type":"Normal",
         "firstTimestamp":"2024-01-01T02:00:00.5+02:00","lastTimestamp":"2024-01-01T00:00:01Z",
         "eventTime":"2024-01-01T00:00:00.123Z","reportingComponent":"c","reportingInstance":"i","action":"A"}"""));
    assertEquals("2024-01-01T00:00:00Z", event.path("firstTimestamp").asText(), "metav1.Time: UTC, to the second");
    assertEquals("2024-01-01T00:00:00.123000Z", event.path("eventTime").asText(), "MicroTime: six digits");
    ObjectNode lease = registry.create(ResourceTypes.LEASES, "demo", json(
        "{\"metadata\":{\"name\":\"l\"},\"spec\":{\"renewTime\":\"2024-01-01T00:00:00.123456789Z\"}}"));
    assertEquals("2024-01-01T00:00:00.123456Z", lease.at("/spec/renewTime").asText());

    ApiException garbage = assertThrows(ApiException.class, () -> registry.create(ResourceTypes.EVENTS, "demo",
        json("{\"metadata\":{\"name\":\"g\"},\"involvedObject\":{\"namespace\":\"demo\"},\"reason\":\"R\","
            + "\"lastTimestamp\":\"garbage\"}")));
    assertEquals(400, garbage.code());
    assertTrue(garbage.getMessage().startsWith("Event in version \"v1\" cannot be handled as a Event: parsing time"
        + " \"garbage\""), garbage.getMessage());
    ObjectNode patched = event.deepCopy();
    patched.put("lastTimestamp", "not-a-time");
    assertThrows(ApiException.class, () -> registry.update(ResourceTypes.EVENTS, "demo", "e", patched, null));
  }

  @Test
  void anEnvFieldRefDefaultsToV1AndAFieldEnvCannotTakeIsRefused() throws ApiException {
    String env = "{\"metadata\":{\"name\":\"%s\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\","
        + "\"env\":[{\"name\":\"X\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"%s\"}}}]}]}}";
    ObjectNode pod = registry.create(ResourceTypes.PODS, "demo", json(env.formatted("named", "metadata.name")));
    assertEquals("v1", pod.at("/spec/containers/0/env/0/valueFrom/fieldRef/apiVersion").asText());
    ApiException e = assertThrows(ApiException.class,
        () -> registry.create(ResourceTypes.PODS, "demo", json(env.formatted("phased", "status.phase"))));
    assertEquals(422, e.code());
    assertTrue(e.getMessage().contains("fieldRef.fieldPath: Unsupported value: \"status.phase\""), e.getMessage());
  }

  @Test
  void aPodHeldByAFinalizerGoesWithItOnceItsNodeAgentIsDone() throws ApiException {
    registry.create(ResourceTypes.NODES, null, json("{\"metadata\":{\"name\":\"n1\"}}"));
    for (String name : new String[] {"early", "late"}) {
      ObjectNode pod = pod(name, "n1");
      ((ObjectNode) pod.get("metadata")).putArray("finalizers").add("example.com/hold");
      registry.create(ResourceTypes.PODS, "demo", pod);
      registry.delete(ResourceTypes.PODS, "demo", name, DeleteOptions.DEFAULT);
    }

    // the finalizer goes while the grace period runs: the pod waits for its node agent's final delete
    registry.patch(ResourceTypes.PODS, "demo", "early", PatchType.MERGE_PATCH,
        json("{\"metadata\":{\"finalizers\":null}}"), null);
    assertTrue(registry.find(ResourceTypes.PODS, "demo", "early").isPresent(), "still in its grace period");
    registry.delete(ResourceTypes.PODS, "demo", "early", new DeleteOptions(0L, null, null, null));
    assertTrue(registry.find(ResourceTypes.PODS, "demo", "early").isEmpty());

    // the node agent's final delete comes first: grace 0 is recorded, and the finalizer's removal deletes
    ObjectNode done = registry.delete(ResourceTypes.PODS, "demo", "late", new DeleteOptions(0L, null, null, null));
    assertEquals(0, done.at("/metadata/deletionGracePeriodSeconds").asInt(-1));
    registry.patch(ResourceTypes.PODS, "demo", "late", PatchType.MERGE_PATCH,
        json("{\"metadata\":{\"finalizers\":null}}"), null);
    assertTrue(registry.find(ResourceTypes.PODS, "demo", "late").isEmpty(), "gone with its last finalizer");
  }

  @Test
  void finalizersHoldDeletionUntilRemoved() throws ApiException {
    registry.create(ResourceTypes.CONFIGMAPS, "demo",
        json("{\"metadata\":{\"name\":\"held\",\"finalizers\":[\"example.com/hold\"]}}"));
    ObjectNode marked = registry.delete(ResourceTypes.CONFIGMAPS, "demo", "held", DeleteOptions.DEFAULT);
    assertTrue(ObjectMeta.isDeleting(marked));
    assertNotEquals(java.util.Optional.empty(), registry.find(ResourceTypes.CONFIGMAPS, "demo", "held"));

    registry.patch(ResourceTypes.CONFIGMAPS, "demo", "held", PatchType.MERGE_PATCH,
        json("{\"metadata\":{\"finalizers\":null}}"), null);
    assertTrue(registry.find(ResourceTypes.CONFIGMAPS, "demo", "held").isEmpty());
  }

  @Test
  void listPagesWithContinueTokens() throws ApiException {
    for (int i = 0; i < 5; i++) {
      registry.create(ResourceTypes.CONFIGMAPS, "demo", json("{\"metadata\":{\"name\":\"c" + i + "\"}}"));
    }
    registry.create(ResourceTypes.NAMESPACES, null, json("{\"metadata\":{\"name\":\"other\"}}"));
    registry.create(ResourceTypes.CONFIGMAPS, "other", json("{\"metadata\":{\"name\":\"c0\"}}"));
    registry.create(ResourceTypes.CONFIGMAPS, "other", json("{\"metadata\":{\"name\":\"c2\"}}"));
    ListResult first = registry.list(ResourceTypes.CONFIGMAPS, "demo", null, null, 2, null);
    assertEquals(2, first.items().size());
    ListResult second = registry.list(ResourceTypes.CONFIGMAPS, "demo", null, null, 2, first.continueToken());
    ListResult third = registry.list(ResourceTypes.CONFIGMAPS, "demo", null, null, 2, second.continueToken());
    assertEquals("c2", ObjectMeta.name(second.items().get(0)));
    assertEquals(1, third.items().size());
    assertEquals(null, third.continueToken());

    // malformed tokens, in kube-apiserver's storage's words
    ApiException notBase64 = assertThrows(ApiException.class,
        () -> registry.list(ResourceTypes.CONFIGMAPS, "demo", null, null, 2, "abc.def"));
    assertEquals(400, notBase64.code());
    assertEquals("invalid continue token: continue key is not valid: illegal base64 data at input byte 3",
        notBase64.getMessage());
    ApiException notJson = assertThrows(ApiException.class,
        () -> registry.list(ResourceTypes.CONFIGMAPS, "demo", null, null, 2, "bm90IGpzb24"));
    assertEquals("invalid continue token: continue key is not valid: invalid character looking for beginning of"
        + " value", notJson.getMessage());
    // as kube-apiserver's, the token's key is relative to the list: another list continues after the same name
    assertEquals(List.of("c2"), registry.list(ResourceTypes.CONFIGMAPS, "other", null, null, 2, first.continueToken())
        .items().stream().map(ObjectMeta::name).toList());
    String escaping = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
        "{\"v\":\"gantry.v1\",\"rv\":1,\"start\":\"../secrets/x\"}".getBytes(StandardCharsets.UTF_8));
    ApiException traversal = assertThrows(ApiException.class,
        () -> registry.list(ResourceTypes.CONFIGMAPS, "demo", null, null, 2, escaping));
    assertEquals("invalid continue token: continue key is not valid: ../secrets/x", traversal.getMessage());
  }

  @Test
  void thePagesOfAListAreOneSnapshotAtTheFirstPagesVersion() throws ApiException {
    for (int i = 0; i < 5; i++) {
      registry.create(ResourceTypes.CONFIGMAPS, "demo", json("{\"metadata\":{\"name\":\"c" + i + "\"}}"));
    }
    ListResult first = registry.list(ResourceTypes.CONFIGMAPS, "demo", null, null, 2, null);
    assertEquals(3L, first.remaining());
    registry.delete(ResourceTypes.CONFIGMAPS, "demo", "c2", DeleteOptions.DEFAULT);
    registry.create(ResourceTypes.CONFIGMAPS, "demo", json("{\"metadata\":{\"name\":\"c3a\"}}"));
    registry.patch(ResourceTypes.CONFIGMAPS, "demo", "c4", PatchType.MERGE_PATCH, json("{\"data\":{\"k\":\"v\"}}"), null);

    ListResult second = registry.list(ResourceTypes.CONFIGMAPS, "demo", null, null, 2, first.continueToken());
    ListResult third = registry.list(ResourceTypes.CONFIGMAPS, "demo", null, null, 2, second.continueToken());

    assertEquals(List.of("c2", "c3"), second.items().stream().map(ObjectMeta::name).toList());
    assertEquals(List.of("c4"), third.items().stream().map(ObjectMeta::name).toList());
    assertTrue(third.items().getFirst().path("data").isMissingNode(), third.items().getFirst()::toString);
    assertEquals(first.resourceVersion(), second.resourceVersion());
    assertEquals(first.resourceVersion(), third.resourceVersion());
    assertEquals(1L, second.remaining());
    assertNotEquals(first.resourceVersion(), store.currentRevision());
  }

  @Test
  void aContinueTokenWithoutAResourceVersionIsRefused() {
    String token = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
        "{\"v\":\"gantry.v1\",\"start\":\"c1\"}".getBytes(StandardCharsets.UTF_8));
    ApiException e = assertThrows(ApiException.class,
        () -> registry.list(ResourceTypes.CONFIGMAPS, "demo", null, null, 2, token));
    assertEquals(400, e.code());
    assertEquals("invalid continue token: continue key is not valid: incorrect encoded start resourceVersion"
        + " (version gantry.v1)", e.getMessage());
  }

  @Test
  void aCreatedReplicaSetsStatusCountsZeroReplicasAsItsTypeHasNoOmitempty() throws ApiException {
    ObjectNode rs = registry.create(ResourceTypes.REPLICASETS, "demo", json("""
        {"metadata":{"name":"r"},"spec":{"selector":{"matchLabels":{"app":"r"}},
         "template":{"metadata":{"labels":{"app":"r"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}},
         "status":{"replicas":7,"readyReplicas":7}}"""));
    assertEquals(json("{\"replicas\":0}"), rs.get("status"));
  }

  private static ObjectNode deployment(String name, int replicas) {
    return json("""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"%s"},
         "spec":{"replicas":%d,"selector":{"matchLabels":{"app":"%s"}},
          "template":{"metadata":{"labels":{"app":"%s"}},
           "spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}}}
        """.formatted(name, replicas, name, name));
  }

  private static ObjectNode pod(String name, String node) {
    return json("""
        {"metadata":{"name":"%s"},"spec":{"nodeName":"%s","containers":[{"name":"c","image":"busybox"}]}}
        """.formatted(name, node));
  }

  private static ObjectNode json(String text) {
    try {
      return (ObjectNode) Json.parse(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
