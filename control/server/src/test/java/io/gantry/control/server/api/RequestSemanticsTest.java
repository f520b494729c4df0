package io.gantry.control.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.sqlite.SqliteStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the REST verbs answer, through {@link ApiRouter}, where the Kubernetes API concepts define it. */
class RequestSemanticsTest {

  private static final String CONFIGMAPS = "/api/v1/namespaces/default/configmaps";

  @TempDir
  Path dir;
  private SqliteStore store;
  private ObjectRegistry registry;
  private ApiRouter router;

  @BeforeEach
  void open() throws Exception {
    store = SqliteStore.open(dir.resolve("store.db"));
    registry = new ObjectRegistry(store, Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC));
    registry.create(ResourceTypes.NAMESPACES, null, json("{\"metadata\":{\"name\":\"default\"}}"));
    router = new ApiRouter(registry, "test");
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void deleteOfAnObjectThatGoesAtOnceAnswersASuccessStatusWithItsUid() throws Exception {
    ObjectNode created = registry.create(ResourceTypes.CONFIGMAPS, "default", json("{\"metadata\":{\"name\":\"cm\"}}"));

    ApiResponse response = send("DELETE", CONFIGMAPS + "/cm", Map.of(), "");

    assertEquals(200, response.status());
    ObjectNode status = body(response);
    assertEquals("Status", status.path("kind").asText(), status::toString);
    assertEquals("Success", status.path("status").asText(), status::toString);
    assertEquals("cm", status.at("/details/name").asText(), status::toString);
    assertEquals("configmaps", status.at("/details/kind").asText(), status::toString);
    assertEquals(created.at("/metadata/uid").asText(), status.at("/details/uid").asText(), status::toString);
  }

  @Test
  void deleteOfAnObjectHeldByAFinalizerAnswersTheMarkedObject() throws Exception {
    registry.create(ResourceTypes.CONFIGMAPS, "default",
        json("{\"metadata\":{\"name\":\"cm\",\"finalizers\":[\"example.com/hold\"]}}"));

    ApiResponse response = send("DELETE", CONFIGMAPS + "/cm", Map.of(), "");

    assertEquals(200, response.status());
    ObjectNode object = body(response);
    assertEquals("ConfigMap", object.path("kind").asText(), object::toString);
    assertFalse(object.at("/metadata/deletionTimestamp").asText().isEmpty(), object::toString);
  }

  @Test
  void removingTheLastLabelLeavesNoEmptyLabelMap() throws Exception {
    registry.create(ResourceTypes.CONFIGMAPS, "default",
        json("{\"metadata\":{\"name\":\"cm\",\"labels\":{\"a\":\"1\"},\"annotations\":{\"b\":\"2\"}}}"));

    ApiResponse response = router.handle(new ApiRequest("PATCH", CONFIGMAPS + "/cm", Map.of(), "application/json",
        "application/merge-patch+json",
        "{\"metadata\":{\"labels\":{\"a\":null},\"annotations\":{\"b\":null}}}".getBytes(StandardCharsets.UTF_8)));

    assertEquals(200, response.status());
    ObjectNode metadata = (ObjectNode) body(response).get("metadata");
    assertFalse(metadata.has("labels"), metadata::toString);
    assertFalse(metadata.has("annotations"), metadata::toString);
  }

  @Test
  void strictFieldValidationRefusesUnknownAndDuplicateFields() {
    String body = """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","unknownMeta":"x"},
         "spec":{"replicas":1,"replicas":2,"unknownField":"x","selector":{"matchLabels":{"app":"web"}},
          "template":{"metadata":{"labels":{"app":"web"}},
           "spec":{"containers":[{"name":"web","image":"nginx","unknownNested":"x"}]}}}}""";

    ApiResponse response = send("POST", "/apis/apps/v1/namespaces/default/deployments",
        Map.of("fieldValidation", List.of("Strict")), body);

    assertEquals(400, response.status());
    String message = body(response).path("message").asText();
    for (String expected : List.of("strict decoding error", "unknown field \"metadata.unknownMeta\"",
        "unknown field \"spec.unknownField\"", "unknown field \"spec.template.spec.containers[0].unknownNested\"",
        "duplicate field \"spec.replicas\"")) {
      assertTrue(message.contains(expected), () -> expected + " missing from " + message);
    }
  }

