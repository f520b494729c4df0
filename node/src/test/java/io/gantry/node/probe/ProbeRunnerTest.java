package io.gantry.node.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** Probe attempts against real loopback sockets, failures worded as the kubelet's events word them. */
class ProbeRunnerTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static ProbeSpec probe(String json) throws Exception {
    return ProbeSpec.parse(JSON.readTree(json));
  }

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  @Test
  void refusedConnectionsAreReportedInGosWords() throws Exception {
    int port = closedPort();
    JsonNode none = JSON.createArrayNode();
    ProbeRunner.Result http = ProbeRunner.run(probe("{\"httpGet\": {\"path\": \"/healthz\", \"port\": " + port + "}}"),
        "127.0.0.1", none, null);
    assertFalse(http.success());
    assertEquals("Get \"http://127.0.0.1:" + port + "/healthz\": dial tcp 127.0.0.1:" + port
        + ": connect: connection refused", http.message());
    ProbeRunner.Result tcp = ProbeRunner.run(probe("{\"tcpSocket\": {\"port\": " + port + "}}"), "127.0.0.1", none,
        null);
    assertFalse(tcp.success());
    assertEquals("dial tcp 127.0.0.1:" + port + ": connect: connection refused", tcp.message());
  }

  @Test
  void anExecProbesMessageIsItsOutputAndATimeoutNamesTheCommand() throws Exception {
    ProbeSpec.ExecContext context = new ProbeSpec.ExecContext(java.util.Map.of("PATH", "/usr/bin:/bin"), null,
        java.util.List.of());
    ProbeRunner.Result failed = ProbeRunner.run(probe("{\"exec\": {\"command\": [\"/bin/sh\", \"-c\","
        + " \"echo nope; echo why >&2; exit 1\"]}}"), "127.0.0.1", JSON.createArrayNode(), context);
    assertFalse(failed.success());
    assertEquals("nope\nwhy\n", failed.message(), "stdout and stderr, as the kubelet's event shows them");

    ProbeRunner.Result slow = ProbeRunner.run(probe("{\"timeoutSeconds\": 1, \"exec\": {\"command\": [\"/bin/sleep\","
        + " \"5\"]}}"), "127.0.0.1", JSON.createArrayNode(), context);
    assertFalse(slow.success());
    assertEquals("command \"/bin/sleep 5\" timed out", slow.message());
  }

  @Test
  void anHttpServerThatNeverAnswersTimesOutAsTheKubeletSaysIt() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      ProbeRunner.Result r = ProbeRunner.run(probe("{\"timeoutSeconds\": 1, \"httpGet\": {\"port\": "
          + silent.getLocalPort() + "}}"), "127.0.0.1", JSON.createArrayNode(), null);
      assertFalse(r.success());
      assertTrue(r.message().endsWith("context deadline exceeded (Client.Timeout exceeded while awaiting headers)"),
          r.message());
    }
  }
}
