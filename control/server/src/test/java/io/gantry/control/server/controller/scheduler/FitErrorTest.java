package io.gantry.control.server.controller.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FitErrorTest {

  @Test
  void countsReasonsOverNodesInKubeSchedulerWording() {
    FitError error = new FitError(3, Map.of(
        "a", List.of("node(s) didn't match Pod's node affinity/selector"),
        "b", List.of("Insufficient cpu"),
        "c", List.of("Insufficient cpu")));

    assertEquals("0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 Insufficient cpu."
        + " preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling,"
        + " 2 No preemption victims found for incoming pod.", error.message());
  }

  @Test
  void aNodeShortOfSeveralResourcesCountsForEach() {
    FitError error = new FitError(1, Map.of("a", List.of("Too many pods", "Insufficient cpu", "Insufficient memory")));

    assertEquals("0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 Too many pods."
        + " preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.", error.message());
  }

  @Test
  void noNodesAtAll() {
    assertEquals("no nodes available to schedule pods", new FitError(0, Map.of()).message());
  }

  @Test
  void tolerationsMatchAsUpstream() {
    ObjectNode taint = json("{\"key\":\"dedicated\",\"value\":\"gpu\",\"effect\":\"NoSchedule\"}");

    assertTrue(Tolerations.tolerates(json("{\"key\":\"dedicated\",\"operator\":\"Equal\",\"value\":\"gpu\"}"), taint));
    assertTrue(Tolerations.tolerates(json("{\"key\":\"dedicated\",\"value\":\"gpu\",\"effect\":\"NoSchedule\"}"), taint));
    assertTrue(Tolerations.tolerates(json("{\"key\":\"dedicated\",\"operator\":\"Exists\"}"), taint));
    assertTrue(Tolerations.tolerates(json("{\"operator\":\"Exists\"}"), taint), "empty key with Exists tolerates all");
    assertFalse(Tolerations.tolerates(json("{\"key\":\"dedicated\",\"value\":\"cpu\"}"), taint));
    assertFalse(Tolerations.tolerates(json("{\"key\":\"dedicated\",\"operator\":\"Exists\",\"effect\":\"NoExecute\"}"),
        taint));
    assertFalse(Tolerations.tolerates(json("{\"key\":\"other\",\"operator\":\"Exists\"}"), taint));
  }

  private static ObjectNode json(String text) {
    return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
  }
}