  @Test
  void quantitiesAndIntOrStringsAreNotTakenForObjectsWithUnknownFields() {
    ApiResponse response = send("POST", "/api/v1/nodes", Map.of("fieldValidation", List.of("Strict")), """
        {"metadata":{"name":"n1"},"status":{"capacity":{"cpu":"2","memory":"1Gi"},"allocatable":{"pods":"110"}}}""");
    ApiResponse service = send("POST", "/api/v1/namespaces/default/services", Map.of("fieldValidation", List.of("Strict")),
        "{\"metadata\":{\"name\":\"s\"},\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":\"http\"}]}}");

    assertEquals(201, response.status(), () -> body(response).toString());
    assertEquals(List.of(), response.warnings());
    assertEquals(201, service.status(), () -> body(service).toString());
  }

  @Test
  void unknownFieldsAreWarningsByDefaultAndNothingUnderIgnore() {
    String body = "{\"metadata\":{\"name\":\"%s\"},\"data\":{\"k\":\"v\"},\"extra\":1}";

    ApiResponse warned = send("POST", CONFIGMAPS, Map.of(), body.formatted("warned"));
    ApiResponse ignored = send("POST", CONFIGMAPS, Map.of("fieldValidation", List.of("Ignore")), body.formatted("ignored"));

    assertEquals(201, warned.status());
    assertEquals(List.of("unknown field \"extra\""), warned.warnings());
    assertEquals(201, ignored.status());
    assertEquals(List.of(), ignored.warnings());
  }

  @Test
  void aMergePatchIsCheckedButItsDirectivesAreNotFields() throws Exception {
    registry.create(ResourceTypes.CONFIGMAPS, "default", json("{\"metadata\":{\"name\":\"cm\"}}"));

    ApiResponse response = router.handle(new ApiRequest("PATCH", CONFIGMAPS + "/cm",
        Map.of("fieldValidation", List.of("Strict")), "application/json", "application/strategic-merge-patch+json",
        "{\"$patch\":\"merge\",\"data\":{\"a\":\"b\"},\"dataa\":{}}".getBytes(StandardCharsets.UTF_8)));

    assertEquals(400, response.status());
    assertTrue(body(response).path("message").asText().endsWith("strict decoding error: unknown field \"dataa\""),
        () -> body(response).toString());
  }

  @Test
  void namespacesCarryTheirNameAsALabelThatClientsCannotChange() {
    ApiResponse created = send("POST", "/api/v1/namespaces", Map.of(), "{\"metadata\":{\"name\":\"team-a\"}}");
    ApiResponse patched = router.handle(new ApiRequest("PATCH", "/api/v1/namespaces/team-a", Map.of(),
        "application/json", "application/merge-patch+json",
        "{\"metadata\":{\"labels\":{\"kubernetes.io/metadata.name\":\"other\",\"x\":\"y\"}}}"
            .getBytes(StandardCharsets.UTF_8)));

    assertEquals(201, created.status());
    assertEquals("team-a", body(created).at("/metadata/labels/kubernetes.io~1metadata.name").asText());
    assertEquals(200, patched.status(), () -> body(patched).toString());
    assertEquals("team-a", body(patched).at("/metadata/labels/kubernetes.io~1metadata.name").asText());
    assertEquals("y", body(patched).at("/metadata/labels/x").asText());
  }

  @Test
  void pagedListsCountTheRemainingItemsAndContinueWhereTheyStopped() throws Exception {
    for (String name : List.of("a", "b", "c", "d", "e")) {
      registry.create(ResourceTypes.CONFIGMAPS, "default", json("{\"metadata\":{\"name\":\"" + name + "\"}}"));
    }

    ObjectNode first = body(send("GET", CONFIGMAPS, Map.of("limit", List.of("2")), ""));
    ObjectNode second = body(send("GET", CONFIGMAPS,
        Map.of("limit", List.of("2"), "continue", List.of(first.at("/metadata/continue").asText())), ""));
    ObjectNode selected = body(send("GET", CONFIGMAPS,
        Map.of("limit", List.of("2"), "labelSelector", List.of("!x")), ""));

    assertEquals(3, first.at("/metadata/remainingItemCount").asInt(), first::toString);
    assertEquals(List.of("c", "d"), names(second));
    assertEquals(1, second.at("/metadata/remainingItemCount").asInt(), second::toString);
    assertFalse(selected.path("metadata").has("remainingItemCount"), "not counted under a selector: " + selected);
  }

  private static List<String> names(ObjectNode list) {
    List<String> names = new java.util.ArrayList<>();
    list.path("items").forEach(item -> names.add(item.at("/metadata/name").asText()));
    return names;
  }

  @Test
  void resourceVersionMatchWithoutAResourceVersionIsInvalid() {
    ApiResponse response = send("GET", CONFIGMAPS, Map.of("resourceVersionMatch", List.of("NotOlderThan")), "");

    assertEquals(422, response.status());
    ObjectNode status = body(response);
    assertEquals("Invalid", status.path("reason").asText(), status::toString);
    assertEquals("ListOptions", status.at("/details/kind").asText(), status::toString);
    assertEquals("resourceVersionMatch", status.at("/details/causes/0/field").asText(), status::toString);
  }

