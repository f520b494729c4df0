package io.gantry.control.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /api} and {@code /apis} as APIGroupDiscoveryList, for clients that ask for it. */
class AggregatedDiscoveryTest {

  private static final String V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
  private static final String V2BETA1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";
  /** What kubectl 1.32 sends. */
  private static final String KUBECTL_132 = V2 + "," + V2BETA1 + ",application/json";

  @TempDir
  Path dir;

  private SqliteStore store;
  private ApiRouter router;

  @BeforeEach
  void start() {
    store = SqliteStore.open(dir.resolve("store.db"));
    router = new ApiRouter(new ObjectRegistry(store, Clock.systemUTC()), "test");
  }

  @AfterEach
  void stop() {
    store.close();
  }

  @Test
  void apisAnswersTheListWithTheMediaTypeItWasAskedFor() {
    ApiResponse response = get("/apis", KUBECTL_132, "");

    assertEquals(200, response.status());
    assertEquals(V2, response.contentType());
    assertEquals("Accept", response.headers().get("Vary"));
    ObjectNode list = Json.parseObject(response.body());
    assertEquals("APIGroupDiscoveryList", list.path("kind").asText());
    assertEquals("apidiscovery.k8s.io/v2", list.path("apiVersion").asText());
    List<String> groups = list.path("items").findValuesAsText("name");
    assertFalse(groups.contains(""), "the core group is /api's: " + groups);
    assertTrue(groups.containsAll(List.of("apps", "batch", "rbac.authorization.k8s.io", "authorization.k8s.io")),
        groups.toString());
  }

  @Test
  void v2beta1IsServedToClientsThatAskForItFirst() {
    ApiResponse response = get("/apis", V2BETA1 + ",application/json", "");

    assertEquals(V2BETA1, response.contentType());
    assertEquals("apidiscovery.k8s.io/v2beta1", Json.parseObject(response.body()).path("apiVersion").asText());
  }

  @Test
  void aNamespacedKindWithItsSubresources() {
    JsonNode deployments = resource(get("/apis", V2, ""), "apps", "v1", "deployments");

    assertEquals("Namespaced", deployments.path("scope").asText());
    assertEquals("deployment", deployments.path("singularResource").asText());
    assertEquals(Json.object().put("group", "").put("version", "").put("kind", "Deployment"),
        deployments.path("responseKind"));
    assertEquals(List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"),
        texts(deployments.path("verbs")));
    assertEquals(List.of("deploy"), texts(deployments.path("shortNames")));
    assertEquals(List.of("all"), texts(deployments.path("categories")));
    JsonNode scale = deployments.path("subresources").get(0);
    assertEquals("scale", scale.path("subresource").asText());
    assertEquals(Json.object().put("group", "autoscaling").put("version", "v1").put("kind", "Scale"),
        scale.path("responseKind"));
    assertEquals(List.of("get", "patch", "update"), texts(scale.path("verbs")));
    assertEquals("status", deployments.path("subresources").get(1).path("subresource").asText());
  }

  @Test
  void aClusterKindWithoutShortNamesOrSubresources() {
    JsonNode clusterRoles = resource(get("/apis", V2, ""), "rbac.authorization.k8s.io", "v1", "clusterroles");

    assertEquals("Cluster", clusterRoles.path("scope").asText());
    assertEquals("ClusterRole", clusterRoles.path("responseKind").path("kind").asText());
    assertFalse(clusterRoles.has("shortNames"));
    assertFalse(clusterRoles.has("subresources"));
  }

  @Test
  void apiAnswersTheCoreGroupAlone() {
    ObjectNode list = Json.parseObject(get("/api", KUBECTL_132, "").body());

    assertEquals(1, list.path("items").size());
    JsonNode core = list.path("items").get(0);
    assertFalse(core.path("metadata").has("name"));
    JsonNode version = core.path("versions").get(0);
    assertEquals("v1", version.path("version").asText());
    assertEquals("Current", version.path("freshness").asText());
    JsonNode pods = resource(list, "", "v1", "pods");
    assertEquals(List.of("po"), texts(pods.path("shortNames")));
    assertEquals(List.of("attach", "binding", "eviction", "exec", "log", "portforward", "proxy", "status"),
        pods.path("subresources").findValuesAsText("subresource"));
  }

