package io.gantry.control.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.gantry.control.server.ControlConfig;
import io.gantry.control.server.ControlServer;
import io.gantry.control.server.tls.ClusterCertificates;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code proxy} subresources of Services and Pods through a running control server (plain
 * HTTP) to a real backend: what is relayed, what comes back, and the errors, as kube-apiserver
 * answers them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProxySubresourceTest {

  private static final String SVC = "/api/v1/namespaces/default/services/";
  private static final String POD = "/api/v1/namespaces/default/pods/";

  @TempDir
  static Path dir;
  private ControlServer server;
  private HttpServer backend;
  private HttpsServer tlsBackend;
  private int closedPort;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    backend.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    backend.createContext("/", ProxySubresourceTest::echo);
    backend.createContext("/page", exchange -> reply(exchange, 200, "text/html; charset=utf-8",
        "<html><a href=\"/rewriteme\">test</a> <img src='rel.png'> <a href=\"http://other.example/x\">o</a></html>"));
    backend.createContext("/moved", exchange -> {
      exchange.getResponseHeaders().set("Location", "/target?a=1");
      reply(exchange, 302, "text/plain", "");
    });
    backend.start();
    // a certificate signed by a CA the relay does not know, as pods' certificates are
    ClusterCertificates pki = ClusterCertificates.loadOrCreate(dir.resolve("backend-pki"), List.of(), List.of());
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("backend", pki.serverKey(), new char[0], new Certificate[] {pki.serverCertificate()});
    KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keys, new char[0]);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keyManagers.getKeyManagers(), null, null);
    tlsBackend = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    tlsBackend.setHttpsConfigurator(new HttpsConfigurator(tls));
    tlsBackend.createContext("/", exchange -> reply(exchange, 200, "text/plain", "tls " + exchange.getRequestURI()));
    tlsBackend.start();
    try (ServerSocket unused = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = unused.getLocalPort();
    }
    ControlConfig config = ControlConfig.builder(dir).apiAddress(new InetSocketAddress("127.0.0.1", 0))
        .dataPlaneAddress(new InetSocketAddress("127.0.0.1", 0)).adminAddress(new InetSocketAddress("127.0.0.1", 0))
        .insecureHttp(true).build();
    server = ControlServer.start(config);
    int port = backend.getAddress().getPort();
    send("POST", SVC, "{\"metadata\":{\"name\":\"backend\"},\"spec\":{\"ports\":["
        + "{\"name\":\"http\",\"port\":80,\"targetPort\":" + port + "},{\"name\":\"closed\",\"port\":81},"
        + "{\"name\":\"tls\",\"port\":443}]}}", 201);
    send("POST", "/api/v1/namespaces/default/endpoints", "{\"metadata\":{\"name\":\"backend\"},\"subsets\":[{"
        + "\"addresses\":[{\"ip\":\"127.0.0.1\"}],\"ports\":[{\"name\":\"http\",\"port\":" + port + "},"
        + "{\"name\":\"closed\",\"port\":" + closedPort + "},"
        + "{\"name\":\"tls\",\"port\":" + tlsBackend.getAddress().getPort() + "}]}]}", 201);
    send("POST", "/api/v1/namespaces/default/endpoints", "{\"metadata\":{\"name\":\"empty\"}}", 201);
    send("POST", POD, "{\"metadata\":{\"name\":\"web\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\","
        + "\"ports\":[{\"containerPort\":" + port + "}]}]}}", 201);
    send("PATCH", POD + "web/status", "{\"status\":{\"podIP\":\"127.0.0.1\"}}", 200);
    send("POST", POD, "{\"metadata\":{\"name\":\"no-ip\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}",
        201);
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
    backend.stop(0);
    tlsBackend.stop(0);
  }

  @Test
  void httpsBackendsAreReachedWithoutVerifyingThem() throws Exception {
    HttpResponse<String> got = get(SVC + "https:backend:tls/proxy/secure?q=1");
    assertEquals(200, got.statusCode(), got.body());
    assertEquals("tls /secure?q=1", got.body());
    HttpResponse<String> pod = get(POD + "https:web:" + tlsBackend.getAddress().getPort() + "/proxy/p");
    assertEquals("tls /p", pod.body());
  }

  @Test
  void relaysMethodPathQueryHeadersAndBodyWithoutTheCredentials() throws Exception {
    HttpResponse<String> got = call(HttpRequest.newBuilder(url(SVC + "backend:http/proxy/some/path/?x=1&y=a%20b"))
        .header("X-Test", "yes").method("PUT", HttpRequest.BodyPublishers.ofString("hello")));
    assertEquals(200, got.statusCode(), got.body());
    assertTrue(got.body().startsWith("PUT /some/path/?x=1&y=a%20b\n"), got.body());
    assertTrue(got.body().contains("\nx-test: yes\n"), got.body());
    assertTrue(got.body().contains("\nx-forwarded-for: 127.0.0.1\n"), got.body());
    assertTrue(got.body().endsWith("\nbody: hello"), got.body());
    assertFalse(got.body().toLowerCase(java.util.Locale.ROOT).contains("authorization"), got.body());
    assertFalse(got.headers().firstValue("Access-Control-Allow-Origin").isPresent());
    assertEquals("kept", got.headers().firstValue("X-Backend").orElse(""));
  }

  /** The methods of the e2e "ProxyWithPath" test, through both subresources. */
  @Test
  void everyMethodIsRelayed() throws Exception {
    for (String method : List.of("DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT")) {
      for (String prefix : List.of(SVC + "backend", POD + "web")) {
        String path = prefix + (prefix.startsWith(SVC) ? ":http" : "") + "/proxy/some/path/with/" + method;
        HttpResponse<String> got = call(HttpRequest.newBuilder(url(path))
            .method(method, HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, got.statusCode(), path);
        assertTrue(got.body().startsWith(method + " /some/path/with/" + method + "\n"), path + ": " + got.body());
      }
    }
  }

  /**
   * The client holds a Content-Length answer once its last byte is in and sends the next request at once:
   * the answer's end must be written by then, or the next head is refused and its body arrives alone.
   */
  @Test
  void answersFollowEachOtherOnOneKeptAliveConnection() throws Exception {
    HttpClient oneConnection = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    for (int i = 0; i < 1000; i++) {
      String path = (i % 2 == 0 ? SVC + "backend:http" : POD + "web") + "/proxy/n/" + i;
      HttpResponse<String> got = oneConnection.send(HttpRequest.newBuilder(url(path))
          .header("Authorization", "Bearer " + server.token().value()).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, got.statusCode(), path);
      assertTrue(got.body().startsWith("GET /n/" + i + "\n"), path + ": " + got.body());
    }
  }

  @Test
  void servicePortsByNumberNameAndSchemeAndPodsByIp() throws Exception {
    for (String path : List.of(SVC + "backend:80/proxy/a", SVC + "http:backend:http/proxy/a",
        SVC + "http%3Abackend%3Ahttp/proxy/a",
        POD + "web/proxy/a", POD + "web:" + backend.getAddress().getPort() + "/proxy/a",
        POD + "http:web:" + backend.getAddress().getPort() + "/proxy/a")) {
      HttpResponse<String> got = get(path);
      assertEquals(200, got.statusCode(), path + ": " + got.body());
      assertTrue(got.body().startsWith("GET /a\n"), path + ": " + got.body());
    }
  }

  @Test
  void bareProxyPathRedirectsGetAndHeadAndRelaysTheRestToTheRoot() throws Exception {
    for (String method : List.of("GET", "HEAD")) {
      for (String prefix : List.of(SVC + "backend:http", POD + "web")) {
        HttpResponse<String> got = call(HttpRequest.newBuilder(url(prefix + "/proxy?method=" + method))
            .method(method, HttpRequest.BodyPublishers.noBody()));
        assertEquals(301, got.statusCode(), prefix);
        assertEquals(prefix + "/proxy/?method=" + method, got.headers().firstValue("Location").orElse(""));
      }
    }
    HttpResponse<String> got = call(HttpRequest.newBuilder(url(POD + "web/proxy?method=DELETE")).DELETE());
    assertEquals(200, got.statusCode(), got.body());
    assertTrue(got.body().startsWith("DELETE /?method=DELETE\n"), got.body());
  }

  @Test
  void headAnswersTheHeadersOnly() throws Exception {
    HttpResponse<String> got = call(HttpRequest.newBuilder(url(SVC + "backend:http/proxy/x"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()));
    assertEquals(200, got.statusCode());
    assertEquals("", got.body());
  }

  @Test
  void htmlLinksAndRedirectsAreRebasedUnderTheProxyPath() throws Exception {
    String prefix = POD + "web:" + backend.getAddress().getPort() + "/proxy";
    HttpResponse<String> page = get(prefix + "/page");
    assertEquals("<html><a href=\"" + prefix + "/rewriteme\">test</a> <img src='rel.png'>"
        + " <a href=\"http://other.example/x\">o</a></html>", page.body());
    HttpResponse<String> moved = get(SVC + "backend:http/proxy/moved");
    assertEquals(302, moved.statusCode());
    assertEquals(SVC + "backend:http/proxy/target?a=1", moved.headers().firstValue("Location").orElse(""));
  }

  @Test
  void errorsAreTheApiServers() throws Exception {
    assertError(SVC + "backend:82/proxy/", 503, "no service port 82 found for service \"backend\"");
    // upstream reads the Endpoints, not the Service, for a named port
    assertError(SVC + "missing/proxy/", 404, "endpoints \"missing\" not found");
    assertError(SVC + "missing:80/proxy/", 404, "services \"missing\" not found");
    assertError(SVC + "empty/proxy/", 503, "no endpoints available for service \"empty\"");
    assertError(SVC + "backend:nope/proxy/", 503, "no endpoints available for service \"backend:nope\"");
    assertError(SVC + "ftp:backend:http/proxy/", 400, "invalid service request \"ftp:backend:http\"");
    assertError(POD + "no-ip/proxy/", 400, "address not allowed");
    assertError(POD + "gone/proxy/", 404, "pods \"gone\" not found");
    HttpResponse<String> refused = get(SVC + "backend:closed/proxy/");
    assertEquals(503, refused.statusCode());
    assertEquals("Error trying to reach service: 'dial tcp 127.0.0.1:" + closedPort + ": connect: connection refused'",
        refused.body());
    HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(url(SVC + "backend:http/proxy/")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(401, anonymous.statusCode());
  }

  @Test
  void discoveryListsTheProxySubresources() throws Exception {
    String resources = get("/api/v1").body();
    assertTrue(resources.contains("{\"name\":\"services/proxy\",\"singularName\":\"\",\"namespaced\":true,"
        + "\"kind\":\"ServiceProxyOptions\",\"verbs\":[\"create\",\"delete\",\"get\",\"patch\",\"update\"]}"), resources);
    assertTrue(resources.contains("\"name\":\"pods/proxy\""), resources);
  }

  private void assertError(String path, int code, String message) throws Exception {
    HttpResponse<String> got = get(path);
    assertEquals(code, got.statusCode(), path + ": " + got.body());
    assertTrue(got.body().contains("\"message\":\"" + message.replace("\"", "\\\"") + "\""), path + ": " + got.body());
  }

  private static void echo(HttpExchange exchange) throws IOException {
    StringBuilder out = new StringBuilder();
    out.append(exchange.getRequestMethod()).append(' ').append(exchange.getRequestURI().getRawPath());
    if (exchange.getRequestURI().getRawQuery() != null) {
      out.append('?').append(exchange.getRequestURI().getRawQuery());
    }
    out.append('\n');
    for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
      for (String value : header.getValue()) {
        out.append(header.getKey().toLowerCase(java.util.Locale.ROOT)).append(": ").append(value).append('\n');
      }
    }
    out.append("body: ").append(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    exchange.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
    exchange.getResponseHeaders().set("X-Backend", "kept");
    reply(exchange, 200, "text/plain", out.toString());
  }

  private static void reply(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head || bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      if (!head) {
        out.write(bytes);
      }
    }
  }

  private URI url(String path) {
    return URI.create(server.url() + path);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return call(HttpRequest.newBuilder(url(path)));
  }

  private HttpResponse<String> call(HttpRequest.Builder request) throws Exception {
    return http.send(request.header("Authorization", "Bearer " + server.token().value()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private void send(String method, String path, String body, int expected) throws Exception {
    HttpResponse<String> got = call(HttpRequest.newBuilder(url(path))
        .header("Content-Type", method.equals("PATCH") ? "application/merge-patch+json" : "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body)));
    assertEquals(expected, got.statusCode(), method + " " + path + ": " + got.body());
  }
}