  @Test
  void aTimeoutThatIsNoNumberIsABadRequest() {
    ApiResponse response = send("GET", CONFIGMAPS, Map.of("timeoutSeconds", List.of("abc")), "");

    assertEquals(400, response.status(), () -> body(response).toString());
    assertEquals("timeoutSeconds: strconv.ParseInt: parsing \"abc\": invalid syntax",
        body(response).path("message").asText());
  }

  @Test
  void aResourceVersionTooLargeForANumberIsABadRequest() {
    ApiResponse response = send("GET", CONFIGMAPS, Map.of("resourceVersion", List.of("99999999999999999999999")), "");

    assertEquals(400, response.status(), () -> body(response).toString());
  }

  @Test
  void exactMatchAtResourceVersionZeroIsInvalid() {
    ApiResponse response = send("GET", CONFIGMAPS,
        Map.of("resourceVersionMatch", List.of("Exact"), "resourceVersion", List.of("0")), "");

    assertEquals(422, response.status(), () -> body(response).toString());
  }

  @Test
  void exactListIsReadAtItsVersionUntilCompactionDiscardsIt() throws Exception {
    registry.create(ResourceTypes.CONFIGMAPS, "default", json("{\"metadata\":{\"name\":\"a\"}}"));
    String then = Long.toString(store.currentRevision());
    registry.create(ResourceTypes.CONFIGMAPS, "default", json("{\"metadata\":{\"name\":\"b\"}}"));

    ApiResponse exact = send("GET", CONFIGMAPS,
        Map.of("resourceVersionMatch", List.of("Exact"), "resourceVersion", List.of(then)), "");
    ApiResponse limited = send("GET", CONFIGMAPS, Map.of("resourceVersion", List.of(then), "limit", List.of("5")), "");
    ApiResponse notOlderThan = send("GET", CONFIGMAPS, Map.of("resourceVersion", List.of(then)), "");

    assertEquals(200, exact.status(), () -> body(exact).toString());
    assertEquals(then, body(exact).at("/metadata/resourceVersion").asText());
    assertEquals(List.of("a"), names(body(exact)));
    // with a limit and no match, a resourceVersion is exact too, as the API concepts' table says
    assertEquals(then, body(limited).at("/metadata/resourceVersion").asText());
    assertEquals(List.of("a"), names(body(limited)));
    assertEquals(Long.toString(store.currentRevision()), body(notOlderThan).at("/metadata/resourceVersion").asText());
    assertEquals(List.of("a", "b"), names(body(notOlderThan)));

    store.compact(store.currentRevision());
    ApiResponse compacted = send("GET", CONFIGMAPS,
        Map.of("resourceVersionMatch", List.of("Exact"), "resourceVersion", List.of(then)), "");
    assertEquals(410, compacted.status(), () -> body(compacted).toString());
    assertEquals("Expired", body(compacted).path("reason").asText());
    assertEquals("The resourceVersion for the provided list is too old.", body(compacted).path("message").asText());
  }

  @Test
  void aListAtResourceVersionZeroIsServedWholeWhateverTheLimit() throws Exception {
    for (String name : List.of("a", "b", "c")) {
      registry.create(ResourceTypes.CONFIGMAPS, "default", json("{\"metadata\":{\"name\":\"" + name + "\"}}"));
    }
    ObjectNode whole = body(send("GET", CONFIGMAPS, Map.of("limit", List.of("1"), "resourceVersion", List.of("0")), ""));
    ObjectNode paged = body(send("GET", CONFIGMAPS, Map.of("limit", List.of("1")), ""));

    assertEquals(List.of("a", "b", "c"), names(whole));
    assertTrue(whole.at("/metadata/continue").isMissingNode(), whole::toString);
    assertEquals(List.of("a"), names(paged));
  }

