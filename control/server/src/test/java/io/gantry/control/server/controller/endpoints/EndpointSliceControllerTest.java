package io.gantry.control.server.controller.endpoints;

import static io.gantry.control.server.controller.endpoints.EndpointsFixture.NODE;
import static io.gantry.control.server.controller.endpoints.EndpointsFixture.NS;
import static io.gantry.control.server.controller.endpoints.EndpointsFixture.ZONE;
import static io.gantry.control.server.controller.endpoints.EndpointsFixture.await;
import static io.gantry.control.server.controller.endpoints.EndpointsFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.registry.DeleteOptions;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.registry.ObjectWatcher;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The controller against a real store, registry and informers, converging by polling. */
class EndpointSliceControllerTest {

  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

  @TempDir
  Path dir;
  private SqliteStore store;
  private ObjectRegistry registry;
  private EndpointsFixture fx;
  private EndpointSliceController controller;

  @BeforeEach
  void open() throws ApiException {
    store = SqliteStore.open(dir.resolve("store.db"));
    registry = new ObjectRegistry(store, Clock.fixed(NOW, ZoneOffset.UTC));
    fx = new EndpointsFixture(registry);
    fx.namespaceAndNode();
  }

  private void startController(int workers) {
    controller = EndpointSliceController.start(registry, new ObjectWatcher(store),
        EndpointSliceController.DEFAULT_MAX_ENDPOINTS_PER_SLICE, workers);
  }

  @AfterEach
  void close() {
    if (controller != null) {
      controller.close();
    }
    store.close();
  }

  /** ready / serving / terminating of one endpoint, e.g. "T/T/F". */
  private String conditions(String service, String pod) throws ApiException {
    JsonNode endpoint = fx.endpointOf(service, pod);
    if (endpoint == null) {
      return "absent";
    }
    JsonNode c = endpoint.get("conditions");
    return flag(c, "ready") + "/" + flag(c, "serving") + "/" + flag(c, "terminating");
  }

  private static String flag(JsonNode conditions, String name) {
    return conditions.path(name).asBoolean() ? "T" : "F";
  }

  private List<String> names(JsonNode addresses) {
    return java.util.stream.StreamSupport.stream(addresses.spliterator(), false)
        .map(a -> a.at("/targetRef/name").asText()).sorted().toList();
  }

  @Test
  void conditionsFollowTheKubernetesRulesForEachPodState() throws Exception {
    startController(2);
    fx.service("web", "web", "8080", "");
    fx.runningPod("ready", "web", "127.244.0.1", true);
    fx.runningPod("unready", "web", "127.244.0.2", false);
    fx.runningPod("leaving-ready", "web", "127.244.0.3", true);
    fx.runningPod("leaving-unready", "web", "127.244.0.4", false);
    fx.terminate("leaving-ready");
    fx.terminate("leaving-unready");

    await("four endpoints with their conditions", () ->
        conditions("web", "ready").equals("T/T/F") && conditions("web", "unready").equals("F/F/F")
            && conditions("web", "leaving-ready").equals("F/T/T")
            && conditions("web", "leaving-unready").equals("F/F/T"));
    // the Endpoints are written after the slices: wait for them to follow
    await("Endpoints with the ready and the unready pod", () -> registry.find(ResourceTypes.ENDPOINTS, NS, "web")
        .map(e -> e.at("/subsets/0/addresses").size() == 1 && e.at("/subsets/0/notReadyAddresses").size() == 1)
        .orElse(false));
    ObjectNode endpoints = registry.get(ResourceTypes.ENDPOINTS, NS, "web");
    JsonNode subset = endpoints.at("/subsets/0");
    assertEquals(List.of("ready"), names(subset.get("addresses")));
    assertEquals(List.of("unready"), names(subset.get("notReadyAddresses")), "terminating pods leave Endpoints");
    assertEquals(1, endpoints.get("subsets").size());
  }

