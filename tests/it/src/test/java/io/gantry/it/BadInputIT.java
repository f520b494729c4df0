package io.gantry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.testing.Curl;
import io.gantry.testing.GantryProcess;
import io.gantry.testing.Json;
import io.gantry.testing.RawHttps;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Hostile or broken input gets a refusal or a closed connection, and the server keeps serving. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputIT {

  private GantryProcess gantry;

  @BeforeAll
  void start() {
    gantry = GantryProcess.start();
  }

  @AfterAll
  void stop() {
    if (gantry != null) {
      gantry.close();
    }
  }

  @AfterEach
  void serverStillAnswersKubectl() {
    gantry.kubectl().run("get", "namespaces").assertOk().assertStdoutContains("default");
  }

  @Test
  void garbageBytesOnTheTlsPortAreDropped() throws IOException {
    byte[] garbage = new byte[4096];
    new Random(42).nextBytes(garbage);
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", gantry.port()), 5_000);
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(garbage);
      socket.getOutputStream().flush();

      assertTrue(closedWithin(socket.getInputStream()), "the server must close a connection that is not TLS");
    }
  }

  @Test
  void plainHttpOnTheTlsPortIsDropped() throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", gantry.port()), 5_000);
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write("GET /api HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());

      InputStream in = socket.getInputStream();
      byte[] answer = readUpTo(in, 4096);
      assertTrue(!new String(answer).contains("APIVersions"), "no API answer over plain HTTP on the TLS port");
    }
  }

  @Test
  void truncatedRequestThenHangUp() {
    try (RawHttps connection = RawHttps.connect(gantry)) {
      connection.send("GET /api/v1/namespaces HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + gantry.token());
    }
    try (RawHttps connection = RawHttps.connect(gantry)) {
      connection.send("POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Authorization: Bearer " + gantry.token() + "\r\nContent-Type: application/json\r\n"
          + "Content-Length: 1000\r\n\r\n{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",");
    }
    gantry.kubectl().run("get", "configmaps", "-n", "default", "-o", "name").assertOk();
  }

  @Test
  void requestLineThatIsNotHttpIsRefused() {
    try (RawHttps connection = RawHttps.connect(gantry)) {
      RawHttps.Response response = connection.send("HELLO THERE\r\n\r\n").readResponse();

      assertTrue(response == null || response.status() == 400, () -> "expected 400 or a closed connection: " + response);
    }
  }

  @Test
  void hugeHeaderIsRefused() {
    try (RawHttps connection = RawHttps.connect(gantry)) {
      // The server may hang up while the header is still being written; it may answer first.
      connection.trySend("GET /api/v1/namespaces HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Authorization: Bearer " + gantry.token() + "\r\nX-Huge: " + "a".repeat(1536 * 1024) + "\r\n\r\n");
      RawHttps.Response response = connection.readResponse();

      assertTrue(response == null || response.status() == 431,
          () -> "expected 431 (over kube-apiserver's 1 MiB of headers) or a closed connection: " + response);
    }
  }

  @Test
  void aMalformedPercentEscapeIsABadRequest() {
    try (RawHttps connection = RawHttps.connect(gantry)) {
      RawHttps.Response response = connection.send("GET /api/v1/namespaces/default/configmaps/%zz HTTP/1.1\r\n"
          + "Host: 127.0.0.1\r\nAuthorization: Bearer " + gantry.token() + "\r\n\r\n").readResponse();
      assertTrue(response != null && response.status() == 400, () -> "expected 400: " + response);
      assertTrue(response.body().contains("invalid URL escape \\\"%zz\\\""), response.body());
    }
  }

  @Test
  void aLongLabelSelectorFitsAsInKubeApiserver() {
    StringBuilder values = new StringBuilder();
    for (int i = 0; i < 450; i++) {
      values.append(i == 0 ? "" : ",").append(String.format("value-%03d", i));
    }
    gantry.kubectl().run("get", "pods", "-A", "-l", "app in (" + values + ")").assertOk();
  }

  @Test
  void fourMebibyteBodyIsTooLarge() throws IOException {
    Path body = Files.createTempFile(gantry.dataDir(), "big-", ".json");
    Files.writeString(body, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"big\"},"
        + "\"data\":{\"big\":\"" + "x".repeat(4 * 1024 * 1024) + "\"}}");

    Curl.Response response = Curl.against(gantry).request("/api/v1/namespaces/default/configmaps", gantry.token(),
        "-X", "POST", "-H", "Content-Type: application/json", "--data-binary", "@" + body);

    assertEquals(413, response.status(), response.body());
    JsonNode status = Json.parse(response.body());
    assertEquals("RequestEntityTooLarge", status.path("reason").asText(), response::body);
    assertEquals("Request entity too large: limit is 3145728", status.path("message").asText(), response::body);
    gantry.kubectl().run("get", "configmap", "big", "-n", "default").assertFailed().assertStderrContains("NotFound");
    // kubectl prints the Status's message
    gantry.kubectl().run("create", "-f", body.toString()).assertFailed()
        .assertStderrContains("Request entity too large: limit is 3145728");
  }

  @Test
  void invalidJsonIsABadRequestStatus() {
    var response = gantry.api().post("/api/v1/namespaces/default/configmaps", "{\"apiVersion\":\"v1\",\"kind\":");

    assertEquals(400, response.statusCode(), response::body);
    JsonNode status = Json.parse(response.body());
    assertEquals("Status", status.path("kind").asText(), response::body);
    assertEquals("Failure", status.path("status").asText(), response::body);
    assertEquals(400, status.path("code").asInt(), response::body);
  }

  @Test
  void jsonThatIsNotAnObjectIsABadRequestStatus() {
    var response = gantry.api().post("/api/v1/namespaces/default/configmaps", "[1,2,3]");

    assertEquals(400, response.statusCode(), response::body);
    assertEquals("Status", Json.parse(response.body()).path("kind").asText(), response::body);
  }

  private static boolean closedWithin(InputStream in) throws IOException {
    try {
      while (true) {
        if (in.read() == -1) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  private static byte[] readUpTo(InputStream in, int limit) {
    try {
      return in.readNBytes(limit);
    } catch (IOException e) {
      return new byte[0];
    }
  }
}