  @Test
  void theRestOfAListWhoseVersionWasCompactedComesWithTheTokenOfA410() throws Exception {
    for (String name : List.of("a", "b", "c")) {
      registry.create(ResourceTypes.CONFIGMAPS, "default", json("{\"metadata\":{\"name\":\"" + name + "\"}}"));
    }
    ObjectNode first = body(send("GET", CONFIGMAPS, Map.of("limit", List.of("1")), ""));
    registry.create(ResourceTypes.CONFIGMAPS, "default", json("{\"metadata\":{\"name\":\"d\"}}"));
    store.compact(store.currentRevision());

    ApiResponse expired = send("GET", CONFIGMAPS,
        Map.of("limit", List.of("1"), "continue", List.of(first.at("/metadata/continue").asText())), "");
    assertEquals(410, expired.status(), () -> body(expired).toString());
    assertTrue(body(expired).path("message").asText().startsWith("The provided continue parameter is too old"));
    String inconsistent = body(expired).at("/metadata/continue").asText();
    assertFalse(inconsistent.isEmpty(), () -> body(expired).toString());
    assertTrue(body(expired).path("message").asText().endsWith("may show up in the list." + inconsistent));

    ObjectNode rest = body(send("GET", CONFIGMAPS, Map.of("limit", List.of("5"), "continue", List.of(inconsistent)), ""));
    assertEquals(List.of("b", "c", "d"), names(rest));
    assertEquals(Long.toString(store.currentRevision()), rest.at("/metadata/resourceVersion").asText());
  }

  @Test
  void listAtAResourceVersionTheServerHasNotReachedTimesOut() {
    String ahead = Long.toString(store.currentRevision() + 1000);

    ApiResponse response = send("GET", CONFIGMAPS,
        Map.of("resourceVersionMatch", List.of("NotOlderThan"), "resourceVersion", List.of(ahead)), "");

    assertEquals(504, response.status());
    ObjectNode status = body(response);
    assertEquals("Timeout", status.path("reason").asText(), status::toString);
    assertEquals("ResourceVersionTooLarge", status.at("/details/causes/0/reason").asText(), status::toString);
  }

  @Test
  void aGetAtAResourceVersionTheServerHasNotReachedTimesOutAndOneItHasIsServed() throws Exception {
    registry.create(ResourceTypes.CONFIGMAPS, "default", json("{\"metadata\":{\"name\":\"cm\"}}"));
    String ahead = Long.toString(store.currentRevision() + 1000);

    ApiResponse response = send("GET", CONFIGMAPS + "/cm", Map.of("resourceVersion", List.of(ahead)), "");
    ApiResponse current = send("GET", CONFIGMAPS + "/cm",
        Map.of("resourceVersion", List.of(Long.toString(store.currentRevision()))), "");

    assertEquals(504, response.status(), () -> body(response).toString());
    assertEquals("ResourceVersionTooLarge", body(response).at("/details/causes/0/reason").asText());
    assertEquals(200, current.status(), () -> body(current).toString());
  }

  @Test
  void aSingleObjectsTableCarriesItsResourceVersion() throws Exception {
    ObjectNode cm = registry.create(ResourceTypes.CONFIGMAPS, "default", json("{\"metadata\":{\"name\":\"t\"}}"));
    ApiResponse table = router.handle(new ApiRequest("GET", CONFIGMAPS + "/t", Map.of(),
        "application/json;as=Table;v=v1;g=meta.k8s.io", "", new byte[0]));

    assertEquals(200, table.status());
    assertEquals("Table", body(table).path("kind").asText());
    assertEquals(cm.at("/metadata/resourceVersion").asText(), body(table).at("/metadata/resourceVersion").asText());
  }

  @Test
  void metadataOnlyClientsGetPartialObjectMetadata() throws Exception {
    registry.create(ResourceTypes.CONFIGMAPS, "default", json("{\"metadata\":{\"name\":\"cm\"},\"data\":{\"k\":\"v\"}}"));
    String accept = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

    ObjectNode list = Json.parseObject(router.handle(new ApiRequest("GET", CONFIGMAPS, Map.of(), accept, "", null)).body());
    ObjectNode one = Json.parseObject(router.handle(new ApiRequest("GET", CONFIGMAPS + "/cm", Map.of(),
        "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1", "", null)).body());

    assertEquals("PartialObjectMetadataList", list.path("kind").asText(), list::toString);
    assertEquals("meta.k8s.io/v1", list.path("apiVersion").asText(), list::toString);
    assertEquals("PartialObjectMetadata", list.at("/items/0/kind").asText(), list::toString);
    assertFalse(list.path("items").get(0).has("data"), list::toString);
    assertEquals("cm", one.at("/metadata/name").asText(), one::toString);
    assertFalse(one.has("data"), one::toString);
  }

  @Test
  void yamlIsServedWhenAskedForAndAnUnservedMediaTypeIsNotAcceptable() throws Exception {
    registry.create(ResourceTypes.CONFIGMAPS, "default", json("{\"metadata\":{\"name\":\"cm\"}}"));

    ApiResponse yaml = router.handle(new ApiRequest("GET", CONFIGMAPS + "/cm", Map.of(), "application/yaml", "", null));
    ApiResponse html = router.handle(new ApiRequest("GET", CONFIGMAPS + "/cm", Map.of(), "text/html", "", null));

    assertEquals("application/yaml", yaml.contentType());
    assertTrue(new String(yaml.body(), StandardCharsets.UTF_8).contains("name: \"cm\""),
        () -> new String(yaml.body(), StandardCharsets.UTF_8));
    assertEquals(406, html.status());
    assertEquals("NotAcceptable", body(html).path("reason").asText());
  }