  @Test
  void publishNotReadyAddressesMakesEveryEndpointReady() throws Exception {
    startController(2);
    fx.service("db", "db", "8080", "\"clusterIP\":\"None\",\"publishNotReadyAddresses\":true,");
    fx.runningPod("unready", "db", "127.244.0.2", false);
    fx.runningPod("leaving", "db", "127.244.0.3", false);
    fx.terminate("leaving");

    await("ready despite readiness", () ->
        conditions("db", "unready").equals("T/F/F") && conditions("db", "leaving").equals("T/F/T"));
    await("Endpoints lists both as ready", () -> {
      ObjectNode endpoints = registry.get(ResourceTypes.ENDPOINTS, NS, "db");
      return names(endpoints.at("/subsets/0/addresses")).equals(List.of("leaving", "unready"))
          && endpoints.at("/subsets/0/notReadyAddresses").isMissingNode();
    });
    assertEquals("", fx.slices("db").get(0).at("/metadata/labels/service.kubernetes.io~1headless").asText("x"));
  }

  @Test
  void terminalPodsAndPodsWithoutAnIpAreLeftOut() throws Exception {
    startController(2);
    fx.service("web", "web", "8080", "");
    fx.runningPod("ok", "web", "127.244.0.1", true);
    fx.pod("pending", "web", 8080, "");
    fx.runningPod("done", "web", "127.244.0.3", true);
    ObjectNode done = registry.get(ResourceTypes.PODS, NS, "done");
    ((ObjectNode) done.get("status")).put("phase", "Succeeded");
    registry.update(ResourceTypes.PODS, NS, "done", done, "status");

    await("only the running pod", () -> fx.endpoints("web").size() == 1 && fx.endpointOf("web", "ok") != null
        && fx.endpointOf("web", "done") == null);
  }

  @Test
  void namedTargetPortIsResolvedPerPodIntoSlicesPerPortMapping() throws Exception {
    startController(2);
    fx.service("web", "web", "web", "");
    fx.pod("old", "web", 8080, "");
    fx.status("old", "127.244.0.1", true);
    fx.pod("new", "web", 9090, "");
    fx.status("new", "127.244.0.2", true);

    await("two slices", () -> fx.slices("web").size() == 2 && fx.endpoints("web").size() == 2);
    Map<Integer, String> podByPort = new TreeMap<>();
    for (ObjectNode slice : fx.slices("web")) {
      assertEquals(1, slice.get("ports").size());
      JsonNode port = slice.at("/ports/0");
      assertEquals("http", port.get("name").asText());
      assertEquals("TCP", port.get("protocol").asText());
      assertEquals("http", port.get("appProtocol").asText());
      assertEquals(1, slice.get("endpoints").size());
      podByPort.put(port.get("port").asInt(), slice.at("/endpoints/0/targetRef/name").asText());
    }
    assertEquals(Map.of(8080, "old", 9090, "new"), podByPort);

    await("Endpoints with one subset per port", () -> {
      JsonNode subsets = registry.find(ResourceTypes.ENDPOINTS, NS, "web").map(e -> e.get("subsets")).orElse(null);
      return subsets != null && subsets.size() == 2;
    });
    JsonNode subsets = registry.get(ResourceTypes.ENDPOINTS, NS, "web").get("subsets");
    Map<Integer, String> subsetPodByPort = new TreeMap<>();
    subsets.forEach(s -> subsetPodByPort.put(s.at("/ports/0/port").asInt(), s.at("/addresses/0/targetRef/name").asText()));
    assertEquals(Map.of(8080, "old", 9090, "new"), subsetPodByPort);
  }

