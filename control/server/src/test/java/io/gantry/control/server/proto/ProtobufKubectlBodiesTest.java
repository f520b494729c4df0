package io.gantry.control.server.proto;

import static io.gantry.control.server.proto.ProtobufFixtures.json;
import static io.gantry.control.server.proto.ProtobufFixtures.resource;
import static io.gantry.control.server.proto.ProtobufFixtures.withoutNullTimestamps;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real bodies from kubectl 1.32/1.33 (see {@code kubectl/README.md} in the test resources),
 * decoded and compared with kubectl's own JSON for the same command.
 */
class ProtobufKubectlBodiesTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "namespace", "configmap", "secret", "deployment", "deployment-zero-replicas",
      "service-nodeport", "service-clusterip", "job", "cronjob", "ingress", "resourcequota",
      "serviceaccount", "priorityclass"})
  void decodesToKubectlsJson(String name) throws Exception {
    ObjectNode expected = withoutNullTimestamps(kubectlJson(name));

    ObjectNode decoded = ProtobufBodies.decode(resource(name + ".pb"));

    assertEquals(expected, decoded);
  }

  @Test
  void namespaceIsTheShapeKubectlWrites() throws Exception {
    assertEquals(
        json("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"foo\"},"
            + "\"spec\":{},\"status\":{}}"),
        ProtobufBodies.decode(resource("namespace.pb")));
  }

  @Test
  void zeroReplicasSurvivesBecauseReplicasIsAGoPointer() throws Exception {
    ObjectNode decoded = ProtobufBodies.decode(resource("deployment-zero-replicas.pb"));

    assertEquals(0, decoded.path("spec").path("replicas").intValue());
    assertEquals(true, decoded.path("spec").has("replicas"));
  }

  /**
   * The one known difference: Go writes non-pointer counters without {@code omitempty} even when
   * zero ({@code "disruptionsAllowed": 0}); the descriptors cannot tell them from {@code
   * omitempty} fields, so zeros are left out. Reading a missing counter as 0 means the same.
   */
  @Test
  void podDisruptionBudgetLeavesOutZeroStatusCounters() throws Exception {
    ObjectNode expected = withoutNullTimestamps(kubectlJson("poddisruptionbudget"));
    assertEquals(json("{\"disruptionsAllowed\":0,\"currentHealthy\":0,\"desiredHealthy\":0,"
        + "\"expectedPods\":0}"), expected.get("status"));
    expected.set("status", json("{}"));

    ObjectNode decoded = ProtobufBodies.decode(resource("poddisruptionbudget.pb"));

    assertEquals(expected, decoded);
    assertEquals(0, decoded.path("spec").path("minAvailable").intValue(), "IntOrString 0 kept");
  }

  private static ObjectNode kubectlJson(String name) {
    return json(new String(resource(name + ".json"), StandardCharsets.UTF_8));
  }
}