  @Test
  void malformedDeleteOptionsAreRefusedAndTheObjectStays() throws Exception {
    registry.create(ResourceTypes.CONFIGMAPS, "default", json("{\"metadata\":{\"name\":\"cm\"}}"));

    ApiResponse grace = send("DELETE", CONFIGMAPS + "/cm", Map.of("gracePeriodSeconds", List.of("soon")), "");
    ApiResponse policy = send("DELETE", CONFIGMAPS + "/cm", Map.of(), "{\"propagationPolicy\":\"Eventually\"}");
    ApiResponse queried = send("DELETE", CONFIGMAPS + "/cm", Map.of("propagationPolicy", List.of("Eventually")), "");

    assertEquals(400, grace.status(), () -> body(grace).toString());
    assertEquals(422, policy.status(), () -> body(policy).toString());
    assertEquals("propagationPolicy", body(policy).at("/details/causes/0/field").asText());
    assertEquals(422, queried.status(), () -> body(queried).toString());
    // ValidateDeleteOptions: the deprecated boolean and the policy together
    ApiResponse both = send("DELETE", CONFIGMAPS + "/cm", Map.of(),
        "{\"orphanDependents\":true,\"propagationPolicy\":\"Foreground\"}");
    assertEquals(422, both.status(), () -> body(both).toString());
    assertEquals("DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Invalid value: \"Foreground\":"
        + " orphanDependents and deletionPropagation cannot be both set", body(both).path("message").asText());
    assertTrue(registry.find(ResourceTypes.CONFIGMAPS, "default", "cm").isPresent());
  }

  @Test
  void aPatchOfAnUnknownTypeIs415NamingThePatchTypes() throws Exception {
    registry.create(ResourceTypes.CONFIGMAPS, "default", json("{\"metadata\":{\"name\":\"cm\"}}"));

    ApiResponse response = router.handle(new ApiRequest("PATCH", CONFIGMAPS + "/cm", Map.of(), "application/json",
        "text/plain", "data".getBytes(StandardCharsets.UTF_8)));

    assertEquals(415, response.status());
    assertEquals("UnsupportedMediaType", body(response).path("reason").asText());
    assertTrue(body(response).path("message").asText().contains("application/strategic-merge-patch+json"));
  }

  @Test
  void generateNameIsCutSoThatTheGeneratedNameFits() {
    String base = "a".repeat(70);

    ApiResponse response = send("POST", CONFIGMAPS, Map.of(), "{\"metadata\":{\"generateName\":\"" + base + "\"}}");

    assertEquals(201, response.status(), () -> body(response).toString());
    String name = body(response).at("/metadata/name").asText();
    assertEquals(63, name.length(), name);
    assertTrue(name.startsWith("a".repeat(58)), name);
  }

  @Test
  void aPutNamingAnotherUidFailsItsPreconditionAndAPatchMayNotChangeIt() throws Exception {
    ObjectNode created = registry.create(ResourceTypes.CONFIGMAPS, "default", json("{\"metadata\":{\"name\":\"cm\"}}"));
    String uid = created.at("/metadata/uid").asText();

    ApiResponse put = send("PUT", CONFIGMAPS + "/cm", Map.of(), "{\"metadata\":{\"name\":\"cm\",\"uid\":\"zzz\"}}");
    ApiResponse patch = sendAs("PATCH", CONFIGMAPS + "/cm", "application/merge-patch+json",
        "{\"metadata\":{\"uid\":\"zzz\"}}");

    assertEquals(409, put.status());
    assertEquals("Operation cannot be fulfilled on configmaps \"cm\": Precondition failed: UID in precondition: zzz, "
        + "UID in object meta: " + uid, body(put).path("message").asText());
    assertEquals(422, patch.status());
    assertEquals("ConfigMap \"cm\" is invalid: metadata.uid: Invalid value: \"zzz\": field is immutable",
        body(patch).path("message").asText());
    assertEquals(uid, registry.get(ResourceTypes.CONFIGMAPS, "default", "cm").at("/metadata/uid").asText());
  }

