package io.gantry.control.server.controller.endpoints;

import static io.gantry.control.server.controller.endpoints.EndpointsFixture.NS;
import static io.gantry.control.server.controller.endpoints.EndpointsFixture.await;
import static io.gantry.control.server.controller.endpoints.EndpointsFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.registry.DeleteOptions;
import io.gantry.control.server.registry.ObjectEvent;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.registry.ObjectWatcher;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mirroring controller against a real store, registry and informers, converging by polling. */
class EndpointSliceMirroringControllerTest {

  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
  private static final String DB_ENDPOINTS = """
      {"metadata": {"name": "db", "labels": {"team": "data"},
        "annotations": {"note": "hand-made", "endpoints.kubernetes.io/last-change-trigger-time": "2026-01-01T00:00:00Z"}},
       "subsets": [
         {"addresses": [{"ip": "10.1.0.7", "hostname": "db-1", "nodeName": "node-a"}, {"ip": "10.1.0.5"}],
          "notReadyAddresses": [{"ip": "10.1.0.9"}],
          "ports": [{"name": "pg", "port": 5432}]},
         {"addresses": [{"ip": "10.1.0.8"}], "ports": [{"name": "pg", "port": 5432, "protocol": "TCP"}]},
         {"addresses": [{"ip": "fd00::1"}], "ports": [{"name": "pg", "port": 5432}]}]}
      """;

  @TempDir
  Path dir;
  private SqliteStore store;
  private ObjectRegistry registry;
  private EndpointsFixture fx;
  private EndpointSliceMirroringController controller;

  @BeforeEach
  void open() throws ApiException {
    store = SqliteStore.open(dir.resolve("store.db"));
    registry = new ObjectRegistry(store, Clock.fixed(NOW, ZoneOffset.UTC));
    fx = new EndpointsFixture(registry);
    fx.namespaceAndNode();
    controller = EndpointSliceMirroringController.start(registry, new ObjectWatcher(store));
  }

  @AfterEach
  void close() {
    controller.close();
    store.close();
  }

  private List<String> addresses(ObjectNode slice) {
    return StreamSupport.stream(slice.path("endpoints").spliterator(), false)
        .map(e -> e.at("/addresses/0").asText() + (e.at("/conditions/ready").asBoolean() ? "" : " not-ready"))
        .toList();
  }

  @Test
  void endpointsOfASelectorlessServiceAreMirroredOneSlicePerPortsAndFamily() throws Exception {
    fx.service("db", null, "5432", "");
    ObjectNode endpoints = registry.create(ResourceTypes.ENDPOINTS, NS, json(DB_ENDPOINTS));

    await("an IPv4 and an IPv6 slice", () -> fx.slices("db").size() == 2);
    ObjectNode v4 = fx.slices("db").stream().filter(s -> s.path("addressType").asText().equals("IPv4")).findFirst()
        .orElseThrow();
    assertEquals(List.of("10.1.0.5", "10.1.0.7", "10.1.0.8", "10.1.0.9 not-ready"), addresses(v4));
    assertEquals(json("{\"name\":\"pg\",\"port\":5432,\"protocol\":\"TCP\"}"), v4.at("/ports/0"));
    assertEquals(1, v4.get("ports").size());
    ObjectNode db1 = (ObjectNode) v4.at("/endpoints/1");
    assertEquals("db-1", db1.get("hostname").asText());
    assertEquals("node-a", db1.get("nodeName").asText());
    ObjectNode metadata = (ObjectNode) v4.get("metadata");
    assertTrue(metadata.get("name").asText().startsWith("db-"), metadata.toString());
    assertEquals(json("{\"team\":\"data\",\"kubernetes.io/service-name\":\"db\","
        + "\"endpointslice.kubernetes.io/managed-by\":\"endpointslicemirroring-controller.k8s.io\"}"), metadata.get("labels"));
    assertEquals(json("{\"note\":\"hand-made\"}"), metadata.get("annotations"));
    assertEquals("Endpoints", metadata.at("/ownerReferences/0/kind").asText());
    assertEquals(endpoints.at("/metadata/uid").asText(), metadata.at("/ownerReferences/0/uid").asText());
    assertTrue(metadata.at("/ownerReferences/0/controller").asBoolean());

    // a change to the Endpoints updates the slice in place; removing the IPv6 subset removes its slice
    String sliceName = metadata.get("name").asText();
    ObjectNode changed = registry.get(ResourceTypes.ENDPOINTS, NS, "db");
    changed.set("subsets", json("{\"s\":[{\"addresses\":[{\"ip\":\"10.1.0.5\"}],\"ports\":[{\"name\":\"pg\","
        + "\"port\":5432}]}]}").get("s"));
    registry.update(ResourceTypes.ENDPOINTS, NS, "db", changed, null);
    await("one slice with one address", () -> fx.slices("db").size() == 1
        && addresses(fx.slices("db").get(0)).equals(List.of("10.1.0.5")));
    assertEquals(sliceName, fx.slices("db").get(0).at("/metadata/name").asText());

    registry.delete(ResourceTypes.ENDPOINTS, NS, "db", DeleteOptions.DEFAULT);
    await("no slices once the Endpoints is gone", () -> fx.slices("db").isEmpty());
  }

