package io.gantry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.testing.ApiClient;
import io.gantry.testing.GantryProcess;
import io.gantry.testing.Json;
import io.gantry.testing.Kubectl;
import io.gantry.testing.PrintedTable;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Aggregated discovery against a real Gantry process: the documents as kubectl 1.32 asks for them,
 * and the kubectl on PATH (which asks for {@code v2}) and kubectl 1.27 (which asks for
 * {@code v2beta1}) learning every resource from {@code /api} and {@code /apis} alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AggregatedDiscoveryIT {

  private static final String V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
  private static final String V2BETA1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";
  /** The Accept header of kubectl 1.32's discovery client. */
  private static final String KUBECTL_ACCEPT = V2 + "," + V2BETA1 + ",application/json";
  private static final Pattern GET = Pattern.compile("GET https://[^/]+(/[^?\\s]*)");

  private GantryProcess gantry;

  @BeforeAll
  void start() {
    gantry = GantryProcess.start();
  }

  @AfterAll
  void stop() {
    if (gantry != null) {
      gantry.close();
    }
  }

  static Stream<Named<String>> kubectls() {
    return Stream.of(Named.of("kubectl on PATH", "path"), Named.of("kubectl 1.27", "1.27"));
  }

  @Test
  void theRootsAnswerAggregatedDocumentsToKubectlsAcceptHeader() {
    ApiClient api = gantry.api();
    HttpResponse<String> apis = api.send(api.request("/apis").setHeader("Accept", KUBECTL_ACCEPT).GET().build());

    assertEquals(200, apis.statusCode(), apis::body);
    assertEquals(V2, apis.headers().firstValue("Content-Type").orElse(""));
    assertEquals("Accept", apis.headers().firstValue("Vary").orElse(""));
    JsonNode list = Json.parse(apis.body());
    assertEquals("apidiscovery.k8s.io/v2 APIGroupDiscoveryList", list.path("apiVersion").asText() + " "
        + list.path("kind").asText());
    JsonNode deployments = resource(list, "apps", "deployments");
    assertEquals("Namespaced", deployments.path("scope").asText());
    assertEquals("autoscaling/v1 Scale", subresource(deployments, "scale").path("responseKind").path("group").asText()
        + "/v1 " + subresource(deployments, "scale").path("responseKind").path("kind").asText());

    HttpResponse<String> core = api.send(api.request("/api").setHeader("Accept", V2BETA1).GET().build());
    assertEquals(V2BETA1, core.headers().firstValue("Content-Type").orElse(""));
    assertEquals("Cluster", resource(Json.parse(core.body()), "", "namespaces").path("scope").asText());

    String etag = apis.headers().firstValue("ETag").orElseThrow();
    HttpResponse<String> again = api.send(api.request("/apis").setHeader("Accept", KUBECTL_ACCEPT)
        .header("If-None-Match", etag).GET().build());
    assertEquals(304, again.statusCode());
    assertEquals("", again.body());
  }

  @Test
  void plainJsonKeepsTheLegacyDocuments() {
    JsonNode groups = gantry.kubectl().run("get", "--raw", "/apis").assertOk().json();
    assertEquals("APIGroupList", groups.path("kind").asText());
    assertEquals("APIVersions", Json.parse(gantry.api().get("/api").body()).path("kind").asText());
  }

  @Test
  void autoscalingPrefersV2AndServesV1InBothDocuments() {
    ApiClient api = gantry.api();
    JsonNode legacy = null;
    for (JsonNode group : Json.parse(api.get("/apis").body()).path("groups")) {
      if (group.path("name").asText().equals("autoscaling")) {
        legacy = group;
      }
    }
    assertNotNull(legacy, "no autoscaling group in /apis");
    assertEquals("autoscaling/v2", legacy.at("/preferredVersion/groupVersion").asText(), legacy::toString);
    List<String> versions = new ArrayList<>();
    legacy.path("versions").forEach(v -> versions.add(v.path("groupVersion").asText()));
    assertEquals(List.of("autoscaling/v2", "autoscaling/v1"), versions, legacy::toString);

    JsonNode aggregated = Json.parse(api.send(api.request("/apis").setHeader("Accept", V2).GET().build()).body());
    List<String> served = new ArrayList<>();
    for (JsonNode group : aggregated.path("items")) {
      if (group.at("/metadata/name").asText().equals("autoscaling")) {
        group.path("versions").forEach(v -> served.add(v.path("version").asText()));
      }
    }
    // the first version listed is the preferred one
    assertEquals(List.of("v2", "v1"), served, aggregated::toString);
    assertEquals("Namespaced", resource(aggregated, "autoscaling", "horizontalpodautoscalers").path("scope").asText());
  }

  @ParameterizedTest
  @MethodSource("kubectls")
  void kubectlLearnsTheSameResourcesFromTheAggregatedDocumentsAlone(String version) {
    Kubectl kubectl = kubectl(version);

    Kubectl.Result run = kubectl.run("api-resources", "-o", "wide", "-v=6").assertOk();

    List<String> paths = new ArrayList<>();
    Matcher get = GET.matcher(run.stderr());
    while (get.find()) {
      paths.add(get.group(1));
    }
    assertEquals(List.of("/api", "/apis"), paths, run::toString);
    Set<String> printed = new TreeSet<>();
    for (var row : PrintedTable.parse(run.stdout()).rows()) {
      printed.add(row.get("APIVERSION") + " " + row.get("NAME") + " " + row.get("NAMESPACED") + " " + row.get("KIND")
          + " " + row.get("VERBS"));
    }
    assertEquals(legacyResources(), printed);
  }

  @ParameterizedTest
  @MethodSource("kubectls")
  void getAllAndScaleWorkFromAggregatedDiscovery(String version) {
    Kubectl kubectl = kubectl(version);
    String ns = "discovery-" + version.replace(".", "");
    kubectl.run("create", "namespace", ns).assertOk();
    kubectl.run("create", "deployment", "web", "--image=nginx", "-n", ns).assertOk();

    kubectl.run("scale", "deploy", "web", "-n", ns, "--replicas=3").assertOk().assertStdoutContains("scaled");

    assertEquals(3, kubectl.run("get", "deploy", "web", "-n", ns, "-o", "json").assertOk().json()
        .at("/spec/replicas").asInt());
    kubectl.run("get", "all", "-n", ns).assertOk().assertStdoutContains("deployment.apps/web");
  }

  /** Each resource as {@code kubectl api-resources -o wide} would print it from the legacy documents. */
  private Set<String> legacyResources() {
    ApiClient api = gantry.api();
    List<String> groupVersions = new ArrayList<>(List.of("v1"));
    // api-resources lists each group's preferred version (ServerPreferredResources): no autoscaling/v1 row
    for (JsonNode group : Json.parse(api.get("/apis").body()).path("groups")) {
      groupVersions.add(group.at("/preferredVersion/groupVersion").asText());
    }
    Set<String> resources = new TreeSet<>();
    for (String groupVersion : groupVersions) {
      String path = groupVersion.equals("v1") ? "/api/v1" : "/apis/" + groupVersion;
      for (JsonNode resource : Json.parse(api.get(path).body()).path("resources")) {
        if (!resource.path("name").asText().contains("/")) {
          List<String> verbs = new ArrayList<>();
          resource.path("verbs").forEach(verb -> verbs.add(verb.asText()));
          resources.add(groupVersion + " " + resource.path("name").asText() + " " + resource.path("namespaced").asBoolean()
              + " " + resource.path("kind").asText() + " " + String.join(",", verbs));
        }
      }
    }
    return resources;
  }

  private Kubectl kubectl(String version) {
    if (version.equals("path")) {
      return gantry.kubectl();
    }
    Optional<Path> binary = Kubectl.version(version);
    assumeTrue(binary.isPresent(), () -> "kubectl." + version + " is not installed next to the kubectl on PATH");
    return gantry.kubectl(binary.get());
  }

  private static JsonNode resource(JsonNode list, String group, String plural) {
    for (JsonNode item : list.path("items")) {
      if (item.path("metadata").path("name").asText().equals(group)) {
        for (JsonNode resource : item.path("versions").get(0).path("resources")) {
          if (resource.path("resource").asText().equals(plural)) {
            return resource;
          }
        }
      }
    }
    throw new AssertionError(group + " " + plural + " is not in " + list);
  }

  private static JsonNode subresource(JsonNode resource, String name) {
    for (JsonNode subresource : resource.path("subresources")) {
      if (subresource.path("subresource").asText().equals(name)) {
        return subresource;
      }
    }
    throw new AssertionError(name + " is not a subresource of " + resource);
  }
}