  @Test
  void anApplyThatCreatesChecksItsUidAndName() throws Exception {
    String path = CONFIGMAPS + "/made";
    ApiResponse withUid = sendAs("PATCH", path + "?fieldManager=t", "application/apply-patch+yaml",
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"made\",\"uid\":\"u1\"}}");
    ApiResponse otherName = sendAs("PATCH", path + "?fieldManager=t", "application/apply-patch+yaml",
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"other\"}}");

    assertEquals(409, withUid.status());
    assertTrue(body(withUid).path("message").asText()
        .endsWith("uid mismatch: the provided object specified uid u1, and no existing object was found"));
    assertEquals(400, otherName.status());
    assertEquals("the name of the object (other) does not match the name on the URL (made)",
        body(otherName).path("message").asText());
    assertTrue(registry.find(ResourceTypes.CONFIGMAPS, "default", "made").isEmpty());
  }

  @Test
  void aCreateNamingAResourceVersionIsRefusedAsTheStorageRefusesIt() {
    ApiResponse response = send("POST", CONFIGMAPS, Map.of(),
        "{\"metadata\":{\"name\":\"cm\",\"resourceVersion\":\"5\"}}");

    assertEquals(500, response.status());
    assertEquals("resourceVersion should not be set on objects to be created", body(response).path("message").asText());
    assertFalse(body(response).has("reason"), "kube-apiserver's Status has no reason for it");
  }

  @Test
  void aListMayNotNameAVersionBesideAContinueToken() throws Exception {
    for (String name : List.of("a", "b", "c")) {
      registry.create(ResourceTypes.CONFIGMAPS, "default", json("{\"metadata\":{\"name\":\"" + name + "\"}}"));
    }
    String token = body(send("GET", CONFIGMAPS, Map.of("limit", List.of("1")), "")).at("/metadata/continue").asText();

    ApiResponse pinned = send("GET", CONFIGMAPS, Map.of("limit", List.of("1"), "continue", List.of(token),
        "resourceVersion", List.of("5")), "");
    ApiResponse zero = send("GET", CONFIGMAPS, Map.of("limit", List.of("1"), "continue", List.of(token),
        "resourceVersion", List.of("0")), "");

    assertEquals(400, pinned.status());
    assertEquals("specifying resource version is not allowed when using continue", body(pinned).path("message").asText());
    assertEquals(200, zero.status());
  }

  @Test
  void aServiceWithFieldsItsTypeIgnoresIsWrittenWithWarnings() {
    ApiResponse clusterIp = send("POST", "/api/v1/namespaces/default/services", Map.of(),
        "{\"metadata\":{\"name\":\"web\"},\"spec\":{\"externalName\":\"db.example.com\",\"ports\":[{\"port\":80}]}}");
    ApiResponse external = send("POST", "/api/v1/namespaces/default/services", Map.of(),
        "{\"metadata\":{\"name\":\"ext\"},\"spec\":{\"type\":\"ExternalName\",\"externalName\":\"db.example.com\","
            + "\"externalIPs\":[\"10.1.2.3\"]}}");
    ApiResponse plain = send("POST", "/api/v1/namespaces/default/services", Map.of(),
        "{\"metadata\":{\"name\":\"plain\"},\"spec\":{\"ports\":[{\"port\":80}]}}");

    assertEquals(201, clusterIp.status());
    assertEquals(List.of("spec.externalName is ignored when spec.type is not \"ExternalName\""), clusterIp.warnings());
    assertEquals(List.of("spec.externalIPs is ignored when spec.type is \"ExternalName\""), external.warnings());
    assertEquals(List.of(), plain.warnings());
  }

  @Test
  void podsAndTemplatesThatAskForVolumesAreWrittenWithAWarningThatNoneIsMounted() {
    ApiResponse pod = send("POST", "/api/v1/namespaces/default/pods", Map.of(),
        "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"gantry/echo-http\","
            + "\"volumeMounts\":[{\"name\":\"cfg\",\"mountPath\":\"/etc/cfg\"}]}],"
            + "\"volumes\":[{\"name\":\"cfg\",\"configMap\":{\"name\":\"cfg\"}}]}}");
    ApiResponse deployment = send("POST", "/apis/apps/v1/namespaces/default/deployments", Map.of(),
        "{\"metadata\":{\"name\":\"d\"},\"spec\":{\"selector\":{\"matchLabels\":{\"a\":\"b\"}},\"template\":"
            + "{\"metadata\":{\"labels\":{\"a\":\"b\"}},\"spec\":{\"containers\":[{\"name\":\"c\","
            + "\"image\":\"gantry/echo-http\"}],\"volumes\":[{\"name\":\"tmp\",\"emptyDir\":{}}]}}}}");
    ApiResponse plain = send("POST", "/api/v1/namespaces/default/pods", Map.of(),
        "{\"metadata\":{\"name\":\"q\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"gantry/echo-http\"}]}}");

    assertEquals(201, pod.status(), pod.toString());
    assertEquals(List.of("spec.volumes: this cluster's node agents mount no volumes; volumeMounts are ignored and "
        + "containers see the node's filesystem"), pod.warnings());
    assertEquals(201, deployment.status());
    assertTrue(deployment.warnings().get(0).startsWith("spec.template.spec.volumes: "), deployment.warnings().toString());
    assertEquals(List.of(), plain.warnings());
  }

