package io.gantry.control.server.controller.scheduler;

import io.gantry.control.server.resource.Quantity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class QuantityTest {

  @Test
  void cpuQuantitiesInMilliCores() {
    assertEquals(100, Quantity.milliValue("100m"));
    assertEquals(1000, Quantity.milliValue("1"));
    assertEquals(1500, Quantity.milliValue("1.5"));
    assertEquals(250, Quantity.milliValue("0.25"));
    assertEquals(1, Quantity.milliValue("1u"), "sub-milli values round up, as MilliValue() does");
    assertEquals(2_000_000, Quantity.milliValue("2k"));
  }

  @Test
  void memoryQuantitiesInBytes() {
    assertEquals(128L << 20, Quantity.value("128Mi"));
    assertEquals(1L << 30, Quantity.value("1Gi"));
    assertEquals(1000, Quantity.value("1e3"));
    assertEquals(500_000, Quantity.value("500k"));
    assertEquals(1_000_000_000, Quantity.value("1G"));
    assertEquals(1024, Quantity.value("1Ki"));
    assertEquals(2, Quantity.value("1500m"), "fractions round up to whole units");
    assertEquals(1200, Quantity.value("1.2E+3"));
    assertEquals(110, Quantity.value("+110"));
    assertEquals(new BigDecimal("0.5"), Quantity.parse(".5").stripTrailingZeros());
  }

  @Test
  void rejectsWhatIsNotAQuantity() {
    for (String bad : new String[] {"", "abc", "1Qi", "1.2.3", "Mi", "1 Gi", "--1"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Quantity.parse(bad), bad);
      assertTrue(e.getMessage().startsWith("quantity: "), e.getMessage());
    }
  }

  @Test
  void podRequestsSumContainersAndTakeTheLargestInitContainer() {
    ObjectNode pod = json("""
        {"spec":{
          "initContainers":[
            {"name":"big-init","resources":{"requests":{"cpu":"2","memory":"1Gi"}}},
            {"name":"small-init","resources":{"requests":{"cpu":"100m"}}}],
          "containers":[
            {"name":"a","resources":{"requests":{"cpu":"250m","memory":"64Mi"}}},
            {"name":"b","resources":{"limits":{"cpu":"500m","memory":"128Mi"}}}]}}""");

    Resources requests = PodRequests.of(pod);

    assertEquals(2000, requests.milliCpu(), "the init container needs more cpu than the app containers together");
    assertEquals(1L << 30, requests.memory());
    assertEquals(1, requests.pods());
  }

  @Test
  void podRequestsCountSidecarsAlongsideTheAppAndLaterInitContainers() {
    ObjectNode pod = json("""
        {"spec":{
          "initContainers":[
            {"name":"sidecar","restartPolicy":"Always","resources":{"requests":{"cpu":"300m"}}},
            {"name":"init","resources":{"requests":{"cpu":"800m"}}}],
          "containers":[{"name":"app","resources":{"requests":{"cpu":"400m"}}}],
          "overhead":{"cpu":"50m"}}}""");

    assertEquals(1150, PodRequests.of(pod).milliCpu(), "max(300+800, 400+300) + 50 overhead");
  }

  private static ObjectNode json(String text) {
    return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
  }
}
