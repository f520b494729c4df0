package io.gantry.control.server.proto;

import static io.gantry.control.server.proto.ProtobufFixtures.resource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gantry.control.server.json.Json;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real kubectl (1.32 or newer, found on PATH) against a minimal capture server and
 * decodes the body it POSTs. Skipped, with a reason, when no such kubectl is installed; the
 * stored bodies in {@code kubectl/*.pb} keep the decoder covered without it.
 */
class ProtobufKubectlLiveTest {

  private static final List<String> CANDIDATES = List.of("kubectl.1.33", "kubectl.1.32", "kubectl");
  private static final Pattern MINOR = Pattern.compile("\"minor\"\\s*:\\s*\"(\\d+)");

  @TempDir Path home;

  @Test
  void kubectlCreateNamespaceBodyDecodes() throws Exception {
    String kubectl = findKubectl();
    assumeTrue(kubectl != null, "no kubectl >= 1.32 on PATH (tried " + CANDIDATES
        + "); the stored kubectl/*.pb bodies still cover the decoder");

    CompletableFuture<byte[]> posted = new CompletableFuture<>();
    CompletableFuture<String> contentType = new CompletableFuture<>();
    HttpServer server = HttpServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> answer(exchange, posted, contentType));
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort();
      ProcessBuilder command = new ProcessBuilder(kubectl, "--server", url,
          "--cache-dir", home.resolve("cache").toString(), "create", "namespace", "foo")
          .redirectErrorStream(true)
          .redirectOutput(home.resolve("kubectl.log").toFile());
      // No kubeconfig of the user's may leak in: an empty one, and a private HOME.
      command.environment().put("KUBECONFIG",
          Files.createFile(home.resolve("kubeconfig")).toString());
      command.environment().put("HOME", home.toString());
      Process process = command.start();
      boolean exited = process.waitFor(60, TimeUnit.SECONDS);
      if (!exited) {
        process.destroyForcibly();
      }
      String log = Files.readString(home.resolve("kubectl.log"));
      assertTrue(exited && process.exitValue() == 0, "kubectl failed: " + log);

      byte[] body = posted.get(1, TimeUnit.SECONDS);
      assertEquals(ProtobufBodies.CONTENT_TYPE, contentType.get());
      ObjectNode decoded = ProtobufBodies.decode(body);
      assertEquals("foo", decoded.path("metadata").path("name").asText());
      assertEquals("Namespace", decoded.path("kind").asText());
      assertArrayEquals(resource("namespace.pb"), body,
          "kubectl no longer sends the stored kubectl/namespace.pb bytes; recapture them");
    } finally {
      server.stop(0);
    }
  }

  private static void answer(HttpExchange exchange, CompletableFuture<byte[]> posted,
      CompletableFuture<String> contentType) throws IOException {
    byte[] request = exchange.getRequestBody().readAllBytes();
    int status;
    String response;
    if (exchange.getRequestMethod().equals("POST")) {
      contentType.complete(exchange.getRequestHeaders().getFirst("Content-Type"));
      posted.complete(request);
      status = 201;
      response = "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"foo\"}}";
    } else {
      status = 404;
      response = "{\"apiVersion\":\"v1\",\"kind\":\"Status\",\"status\":\"Failure\","
          + "\"reason\":\"NotFound\",\"code\":404}";
    }
    byte[] bytes = response.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  /** The first candidate on PATH whose client version is 1.32 or newer, or null. */
  private String findKubectl() throws InterruptedException {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String name : CANDIDATES) {
      for (String dir : path.split(File.pathSeparator)) {
        File file = new File(dir, name);
        if (file.canExecute() && minorVersion(file.getPath()) >= 32) {
          return file.getPath();
        }
      }
    }
    return null;
  }

  private int minorVersion(String kubectl) throws InterruptedException {
    try {
      Path out = Files.createTempFile(home, "version", ".json");
      Process process = new ProcessBuilder(kubectl, "version", "--client", "-o", "json")
          .redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return -1;
      }
      JsonNode version = Json.parse(Files.readAllBytes(out)).path("clientVersion");
      Matcher m = MINOR.matcher(version.toString());
      return version.path("major").asText().equals("1") && m.find()
          ? Integer.parseInt(m.group(1)) : -1;
    } catch (IOException e) {
      return -1;
    }
  }
}