  @Test
  void aSubsetOverTheLimitIsCutAndTheEndpointsGetsAWarning() throws Exception {
    fx.service("big", null, "80", "");
    StringBuilder addresses = new StringBuilder();
    for (int i = 0; i < MirroredSlices.MAX_ENDPOINTS_PER_SUBSET + 5; i++) {
      addresses.append(i == 0 ? "" : ",").append("{\"ip\":\"10.2.").append(i / 250).append('.').append(i % 250 + 1)
          .append("\"}");
    }
    registry.create(ResourceTypes.ENDPOINTS, NS, json("{\"metadata\":{\"name\":\"big\"},\"subsets\":[{\"addresses\":["
        + addresses + "],\"ports\":[{\"port\":80}]}]}"));

    await("one slice of 1000", () -> fx.slices("big").size() == 1
        && fx.slices("big").get(0).path("endpoints").size() == MirroredSlices.MAX_ENDPOINTS_PER_SUBSET);
    await("a TooManyAddressesToMirror warning", () -> warnings("big").contains("TooManyAddressesToMirror: A max of 1000"
        + " addresses can be mirrored to EndpointSlices per Endpoints subset. 5 addresses were skipped"));
  }

  private List<String> warnings(String endpoints) throws ApiException {
    return registry.list(ResourceTypes.EVENTS, NS, null, null, 0, null).items().stream()
        .filter(e -> e.at("/involvedObject/name").asText().equals(endpoints)
            && e.at("/involvedObject/kind").asText().equals("Endpoints") && e.path("type").asText().equals("Warning"))
        .map(e -> e.path("reason").asText() + ": " + e.path("message").asText())
        .toList();
  }

  /** RepackSubsets: ports offered by the same addresses share a slice; an address listed both ways for a port is ready. */
  @Test
  void subsetsAreRepackedBeforeMirroring() throws Exception {
    fx.service("multi", null, "80", "");
    registry.create(ResourceTypes.ENDPOINTS, NS, json("""
        {"metadata": {"name": "multi"},
         "subsets": [
           {"addresses": [{"ip": "10.1.0.1"}, {"ip": "10.1.0.2"}], "ports": [{"name": "a", "port": 80}]},
           {"addresses": [{"ip": "10.1.0.2"}, {"ip": "10.1.0.1"}], "ports": [{"name": "b", "port": 81}]},
           {"addresses": [{"ip": "10.1.0.1"}], "notReadyAddresses": [{"ip": "10.1.0.1"}], "ports": [{"name": "c", "port": 82}]},
           {"notReadyAddresses": [{"ip": "10.1.0.3"}], "ports": [{"name": "c", "port": 82}]}]}
        """));
    await("two slices", () -> fx.slices("multi").size() == 2);
    Map<String, List<String>> addressesByPorts = new TreeMap<>();
    for (ObjectNode slice : fx.slices("multi")) {
      List<String> ports = new ArrayList<>();
      slice.get("ports").forEach(p -> ports.add(p.get("name").asText()));
      addressesByPorts.put(String.join(",", ports), addresses(slice));
    }
    assertEquals(Map.of("a,b", List.of("10.1.0.1", "10.1.0.2"), "c", List.of("10.1.0.1", "10.1.0.3 not-ready")),
        addressesByPorts);
  }

