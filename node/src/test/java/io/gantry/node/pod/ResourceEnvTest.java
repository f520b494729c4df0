package io.gantry.node.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ResourceEnvTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNode POD;
  private static final ResourceEnv.Allocatable NODE = () -> JSON.readTree(
      "{\"cpu\":\"4\",\"memory\":\"8047560Ki\",\"pods\":\"110\"}");

  static {
    try {
      POD = JSON.readTree("""
          {"spec":{"containers":[
            {"name":"app","resources":{"limits":{"cpu":"250m","memory":"64Mi"},"requests":{"cpu":"1500m","memory":"1G"}}},
            {"name":"bare"}]}}""");
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static String value(String container, String ref) throws Exception {
    JsonNode c = null;
    for (JsonNode x : POD.at("/spec/containers")) {
      if (container.equals(x.path("name").asText())) {
        c = x;
      }
    }
    return ResourceEnv.value(JSON.readTree(ref), POD, c, NODE);
  }

  @Test
  void dividesByTheDivisorAndRoundsUp() throws Exception {
    assertEquals("1", value("app", "{\"resource\":\"limits.cpu\"}"));
    assertEquals("250", value("app", "{\"resource\":\"limits.cpu\",\"divisor\":\"1m\"}"));
    assertEquals("2", value("app", "{\"resource\":\"requests.cpu\",\"divisor\":\"1\"}"));
    assertEquals("67108864", value("app", "{\"resource\":\"limits.memory\"}"));
    assertEquals("64", value("app", "{\"resource\":\"limits.memory\",\"divisor\":\"1Mi\"}"));
    assertEquals("954", value("app", "{\"resource\":\"requests.memory\",\"divisor\":\"1Mi\"}"));
    assertEquals("1000", value("app", "{\"resource\":\"requests.memory\",\"divisor\":\"1M\"}"));
  }

  @Test
  void unsetLimitsAreTheNodesAllocatableAndUnsetRequestsZero() throws Exception {
    assertEquals("4", value("bare", "{\"resource\":\"limits.cpu\"}"));
    assertEquals("4000", value("bare", "{\"resource\":\"limits.cpu\",\"divisor\":\"1m\"}"));
    assertEquals("7859", value("bare", "{\"resource\":\"limits.memory\",\"divisor\":\"1Mi\"}"));
    assertEquals("0", value("bare", "{\"resource\":\"limits.ephemeral-storage\"}"));
    assertEquals("0", value("bare", "{\"resource\":\"requests.cpu\"}"));
    assertEquals("0", value("bare", "{\"resource\":\"requests.memory\"}"));
  }

  @Test
  void containerNameReadsAnotherContainer() throws Exception {
    assertEquals("250", value("bare", "{\"resource\":\"limits.cpu\",\"divisor\":\"1m\",\"containerName\":\"app\"}"));
  }

  @Test
  void unknownResourcesAreRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> value("app", "{\"resource\":\"limits.gpu\"}"));
    assertEquals("unsupported container resource : limits.gpu", e.getMessage());
  }
}