  @Test
  void twoHundredFiftyPodsFillThreeSlicesOfAtMostAHundred() throws Exception {
    startController(2);
    fx.service("big", "big", "8080", "");
    for (int i = 0; i < 250; i++) {
      fx.runningPod("p" + i, "big", "127.244." + (i / 200) + "." + (i % 200 + 1), true);
    }
    await("250 endpoints", () -> fx.endpoints("big").size() == 250);
    List<Integer> sizes = fx.slices("big").stream().map(s -> s.get("endpoints").size()).sorted().toList();
    assertEquals(3, sizes.size(), sizes.toString());
    assertTrue(sizes.stream().allMatch(n -> n <= 100), sizes.toString());
    await("250 ready addresses in Endpoints",
        () -> registry.get(ResourceTypes.ENDPOINTS, NS, "big").at("/subsets/0/addresses").size() == 250);
  }

  @Test
  void podLosingItsLabelLeavesAndTheSliceIsUpdatedInPlace() throws Exception {
    startController(2);
    fx.service("web", "web", "8080", "");
    fx.runningPod("a", "web", "127.244.0.1", true);
    fx.runningPod("b", "web", "127.244.0.2", true);
    await("both pods", () -> fx.endpoints("web").size() == 2);
    String sliceName = fx.slices("web").get(0).at("/metadata/name").asText();

    ObjectNode b = registry.get(ResourceTypes.PODS, NS, "b");
    ((ObjectNode) b.at("/metadata/labels")).put("app", "other");
    registry.update(ResourceTypes.PODS, NS, "b", b, null);

    await("b gone", () -> fx.endpoints("web").size() == 1 && fx.endpointOf("web", "a") != null);
    assertEquals(List.of(sliceName), fx.slices("web").stream().map(s -> s.at("/metadata/name").asText()).toList());
    await("Endpoints without b", () ->
        names(registry.get(ResourceTypes.ENDPOINTS, NS, "web").at("/subsets/0/addresses")).equals(List.of("a")));
  }

  @Test
  void selectorChangeSwapsTheEndpoints() throws Exception {
    startController(2);
    fx.service("web", "blue", "8080", "");
    fx.runningPod("blue-1", "blue", "127.244.0.1", true);
    fx.runningPod("green-1", "green", "127.244.0.2", true);
    await("blue", () -> fx.endpoints("web").size() == 1 && fx.endpointOf("web", "blue-1") != null);

    ObjectNode service = registry.get(ResourceTypes.SERVICES, NS, "web");
    ((ObjectNode) service.at("/spec/selector")).put("app", "green");
    registry.update(ResourceTypes.SERVICES, NS, "web", service, null);

    await("green", () -> fx.endpoints("web").size() == 1 && fx.endpointOf("web", "green-1") != null);
    await("Endpoints green", () ->
        names(registry.get(ResourceTypes.ENDPOINTS, NS, "web").at("/subsets/0/addresses")).equals(List.of("green-1")));
  }

  @Test
  void serviceWithoutPodsKeepsOnePlaceholderSlice() throws Exception {
    startController(2);
    fx.service("lonely", "nobody", "8080", "");
    await("placeholder", () -> fx.slices("lonely").size() == 1);
    ObjectNode slice = fx.slices("lonely").get(0);
    assertTrue(slice.get("endpoints").isArray() && slice.get("endpoints").isEmpty(), slice.toString());
    assertTrue(slice.get("ports").isEmpty(), slice.toString());

    fx.runningPod("late", "nobody", "127.244.0.9", true);
    await("the pod joins the same slice", () -> fx.endpoints("lonely").size() == 1);
    assertEquals(List.of(slice.at("/metadata/name").asText()),
        fx.slices("lonely").stream().map(s -> s.at("/metadata/name").asText()).toList());
    registry.forceDelete(ResourceTypes.PODS, NS, "late");
    await("back to a placeholder", () -> fx.slices("lonely").size() == 1 && fx.endpoints("lonely").isEmpty()
        && fx.slices("lonely").get(0).get("ports").isEmpty());
    await("Endpoints without subsets", () ->
        !registry.get(ResourceTypes.ENDPOINTS, NS, "lonely").has("subsets"));
  }