  /** The e2e mirroring test changes the port and address and lists at any moment: never two slices, always one. */
  @Test
  void aChangedPortReusesTheSliceRatherThanAddingOne() throws Exception {
    fx.service("example", null, "80", "");
    registry.create(ResourceTypes.ENDPOINTS, NS, json("{\"metadata\":{\"name\":\"example\"},"
        + "\"subsets\":[{\"addresses\":[{\"ip\":\"10.1.2.3\"}],\"ports\":[{\"port\":80}]}]}"));
    await("one slice", () -> fx.slices("example").size() == 1);
    String name = fx.slices("example").get(0).at("/metadata/name").asText();
    // the slices as the store's event stream has them after each event: a create before a delete would show two
    Set<String> live = ConcurrentHashMap.newKeySet();
    live.add(name);
    List<Integer> sliceCounts = new CopyOnWriteArrayList<>();
    try (var watch = new ObjectWatcher(store).watch(ResourceTypes.ENDPOINTSLICES, NS, null, null,
        Long.toString(store.currentRevision()), e -> {
          String slice = e.object().at("/metadata/name").asText();
          if (e.type() == ObjectEvent.Type.DELETED) {
            live.remove(slice);
          } else {
            live.add(slice);
          }
          sliceCounts.add(live.size());
        })) {
      ObjectNode changed = registry.get(ResourceTypes.ENDPOINTS, NS, "example");
      changed.set("subsets", json("{\"s\":[{\"addresses\":[{\"ip\":\"10.2.3.4\"}],\"ports\":[{\"port\":8080}]}]}")
          .get("s"));
      registry.update(ResourceTypes.ENDPOINTS, NS, "example", changed, null);
      await("the slice to carry port 8080", () -> fx.slices("example").size() == 1
          && fx.slices("example").get(0).at("/ports/0/port").asInt() == 8080
          && addresses(fx.slices("example").get(0)).equals(List.of("10.2.3.4")));
    }
    assertEquals(name, fx.slices("example").get(0).at("/metadata/name").asText(), "the same slice, rewritten");
    assertTrue(sliceCounts.stream().allMatch(n -> n == 1), sliceCounts.toString());
  }

  @Test
  void notMirroredForSelectorServicesMissingServicesOrSkipMirrorLabels() throws Exception {
    registry.create(ResourceTypes.ENDPOINTS, NS, json(DB_ENDPOINTS));
    registry.create(ResourceTypes.ENDPOINTS, NS, json("{\"metadata\":{\"name\":\"own\",\"labels\":"
        + "{\"endpointslice.kubernetes.io/skip-mirror\":\"true\"}},\"subsets\":[{\"addresses\":[{\"ip\":\"10.1.0.5\"}]}]}"));
    fx.service("own", null, "80", "");
    Thread.sleep(300);
    assertEquals(List.of(), fx.slices("db"), "no Service yet");
    assertEquals(List.of(), fx.slices("own"), "skip-mirror");

    fx.service("db", null, "5432", "");
    await("mirrored once the selector-less Service exists", () -> fx.slices("db").size() == 2);
    ObjectNode service = registry.get(ResourceTypes.SERVICES, NS, "db");
    service.set("spec", json("{\"selector\":{\"app\":\"db\"},\"ports\":[{\"port\":5432}]}"));
    registry.update(ResourceTypes.SERVICES, NS, "db", service, null);
    await("mirrored slices removed once the Service has a selector", () -> fx.slices("db").isEmpty());
  }

  @Test
  void aDeletedOrEditedMirroredSliceIsPutBack() throws Exception {
    fx.service("db", null, "5432", "");
    registry.create(ResourceTypes.ENDPOINTS, NS, json(DB_ENDPOINTS));
    await("two slices", () -> fx.slices("db").size() == 2);
    ObjectNode v4 = fx.slices("db").stream().filter(s -> s.path("addressType").asText().equals("IPv4")).findFirst()
        .orElseThrow();
    v4.set("endpoints", json("{\"e\":[{\"addresses\":[\"10.9.9.9\"]}]}").get("e"));
    registry.update(ResourceTypes.ENDPOINTSLICES, NS, v4.at("/metadata/name").asText(), v4, null);
    await("the slice's endpoints restored", () -> fx.slices("db").stream()
        .anyMatch(s -> addresses(s).equals(List.of("10.1.0.5", "10.1.0.7", "10.1.0.8", "10.1.0.9 not-ready"))));
    registry.delete(ResourceTypes.ENDPOINTSLICES, NS, v4.at("/metadata/name").asText(), DeleteOptions.DEFAULT);
    await("a new IPv4 slice", () -> fx.slices("db").size() == 2);
  }
}
