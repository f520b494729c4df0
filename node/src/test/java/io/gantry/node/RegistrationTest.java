package io.gantry.node;

import static io.gantry.node.ControlFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node registers Ready with its pod CIDR and Lease, and goes Unknown when its agent stops. */
class RegistrationTest {

  @TempDir
  Path dir;

  @Test
  void registersReadyWithPodCidrAndLeaseAndGoesUnknownWhenStopped() throws Exception {
    try (ControlFixture control = ControlFixture.start(dir.resolve("control"), Duration.ofSeconds(3))) {
      NodeAgentConfig config = NodeAgentConfig.builder("node-1", "127.0.0.11", dir.resolve("node"))
          .heartbeatInterval(Duration.ofMillis(500)).build();
      NodeAgent agent = NodeAgent.start(config, control.api);
      JsonNode node;
      try {
      node = await("node-1 Ready with a pod CIDR", Duration.ofSeconds(10), () -> {
        JsonNode n = control.getOrNull("/api/v1/nodes/node-1");
        return n != null && ready(n).equals("True") && !n.path("spec").path("podCIDR").asText().isEmpty() ? n : null;
      });
      assertTrue(node.at("/spec/podCIDR").asText().startsWith("127.244."), node.toString());
      assertEquals("v1.32.0-gantry", node.at("/status/nodeInfo/kubeletVersion").asText());
      assertEquals("110", node.at("/status/capacity/pods").asText());
      assertEquals(Integer.toString(Runtime.getRuntime().availableProcessors()), node.at("/status/capacity/cpu").asText());
      assertTrue(node.at("/status/capacity/memory").asText().endsWith("Ki"));
      assertEquals("InternalIP", node.at("/status/addresses/0/type").asText());
      assertEquals("127.0.0.11", node.at("/status/addresses/0/address").asText());
      assertEquals(agent.serverPort(), node.at("/status/daemonEndpoints/kubeletEndpoint/Port").asInt());
      assertEquals(node.at("/spec/podCIDR").asText(), await("agent sees its CIDR", Duration.ofSeconds(5), agent::podCidr));

      JsonNode lease = await("lease", Duration.ofSeconds(5),
          () -> control.getOrNull("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-1"));
      assertEquals("node-1", lease.at("/spec/holderIdentity").asText());
      assertEquals(40, lease.at("/spec/leaseDurationSeconds").asInt());
      assertTrue(lease.at("/spec/renewTime").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z"),
          lease.toString());
      String firstRenew = lease.at("/spec/renewTime").asText();
      await("lease renewed", Duration.ofSeconds(5), () -> !control.api.get(
          "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-1").at("/spec/renewTime").asText()
          .equals(firstRenew));

      } finally {
        agent.close();
      }
      await("node-1 Unknown", Duration.ofSeconds(15),
          () -> ready(control.api.get("/api/v1/nodes/node-1")).equals("Unknown"));

      // a new agent for the same node takes the Node over and turns it Ready again, with the same CIDR
      try (NodeAgent again = NodeAgent.start(config, control.api)) {
        await("node-1 Ready again", Duration.ofSeconds(10),
            () -> ready(control.api.get("/api/v1/nodes/node-1")).equals("True"));
        assertEquals(node.at("/spec/podCIDR").asText(), await("CIDR", Duration.ofSeconds(5), again::podCidr));
      }
    }
  }

  static String ready(JsonNode node) {
    for (JsonNode c : node.path("status").path("conditions")) {
      if ("Ready".equals(c.path("type").asText())) {
        return c.path("status").asText();
      }
    }
    return "";
  }
}
