package io.gantry.control.server.controller.endpoints;

import static io.gantry.control.server.controller.endpoints.EndpointsFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reconciler's decisions as a pure function: fewest writes, upstream's packing order. */
class SlicePlannerTest {

  private static final ObjectNode SERVICE = json("{\"metadata\":{\"name\":\"web\",\"namespace\":\"demo\","
      + "\"uid\":\"svc-uid\"},\"spec\":{\"clusterIP\":\"127.96.0.10\",\"selector\":{\"app\":\"web\"},"
      + "\"ports\":[{\"name\":\"http\",\"port\":80,\"targetPort\":8080,\"protocol\":\"TCP\"}]}}");
  private static final PortMapping HTTP = PortMapping.of(List.of(new EndpointPort("http", "TCP", 8080, null)));

  private final SlicePlanner planner = new SlicePlanner(3);

  private static ObjectNode endpoint(int i) {
    return json("{\"addresses\":[\"127.244.0." + i + "\"],\"conditions\":{\"ready\":true,\"serving\":true,"
        + "\"terminating\":false},\"targetRef\":{\"kind\":\"Pod\",\"namespace\":\"demo\",\"name\":\"p" + i
        + "\",\"uid\":\"u" + i + "\"}}");
  }

  private static DesiredEndpoints desired(PortMapping mapping, int... pods) {
    LinkedHashMap<String, ObjectNode> endpoints = new LinkedHashMap<>();
    for (int i : pods) {
      ObjectNode endpoint = endpoint(i);
      endpoints.put(PodEndpoints.identity(endpoint), endpoint);
    }
    return new DesiredEndpoints(Map.of(mapping, endpoints), List.of());
  }

  /** A stored slice as the controller would have written it, named and versioned. */
  private static ObjectNode stored(String name, PortMapping mapping, int... pods) {
    ObjectNode slice = SliceTemplates.newSlice(SERVICE, mapping);
    ObjectNode metadata = (ObjectNode) slice.get("metadata");
    metadata.put("name", name);
    metadata.put("resourceVersion", "7");
    for (int i : pods) {
      slice.withArray("endpoints").add(endpoint(i));
    }
    return slice;
  }

  private static List<Integer> sizes(List<ObjectNode> slices) {
    List<Integer> sizes = new ArrayList<>();
    slices.forEach(s -> sizes.add(s.get("endpoints").size()));
    return sizes;
  }

  @Test
  void newEndpointsArePackedIntoFullSlices() {
    SlicePlan plan = planner.plan(SERVICE, List.of(), desired(HTTP, 1, 2, 3, 4, 5, 6, 7));
    assertEquals(List.of(3, 3, 1), sizes(plan.creates()));
    assertTrue(plan.updates().isEmpty() && plan.deletes().isEmpty());
    assertEquals("web-", plan.creates().get(0).at("/metadata/generateName").asText());
  }

  @Test
  void matchingSlicesAreLeftAlone() {
    SlicePlan plan = planner.plan(SERVICE, List.of(stored("web-a", HTTP, 1, 2, 3), stored("web-b", HTTP, 4)),
        desired(HTTP, 1, 2, 3, 4));
    assertTrue(plan.isEmpty(), plan.toString());
  }

  @Test
  void aGoneEndpointIsRemovedInPlaceAndANewOneFillsThatSlice() {
    SlicePlan plan = planner.plan(SERVICE, List.of(stored("web-a", HTTP, 1, 2, 3), stored("web-b", HTTP, 4)),
        desired(HTTP, 1, 3, 4, 5));
    assertEquals(1, plan.updates().size());
    ObjectNode updated = plan.updates().get(0);
    assertEquals("web-a", updated.at("/metadata/name").asText());
    assertEquals("7", updated.at("/metadata/resourceVersion").asText(), "updates are pinned");
    assertEquals(List.of("p1", "p3", "p5"),
        updated.get("endpoints").valueStream().map(e -> e.at("/targetRef/name").asText()).toList());
    assertTrue(plan.creates().isEmpty() && plan.deletes().isEmpty());
  }

  @Test
  void leftoversGoIntoTheUnchangedSliceThatEndsUpFullest() {
    SlicePlan plan = planner.plan(SERVICE, List.of(stored("web-a", HTTP, 1), stored("web-b", HTTP, 2, 3)),
        desired(HTTP, 1, 2, 3, 4));
    assertEquals(1, plan.updates().size());
    assertEquals("web-b", plan.updates().get(0).at("/metadata/name").asText());
    assertEquals(3, plan.updates().get(0).get("endpoints").size());
  }

  @Test
  void aSliceLeftEmptyIsReusedForTheNewPortMappingInsteadOfDeleted() {
    PortMapping other = PortMapping.of(List.of(new EndpointPort("http", "TCP", 9090, null)));
    SlicePlan plan = planner.plan(SERVICE, List.of(stored("web-a", HTTP, 1)), desired(other, 1));
    assertTrue(plan.creates().isEmpty() && plan.deletes().isEmpty(), plan.toString());
    ObjectNode updated = plan.updates().get(0);
    assertEquals("web-a", updated.at("/metadata/name").asText());
    assertEquals(9090, updated.at("/ports/0/port").asInt());
  }

  @Test
  void noEndpointsTurnTheLastSliceIntoThePlaceholder() {
    SlicePlan plan = planner.plan(SERVICE, List.of(stored("web-a", HTTP, 1), stored("web-b", HTTP, 2)),
        new DesiredEndpoints(Map.of(), List.of()));
    assertEquals(1, plan.updates().size());
    assertEquals(1, plan.deletes().size());
    assertTrue(plan.updates().get(0).get("ports").isEmpty() && plan.updates().get(0).get("endpoints").isEmpty());
    assertTrue(plan.creates().isEmpty());
  }

  @Test
  void anExistingPlaceholderIsKept() {
    SlicePlan plan = planner.plan(SERVICE, List.of(stored("web-a", PortMapping.NONE)),
        new DesiredEndpoints(Map.of(), List.of()));
    assertTrue(plan.isEmpty(), plan.toString());
  }

  @Test
  void slicesOfAnotherOwnerOrAddressTypeAreDeleted() {
    ObjectNode foreign = stored("web-old", HTTP, 1);
    ((ObjectNode) foreign.at("/metadata/ownerReferences/0")).put("uid", "older-service");
    ObjectNode ipv6 = stored("web-v6", HTTP);
    ipv6.put("addressType", "IPv6");
    SlicePlan plan = planner.plan(SERVICE, List.of(foreign, ipv6), desired(HTTP, 1));
    assertEquals(List.of("web-old", "web-v6"),
        plan.deletes().stream().map(s -> s.at("/metadata/name").asText()).sorted().toList());
    assertEquals(1, plan.creates().size(), "a slice of another owner is not reused");
  }

  @Test
  void changedServiceLabelsUpdateTheSlice() {
    ObjectNode relabelled = SERVICE.deepCopy();
    relabelled.with("metadata").putObject("labels").put("team", "a");
    SlicePlan plan = planner.plan(relabelled, List.of(stored("web-a", HTTP, 1)), desired(HTTP, 1));
    assertEquals("a", plan.updates().get(0).at("/metadata/labels/team").asText());
  }

  @Test
  void maxEndpointsPerSliceIsBounded() {
    assertThrows(IllegalArgumentException.class, () -> new SlicePlanner(0));
    assertThrows(IllegalArgumentException.class, () -> new SlicePlanner(1001));
  }
}
