package io.gantry.control.server.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.resource.ResourceTypes;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The Priority admission plugin with the two system PriorityClasses, in its words. */
class PriorityAdmissionTest {

  private final PriorityAdmission admission = new PriorityAdmission();

  private static ObjectNode pod(String spec) {
    return Json.parseObject(("{\"metadata\":{\"name\":\"p\"},\"spec\":" + spec + "}").getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void priorityComesFromTheClass() throws ApiException {
    ObjectNode plain = pod("{}");
    ObjectNode critical = pod("{\"priorityClassName\":\"system-node-critical\"}");
    admission.admitCreate(ResourceTypes.PODS, plain);
    admission.admitCreate(ResourceTypes.PODS, critical);
    assertEquals(0, plain.at("/spec/priority").asInt());
    assertEquals(2_000_001_000L, critical.at("/spec/priority").asLong());
    assertEquals("PreemptLowerPriority", critical.at("/spec/preemptionPolicy").asText());
  }

  @Test
  void anUnknownClassOrAPriorityOfItsOwnIsForbidden() {
    ApiException unknown = assertThrows(ApiException.class,
        () -> admission.admitCreate(ResourceTypes.PODS, pod("{\"priorityClassName\":\"nope\"}")));
    assertEquals(403, unknown.code());
    assertEquals("pods \"p\" is forbidden: no PriorityClass with name nope was found", unknown.getMessage());
    ApiException own = assertThrows(ApiException.class,
        () -> admission.admitCreate(ResourceTypes.PODS, pod("{\"priority\":5}")));
    assertEquals("pods \"p\" is forbidden: the integer value of priority (5) must not be provided in pod spec;"
        + " priority admission controller computed 0 from the given PriorityClass name", own.getMessage());
  }
}