  @Test
  void aJsonPatchOfMoreThanTenThousandOperationsIsTooLarge() {
    send("POST", CONFIGMAPS, Map.of(), "{\"metadata\":{\"name\":\"big\"}}");
    StringBuilder ops = new StringBuilder("[");
    for (int i = 0; i <= 10_000; i++) {
      ops.append(i == 0 ? "" : ",").append("{\"op\":\"test\",\"path\":\"/metadata/name\",\"value\":\"big\"}");
    }
    ApiResponse response = router.handle(new ApiRequest("PATCH", CONFIGMAPS + "/big", Map.of(), "application/json",
        "application/json-patch+json", ops.append("]").toString().getBytes(StandardCharsets.UTF_8)));

    assertEquals(413, response.status());
    assertEquals("Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001",
        body(response).path("message").asText());
  }

  @Test
  void aJsonPatchThatIsNoArrayIsABadRequestAndNullIsNoChange() {
    send("POST", CONFIGMAPS, Map.of(), "{\"metadata\":{\"name\":\"p\"}}");
    ApiResponse object = router.handle(new ApiRequest("PATCH", CONFIGMAPS + "/p", Map.of(), "application/json",
        "application/json-patch+json", "{\"op\":\"add\"}".getBytes(StandardCharsets.UTF_8)));
    ApiResponse none = router.handle(new ApiRequest("PATCH", CONFIGMAPS + "/p", Map.of(), "application/json",
        "application/json-patch+json", "null".getBytes(StandardCharsets.UTF_8)));

    assertEquals(400, object.status(), () -> body(object).toString());
    assertEquals("json: cannot unmarshal object into Go value of type jsonpatch.Patch",
        body(object).path("message").asText());
    assertEquals(200, none.status(), () -> body(none).toString());
  }

  @Test
  void theFinalizeSubresourceSetsANamespacesFinalizers() throws Exception {
    send("POST", "/api/v1/namespaces", Map.of(), "{\"metadata\":{\"name\":\"fin\"}}");
    ObjectNode ns = body(send("GET", "/api/v1/namespaces/fin", Map.of(), ""));
    ((ObjectNode) ns.get("spec")).putArray("finalizers").add("kubernetes").add("e2e.example.com/fakeFinalizer");

    ApiResponse put = send("PUT", "/api/v1/namespaces/fin/finalize", Map.of(), ns.toString());
    ApiResponse post = send("POST", "/api/v1/namespaces/fin/finalize", Map.of(), ns.toString());

    assertEquals(200, put.status(), () -> body(put).toString());
    assertEquals("[\"kubernetes\",\"e2e.example.com/fakeFinalizer\"]", body(put).at("/spec/finalizers").toString());
    assertEquals(405, post.status());
  }

  @Test
  void theAllNamespacesCollectionTakesNoCreate() {
    ApiResponse response = send("POST", "/api/v1/configmaps", Map.of(), "{\"metadata\":{\"name\":\"cm\"}}");

    assertEquals(405, response.status());
    assertTrue(registry.find(ResourceTypes.CONFIGMAPS, "default", "cm").isEmpty());
  }

  @Test
  void theAllNamespacesCollectionTakesNoDeleteAndDeletesNothing() throws Exception {
    registry.create(ResourceTypes.CONFIGMAPS, "default", json("{\"metadata\":{\"name\":\"cm\"}}"));

    ApiResponse response = send("DELETE", "/api/v1/configmaps", Map.of(), "");
    ApiResponse deployments = send("DELETE", "/apis/apps/v1/deployments", Map.of("dryRun", List.of("All")), "");

    assertEquals(405, response.status(), () -> body(response).toString());
    assertEquals(405, deployments.status(), () -> body(deployments).toString());
    assertTrue(registry.find(ResourceTypes.CONFIGMAPS, "default", "cm").isPresent());
  }

  @Test
  void namespacesHaveNoDeleteCollection() {
    ApiResponse response = send("DELETE", "/api/v1/namespaces", Map.of(), "");

    assertEquals(405, response.status());
    List<String> verbs = new java.util.ArrayList<>();
    for (var resource : Discovery.resources("v1").orElseThrow().path("resources")) {
      if (resource.path("name").asText().equals("namespaces")) {
        resource.path("verbs").forEach(verb -> verbs.add(verb.asText()));
      }
    }
    assertEquals(List.of("create", "delete", "get", "list", "patch", "update", "watch"), verbs);
  }

