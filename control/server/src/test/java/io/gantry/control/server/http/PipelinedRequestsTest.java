package io.gantry.control.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.control.server.ControlConfig;
import io.gantry.control.server.ControlServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests over one real connection: sent back to back, before any answer, they are answered in
 * their order; watches by the deprecated /watch/ paths.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelinedRequestsTest {
  @TempDir
  static Path dir;

  private ControlServer server;

  @BeforeAll
  void start() throws Exception {
    server = ControlServer.start(ControlConfig.builder(dir).apiAddress(new InetSocketAddress("127.0.0.1", 0))
        .dataPlaneAddress(new InetSocketAddress("127.0.0.1", 0)).adminAddress(new InetSocketAddress("127.0.0.1", 0))
        .insecureHttp(true).build());
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** A watch that ends after a second, then quick requests: each answer waits for the one before. */
  @Test
  void answersLeaveInTheOrderOfTheirRequests() throws Exception {
    String wire = exchange(List.of(
        "/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1",
        "/version",
        "/api/v1/namespaces",
        "/api/v1/namespaces/default"));
    List<Integer> heads = indexesOf(wire, "HTTP/1.1 ");
    assertEquals(4, heads.size(), wire);
    int watchEnd = wire.indexOf("\r\n0\r\n\r\n");
    assertTrue(watchEnd > 0 && watchEnd < heads.get(1), "the watch's last chunk comes before the next answer:\n" + wire);
    assertTrue(wire.indexOf("\"gitVersion\"", heads.get(1)) < heads.get(2), wire);
    assertTrue(wire.indexOf("\"kind\":\"NamespaceList\"", heads.get(2)) < heads.get(3), wire);
    assertTrue(wire.indexOf("\"kind\":\"Namespace\"", heads.get(3)) > heads.get(3), wire);
  }

  /** The deprecated /watch/ prefix (still served upstream) streams as ?watch=true does, for a collection and an object. */
  @Test
  void deprecatedWatchPathsStreamLikeWatchTrue() throws Exception {
    String wire = exchange(List.of("/api/v1/watch/namespaces?timeoutSeconds=1",
        "/api/v1/watch/namespaces/default?timeoutSeconds=1"));
    List<Integer> heads = indexesOf(wire, "HTTP/1.1 200");
    assertEquals(2, heads.size(), wire);
    for (int i = 0; i < 2; i++) {
      int end = i == 0 ? heads.get(1) : wire.length();
      String answer = wire.substring(heads.get(i), end);
      assertTrue(answer.contains("\"type\":\"ADDED\"") && answer.contains("\"name\":\"default\""), answer);
      assertTrue(answer.contains("\r\n0\r\n\r\n"), "ends as a watch does: " + answer);
    }
    assertFalse(wire.substring(heads.get(1)).contains("\"name\":\"kube-system\""), "one object only: " + wire);
  }

  /** Pipelined garbage after a good request: the good one is answered first, then the 400. */
  @Test
  void aMalformedRequestAfterAGoodOneIsAnsweredInTurn() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", java.net.URI.create(server.url()).getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write((request("/version", false) + "GARBAGE \u0001\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      String wire = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      List<Integer> heads = indexesOf(wire, "HTTP/1.1 ");
      assertEquals(2, heads.size(), wire);
      assertTrue(wire.startsWith("HTTP/1.1 200"), wire);
      assertTrue(wire.indexOf("\"gitVersion\"") < heads.get(1), wire);
      assertTrue(wire.startsWith("HTTP/1.1 400", heads.get(1)), wire);
    }
  }

  private String exchange(List<String> paths) throws Exception {
    StringBuilder requests = new StringBuilder();
    for (int i = 0; i < paths.size(); i++) {
      requests.append(request(paths.get(i), i == paths.size() - 1));
    }
    try (Socket socket = new Socket("127.0.0.1", java.net.URI.create(server.url()).getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(requests.toString().getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1); // the last request says close
    }
  }

  private String request(String path, boolean close) {
    return "GET " + path + " HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer " + server.token().value() + "\r\n"
        + (close ? "Connection: close\r\n" : "") + "\r\n";
  }

  private static List<Integer> indexesOf(String text, String part) {
    List<Integer> at = new ArrayList<>();
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      at.add(i);
    }
    return at;
  }
}