  @Test
  void everyServedKindAndSubresourceIsListed() {
    ObjectNode core = Json.parseObject(get("/api", V2, "").body());
    ObjectNode groups = Json.parseObject(get("/apis", V2, "").body());
    for (ResourceType type : ResourceTypes.ALL) {
      JsonNode resource = resource(type.group().isEmpty() ? core : groups, type.group(), type.version(), type.plural());
      assertEquals(type.kind(), resource.path("responseKind").path("kind").asText(), type.plural());
      assertEquals(type.namespaced() ? "Namespaced" : "Cluster", resource.path("scope").asText());
      assertEquals(type.subresources(), new HashSet<>(resource.path("subresources").findValuesAsText("subresource")),
          type.plural());
    }
  }

  @Test
  void theSameResourcesAsTheLegacyDocumentsOfEachGroupVersion() {
    ObjectNode groups = Json.parseObject(get("/apis", V2, "").body());
    for (JsonNode group : groups.path("items")) {
      for (JsonNode version : group.path("versions")) {
        String groupVersion = group.path("metadata").path("name").asText() + "/" + version.path("version").asText();
        Set<String> legacy = new HashSet<>(Discovery.resources(groupVersion).orElseThrow().findValuesAsText("name"));
        Set<String> aggregated = new HashSet<>();
        for (JsonNode resource : version.path("resources")) {
          aggregated.add(resource.path("resource").asText());
          resource.path("subresources").forEach(sub ->
              aggregated.add(resource.path("resource").asText() + "/" + sub.path("subresource").asText()));
        }
        assertEquals(legacy, aggregated, groupVersion);
      }
    }
  }

  @Test
  void plainJsonKeepsTheLegacyDocuments() {
    ApiResponse apis = get("/apis", "application/json", "");
    ApiResponse api = get("/api", "application/json, */*", "");

    assertEquals("application/json", apis.contentType());
    assertEquals("APIGroupList", Json.parseObject(apis.body()).path("kind").asText());
    assertEquals("APIVersions", Json.parseObject(api.body()).path("kind").asText());
    assertEquals("Accept", apis.headers().get("Vary"));
    assertFalse(apis.headers().containsKey("ETag"));
  }

  @Test
  void anUnchangedDocumentIsNotSentAgain() {
    ApiResponse first = get("/apis", V2, "");
    String etag = first.headers().get("ETag");
    ApiResponse again = get("/apis", V2, etag);
    ApiResponse other = get("/apis", V2, "\"0\"");

    assertTrue(etag.matches("\"[0-9A-F]{128}\""), etag);
    assertEquals(304, again.status());
    assertEquals(0, again.body().length);
    assertEquals(etag, again.headers().get("ETag"));
    assertEquals(200, other.status());
    assertNotEquals(etag, get("/apis", V2BETA1, "").headers().get("ETag"), "each representation has its own tag");
  }

  private ApiResponse get(String path, String accept, String ifNoneMatch) {
    return router.handle(new ApiRequest("GET", path, Map.of(), accept, "", new byte[0], "", ifNoneMatch, null));
  }

  private static JsonNode resource(ApiResponse response, String group, String version, String plural) {
    return resource(Json.parseObject(response.body()), group, version, plural);
  }

  private static JsonNode resource(ObjectNode list, String group, String version, String plural) {
    for (JsonNode item : list.path("items")) {
      if (!item.path("metadata").path("name").asText().equals(group)) {
        continue;
      }
      for (JsonNode entry : item.path("versions")) {
        if (!entry.path("version").asText().equals(version)) {
          continue;
        }
        for (JsonNode resource : entry.path("resources")) {
          if (resource.path("resource").asText().equals(plural)) {
            return resource;
          }
        }
      }
    }
    throw new AssertionError(group + "/" + version + " " + plural + " is not listed in " + list);
  }

  private static List<String> texts(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }
}