  @Test
  void theFirstDeletionMarkRaisesTheGeneration() throws Exception {
    registry.create(ResourceTypes.DEPLOYMENTS, "default", json("{\"metadata\":{\"name\":\"d\"},\"spec\":{"
        + "\"selector\":{\"matchLabels\":{\"a\":\"b\"}},\"template\":{\"metadata\":{\"labels\":{\"a\":\"b\"}},"
        + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}}}"));

    ObjectNode marked = body(send("DELETE", "/apis/apps/v1/namespaces/default/deployments/d", Map.of(),
        "{\"propagationPolicy\":\"Foreground\"}"));
    ObjectNode again = body(send("DELETE", "/apis/apps/v1/namespaces/default/deployments/d", Map.of(),
        "{\"propagationPolicy\":\"Foreground\"}"));

    assertEquals(2, marked.at("/metadata/generation").asInt(), marked::toString);
    assertEquals(2, again.at("/metadata/generation").asInt(), "only the first mark: " + again);
  }

  @Test
  void aPutCreatesTheKindsWhoseStrategiesAllowItAndLeasesNeedAVersion() throws Exception {
    ApiResponse endpoints = send("PUT", "/api/v1/namespaces/default/endpoints/ep", Map.of(),
        "{\"metadata\":{\"name\":\"ep\"}}");
    ApiResponse configMap = send("PUT", CONFIGMAPS + "/absent", Map.of(), "{\"metadata\":{\"name\":\"absent\"}}");
    String leases = "/apis/coordination.k8s.io/v1/namespaces/default/leases";
    ApiResponse lease = send("PUT", leases + "/l1", Map.of(), "{\"metadata\":{\"name\":\"l1\"},\"spec\":{}}");
    ApiResponse unconditional = send("PUT", leases + "/l1", Map.of(),
        "{\"metadata\":{\"name\":\"l1\"},\"spec\":{\"holderIdentity\":\"me\"}}");

    assertEquals(201, endpoints.status(), () -> new String(endpoints.body(), StandardCharsets.UTF_8));
    assertTrue(registry.find(ResourceTypes.ENDPOINTS, "default", "ep").isPresent());
    assertEquals(404, configMap.status());
    assertEquals(201, lease.status());
    assertEquals(422, unconditional.status());
    assertEquals("leases.coordination.k8s.io \"l1\" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be "
        + "specified for an update", body(unconditional).path("message").asText());
  }

  @Test
  void aDisruptionBudgetUpdateMustNameItsVersionAlsoThroughStatus() throws Exception {
    String budgets = "/apis/policy/v1/namespaces/default/poddisruptionbudgets";
    assertEquals(201, send("POST", budgets, Map.of(), "{\"metadata\":{\"name\":\"b\"},\"spec\":{\"minAvailable\":1}}")
        .status());

    ApiResponse spec = send("PUT", budgets + "/b", Map.of(), "{\"metadata\":{\"name\":\"b\"},\"spec\":{\"minAvailable\":3}}");
    ApiResponse status = send("PUT", budgets + "/b/status", Map.of(),
        "{\"metadata\":{\"name\":\"b\"},\"spec\":{\"minAvailable\":1},\"status\":{\"disruptionsAllowed\":4}}");

    assertEquals(422, spec.status());
    assertEquals("poddisruptionbudgets.policy \"b\" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be"
        + " specified for an update", body(spec).path("message").asText());
    assertEquals("metadata.resourceVersion", body(spec).at("/details/causes/0/field").asText());
    assertEquals(422, status.status());
    assertEquals(1, registry.get(ResourceTypes.PODDISRUPTIONBUDGETS, "default", "b").at("/spec/minAvailable").asInt());
  }

  private ApiResponse sendAs(String method, String pathAndQuery, String contentType, String body) {
    String[] parts = pathAndQuery.split("\\?", 2);
    Map<String, List<String>> query = parts.length == 2
        ? Map.of(parts[1].split("=")[0], List.of(parts[1].split("=")[1])) : Map.of();
    return router.handle(new ApiRequest(method, parts[0], query, "application/json", contentType,
        body.getBytes(StandardCharsets.UTF_8)));
  }

  private ApiResponse send(String method, String path, Map<String, List<String>> query, String body) {
    return router.handle(new ApiRequest(method, path, query, "application/json", "application/json",
        body.getBytes(StandardCharsets.UTF_8)));
  }

  private static ObjectNode body(ApiResponse response) {
    return Json.parseObject(response.body());
  }

  private static ObjectNode json(String text) {
    return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
  }
}