  @Test
  void serviceDeletionRemovesManagedSlicesAndEndpoints() throws Exception {
    startController(2);
    fx.service("web", "web", "8080", "");
    fx.runningPod("a", "web", "127.244.0.1", true);
    await("slice and Endpoints", () -> fx.endpoints("web").size() == 1
        && registry.find(ResourceTypes.ENDPOINTS, NS, "web").isPresent());

    registry.delete(ResourceTypes.SERVICES, NS, "web", DeleteOptions.DEFAULT);

    await("all gone", () -> fx.slices("web").isEmpty() && registry.find(ResourceTypes.ENDPOINTS, NS, "web").isEmpty());
  }

  @Test
  void selectorlessServiceKeepsItsUserMadeSlice() throws Exception {
    startController(1);
    fx.service("external", null, "8080", "");
    ObjectNode userSlice = registry.create(ResourceTypes.ENDPOINTSLICES, NS, json("{\"metadata\":{\"name\":"
        + "\"external-1\",\"labels\":{\"kubernetes.io/service-name\":\"external\"}},\"addressType\":\"IPv4\","
        + "\"endpoints\":[{\"addresses\":[\"10.1.2.3\"]}],\"ports\":[{\"name\":\"http\",\"port\":8080}]}"));
    // One worker takes keys in order: once a later service is synced, "external" was too.
    fx.service("marker", "marker", "8080", "");
    await("marker synced", () -> fx.slices("marker").size() == 1);

    assertEquals(List.of(userSlice), fx.slices("external"));
    assertTrue(registry.find(ResourceTypes.ENDPOINTS, NS, "external").isEmpty(), "no Endpoints for selectorless");

    registry.delete(ResourceTypes.SERVICES, NS, "external", DeleteOptions.DEFAULT);
    registry.delete(ResourceTypes.SERVICES, NS, "marker", DeleteOptions.DEFAULT);
    await("marker cleaned", () -> fx.slices("marker").isEmpty());
    assertEquals(List.of(userSlice), fx.slices("external"), "a slice this controller does not manage stays");
  }

