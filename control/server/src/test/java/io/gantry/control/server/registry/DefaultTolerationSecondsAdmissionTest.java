package io.gantry.control.server.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.resource.ResourceTypes;
import org.junit.jupiter.api.Test;

class DefaultTolerationSecondsAdmissionTest {

  private final DefaultTolerationSecondsAdmission admission = new DefaultTolerationSecondsAdmission(300);

  @Test
  void aPodGetsBothNodeFailureTolerations() {
    ObjectNode pod = json("{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}");

    admission.admitCreate(ResourceTypes.PODS, pod);

    assertEquals(node("[{\"key\":\"node.kubernetes.io/not-ready\",\"operator\":\"Exists\",\"effect\":\"NoExecute\","
        + "\"tolerationSeconds\":300},{\"key\":\"node.kubernetes.io/unreachable\",\"operator\":\"Exists\","
        + "\"effect\":\"NoExecute\",\"tolerationSeconds\":300}]").toString(), pod.at("/spec/tolerations").toString());
  }

  @Test
  void aTolerationThePodHasIsKept() {
    ObjectNode own = json("{\"spec\":{\"tolerations\":[{\"key\":\"node.kubernetes.io/unreachable\","
        + "\"operator\":\"Exists\",\"effect\":\"NoExecute\"}]}}");
    ObjectNode everything = json("{\"spec\":{\"tolerations\":[{\"operator\":\"Exists\"}]}}");

    admission.admitCreate(ResourceTypes.PODS, own);
    admission.admitCreate(ResourceTypes.PODS, everything);

    assertEquals(2, own.at("/spec/tolerations").size());
    assertEquals("node.kubernetes.io/not-ready", own.at("/spec/tolerations/1/key").asText());
    assertEquals(node("[{\"operator\":\"Exists\"}]"), everything.at("/spec/tolerations"), "tolerates every taint");
  }

  @Test
  void otherKindsAreLeftAlone() {
    ObjectNode template = json("{\"spec\":{\"template\":{\"spec\":{}}}}");

    admission.admitCreate(ResourceTypes.DEPLOYMENTS, template);

    assertEquals(json("{\"spec\":{\"template\":{\"spec\":{}}}}"), template);
  }

  private static ObjectNode json(String text) {
    return (ObjectNode) node(text);
  }

  private static com.fasterxml.jackson.databind.JsonNode node(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
