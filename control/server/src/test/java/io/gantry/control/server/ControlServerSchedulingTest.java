package io.gantry.control.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.control.server.json.Json;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scheduler runs inside the control server: a pod posted over HTTP gets bound to a Ready node. */
class ControlServerSchedulingTest {

  @TempDir
  Path dir;

  @Test
  void aPodPostedOverTheApiIsScheduled() throws Exception {
    ControlConfig config = ControlConfig.builder(dir).apiAddress(new InetSocketAddress("127.0.0.1", 0))
        .insecureHttp(true).build();
    try (ControlServer server = ControlServer.start(config)) {
      HttpClient client = HttpClient.newHttpClient();
      String token = server.token().value();
      post(client, server.url() + "/api/v1/nodes", token, """
          {"metadata":{"name":"n1"},"status":{"allocatable":{"cpu":"2","memory":"2Gi","pods":"10"},
           "conditions":[{"type":"Ready","status":"True","reason":"KubeletReady"}]}}""");
      post(client, server.url() + "/api/v1/namespaces/default/pods", token, """
          {"metadata":{"name":"web"},"spec":{"containers":[{"name":"c","image":"nginx:1.27"}]}}""");

      long deadline = System.currentTimeMillis() + 10_000;
      while (System.currentTimeMillis() < deadline) {
        JsonNode pod = Json.parse(client.send(request(server.url() + "/api/v1/namespaces/default/pods/web", token)
            .GET().build(), HttpResponse.BodyHandlers.ofByteArray()).body());
        if (!pod.at("/spec/nodeName").asText("").isEmpty()) {
          assertEquals("n1", pod.at("/spec/nodeName").asText());
          return;
        }
        Thread.sleep(20);
      }
      fail("the pod was never scheduled");
    }
  }

  private static void post(HttpClient client, String url, String token, String body) throws Exception {
    HttpResponse<String> response = client.send(request(url, token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(201, response.statusCode(), response.body());
  }

  private static HttpRequest.Builder request(String url, String token) {
    return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token);
  }
}
