package io.gantry.control.server.controller.endpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EndpointsTruncationTest {

  /** A subset of {@code ready} ready and {@code notReady} not-ready addresses, numbered from {@code base}. */
  private static ObjectNode subset(int base, int ready, int notReady) {
    ObjectNode subset = Json.object();
    for (int i = 0; i < ready; i++) {
      subset.withArray("addresses").addObject().put("ip", "10.0." + (base + i) / 250 + "." + (base + i) % 250);
    }
    for (int i = 0; i < notReady; i++) {
      subset.withArray("notReadyAddresses").addObject().put("ip", "10.1." + (base + i) / 250 + "." + (base + i) % 250);
    }
    subset.putArray("ports").addObject().put("port", 80 + base);
    return subset;
  }

  private static ArrayNode subsets(ObjectNode... subsets) {
    return Json.MAPPER.createArrayNode().addAll(List.of(subsets));
  }

  @Test
  void aThousandAddressesAreKept() {
    ArrayNode subsets = subsets(subset(0, 600, 0), subset(1000, 0, 400));
    assertFalse(EndpointsTruncation.truncate(subsets));
    assertEquals(600, subsets.get(0).path("addresses").size());
    assertEquals(400, subsets.get(1).path("notReadyAddresses").size());
  }

  @Test
  void notReadyAddressesGoFirstInProportion() {
    ArrayNode subsets = subsets(subset(0, 900, 100), subset(2000, 0, 100));
    assertTrue(EndpointsTruncation.truncate(subsets));
    assertEquals(900, subsets.get(0).path("addresses").size());
    assertEquals(50, subsets.get(0).path("notReadyAddresses").size());
    assertEquals(50, subsets.get(1).path("notReadyAddresses").size());
  }

  @Test
  void tooManyReadyAddressesDropAllNotReadyAndShareTheThousand() {
    ArrayNode subsets = subsets(subset(0, 900, 10), subset(2000, 300, 0), subset(4000, 0, 5));
    assertTrue(EndpointsTruncation.truncate(subsets));
    assertEquals(2, subsets.size(), "the subset left without addresses goes");
    assertEquals(750, subsets.get(0).path("addresses").size());
    assertTrue(subsets.get(0).path("notReadyAddresses").isMissingNode());
    assertEquals(250, subsets.get(1).path("addresses").size());
  }

  /** The Endpoints of a Service with 1001 ready pods: 1000 addresses and the annotation, gone again at 1000 pods. */
  @Test
  void theMirrorTruncatesAndAnnotatesAndLiftsTheAnnotationAgain(@TempDir Path dir) throws Exception {
    try (SqliteStore store = SqliteStore.open(dir.resolve("store.db"))) {
      ObjectRegistry registry = new ObjectRegistry(store, Clock.systemUTC());
      EndpointsFixture fx = new EndpointsFixture(registry);
      fx.namespaceAndNode();
      ObjectNode service = fx.service("big", "big", "8080", "");
      List<ObjectNode> pods = new ArrayList<>();
      for (int i = 0; i < 1001; i++) {
        pods.add(EndpointsFixture.json("{\"metadata\":{\"name\":\"p" + i + "\",\"namespace\":\"demo\",\"uid\":\"u" + i
            + "\",\"labels\":{\"app\":\"big\"}},\"spec\":{\"nodeName\":\"node-a\",\"containers\":[{\"name\":\"c\"}]},"
            + "\"status\":{\"phase\":\"Running\",\"podIP\":\"127.244." + i / 250 + "." + (i % 250 + 1) + "\","
            + "\"podIPs\":[{\"ip\":\"127.244." + i / 250 + "." + (i % 250 + 1) + "\"}],"
            + "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}"));
      }
      EndpointsMirror mirror = new EndpointsMirror(registry);
      mirror.sync(service, pods, null);
      ObjectNode endpoints = registry.get(ResourceTypes.ENDPOINTS, "demo", "big");
      assertEquals(1000, endpoints.at("/subsets/0/addresses").size());
      assertEquals("truncated", endpoints.at("/metadata/annotations/endpoints.kubernetes.io~1over-capacity").asText());

      mirror.sync(service, pods.subList(0, 1000), null);
      endpoints = registry.get(ResourceTypes.ENDPOINTS, "demo", "big");
      assertEquals(1000, endpoints.at("/subsets/0/addresses").size());
      assertTrue(endpoints.at("/metadata/annotations/endpoints.kubernetes.io~1over-capacity").isMissingNode());
    }
  }
}