  @Test
  void slicesCarryLabelsOwnerAndEndpointDetails() throws Exception {
    startController(2);
    ObjectNode service = fx.service("web", "web", "8080", "");
    await("placeholder", () -> fx.slices("web").size() == 1);
    assertEquals("2026-01-02T03:04:05Z", fx.slices("web").get(0)
        .at("/metadata/annotations/endpoints.kubernetes.io~1last-change-trigger-time").asText(),
        "first sync of a service: its creation time");
    fx.pod("named", "web", 8080, "\"hostname\":\"named\",\"subdomain\":\"web\",");
    ObjectNode pod = fx.status("named", "127.244.0.7", true);
    await("one endpoint", () -> fx.endpoints("web").size() == 1);

    ObjectNode slice = fx.slices("web").get(0);
    JsonNode meta = slice.get("metadata");
    assertTrue(meta.get("name").asText().matches("web-[a-z0-9]{5}"), meta.get("name").asText());
    assertEquals("web-", meta.get("generateName").asText());
    assertEquals("web", meta.at("/labels/kubernetes.io~1service-name").asText());
    assertEquals("endpointslice-controller.k8s.io", meta.at("/labels/endpointslice.kubernetes.io~1managed-by").asText());
    assertEquals("web", meta.at("/labels/tier").asText(), "service labels are copied");
    assertEquals(json("{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"name\":\"web\",\"uid\":\""
        + service.at("/metadata/uid").asText() + "\",\"controller\":true,\"blockOwnerDeletion\":true}"),
        meta.at("/ownerReferences/0"));
    assertEquals(1, meta.get("ownerReferences").size());
    assertEquals(EndpointsFixture.READY_SINCE,
        meta.at("/annotations/endpoints.kubernetes.io~1last-change-trigger-time").asText(),
        "later syncs: the earliest change since the previous one, here the pod's Ready transition");
    assertEquals("IPv4", slice.get("addressType").asText());
    assertEquals(json("{\"name\":\"http\",\"protocol\":\"TCP\",\"port\":8080,\"appProtocol\":\"http\"}"),
        slice.at("/ports/0"));
    assertEquals(json("{\"addresses\":[\"127.244.0.7\"],\"conditions\":{\"ready\":true,\"serving\":true,"
        + "\"terminating\":false},\"hostname\":\"named\",\"targetRef\":{\"kind\":\"Pod\",\"namespace\":\"demo\","
        + "\"name\":\"named\",\"uid\":\"" + pod.at("/metadata/uid").asText() + "\"},\"nodeName\":\"" + NODE
        + "\",\"zone\":\"" + ZONE + "\"}"), slice.at("/endpoints/0"));

    await("Endpoints with the pod", () -> registry.find(ResourceTypes.ENDPOINTS, NS, "web")
        .map(e -> e.at("/subsets/0/addresses").size() == 1).orElse(false));
    ObjectNode endpoints = registry.get(ResourceTypes.ENDPOINTS, NS, "web");
    assertEquals("true", endpoints.at("/metadata/labels/endpointslice.kubernetes.io~1skip-mirror").asText());
    assertEquals(json("{\"ip\":\"127.244.0.7\",\"hostname\":\"named\",\"nodeName\":\"" + NODE + "\",\"targetRef\":"
        + "{\"kind\":\"Pod\",\"namespace\":\"demo\",\"name\":\"named\",\"uid\":\"" + pod.at("/metadata/uid").asText()
        + "\"}}"), endpoints.at("/subsets/0/addresses/0"));
    assertEquals(json("{\"name\":\"http\",\"port\":8080,\"protocol\":\"TCP\",\"appProtocol\":\"http\"}"),
        endpoints.at("/subsets/0/ports/0"));
  }

  @Test
  void aReconcileWithNothingChangedWritesNothing() throws Exception {
    startController(2);
    fx.service("web", "web", "8080", "");
    fx.service("empty", "nobody", "8080", "");
    fx.runningPod("a", "web", "127.244.0.1", true);
    fx.runningPod("b", "web", "127.244.0.2", false);
    await("converged", () -> fx.endpoints("web").size() == 2 && fx.slices("empty").size() == 1
        && registry.find(ResourceTypes.ENDPOINTS, NS, "web").isPresent()
        && registry.find(ResourceTypes.ENDPOINTS, NS, "empty").isPresent());
    long before = waitForQuiet();

    controller.reconcile(NS + "/web");
    controller.reconcile(NS + "/empty");
    controller.reconcile(NS + "/web");

    assertEquals(before, store.currentRevision(), "no-op syncs must not write");
  }

  /** Waits until the store revision stops moving (the controller has settled). */
  private long waitForQuiet() throws InterruptedException {
    long revision = store.currentRevision();
    for (int i = 0; i < 100; i++) {
      Thread.sleep(50);
      long now = store.currentRevision();
      if (now == revision) {
        return now;
      }
      revision = now;
    }
    throw new AssertionError("the store kept changing");
  }

  @Test
  void restartFindsTheSameSlicesAndWritesNothing() throws Exception {
    startController(2);
    fx.service("web", "web", "8080", "");
    fx.runningPod("a", "web", "127.244.0.1", true);
    await("converged", () -> fx.endpoints("web").size() == 1
        && registry.find(ResourceTypes.ENDPOINTS, NS, "web").isPresent());
    long before = waitForQuiet();
    controller.close();

    startController(2);
    controller.reconcile(NS + "/web");
    assertEquals(before, waitForQuiet(), "a restarted controller leaves converged objects alone");
    assertFalse(fx.slices("web").isEmpty());
    assertNotNull(fx.endpointOf("web", "a"));
  }
}
