package io.gantry.node.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A small Kubernetes REST client on the JDK {@link HttpClient}: JSON in and out as Jackson trees,
 * bearer-token authentication, the cluster CA as the only trust anchor. Enough for a node agent:
 * get, list, create, update, merge-patch, delete and watch.
 *
 * <p>Concurrency: thread-safe; every call blocks its caller (run them off any event loop).
 */
public final class KubeClient implements AutoCloseable {

  /** Bodies larger than this are refused: an API object is far smaller. */
  private static final int MAX_BODY = 16 << 20;
  /** Names the node agent as the field manager of what it writes (pod status, node status). */
  private static final String USER_AGENT = "gantry-node/1 (java)";
  /** One watch event line is bounded too. */
  private static final int MAX_LINE = 8 << 20;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI server;
  private final String token;
  private final HttpClient http;
  private final Duration timeout;

  /** The bearer token this client sends, or null: the credential the control component also presents to the agent. */
  public String bearerToken() {
    return token == null || token.isEmpty() ? null : token;
  }

  private KubeClient(URI server, String token, HttpClient http, Duration timeout) {
    this.server = server;
    this.token = token;
    this.http = http;
    this.timeout = timeout;
  }

  /**
   * A client for {@code server} ({@code https://...}, or {@code http://...} for an insecure test
   * server) trusting {@code caPem} (may be null for http) and sending {@code token} (may be null).
   */
  public static KubeClient create(URI server, String caPem, String token) {
    requireNonNull(server, "server");
    if (!"https".equals(server.getScheme()) && !"http".equals(server.getScheme())) {
      throw new IllegalArgumentException("server: " + server + " (expected: an https:// or http:// URL)");
    }
    HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5));
    if (caPem != null) {
      builder.sslContext(trusting(caPem));
    }
    String base = server.toString().endsWith("/") ? server.toString().substring(0, server.toString().length() - 1)
        : server.toString();
    return new KubeClient(URI.create(base), token, builder.build(), Duration.ofSeconds(15));
  }

  /** A client for the cluster a kubeconfig file's current context names. */
  public static KubeClient fromKubeconfig(java.nio.file.Path file) throws IOException {
    Kubeconfig config = Kubeconfig.read(file);
    return create(config.server(), config.caPem(), config.token());
  }

  static SSLContext trusting(String caPem) {
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate certificate : factory.generateCertificates(
          new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII)))) {
        store.setCertificateEntry("ca-" + i++, certificate);
      }
      if (i == 0) {
        throw new IllegalArgumentException("caPem: no certificate (expected: a PEM CERTIFICATE)");
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("caPem: " + e.getMessage() + " (expected: a PEM CERTIFICATE)", e);
    }
  }

  public URI server() {
    return server;
  }

  /** URL-encodes one query parameter value. */
  public static String q(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  public JsonNode get(String path) throws IOException {
    return send("GET", path, null, null);
  }

  public JsonNode create(String path, JsonNode body) throws IOException {
    return send("POST", path, body, "application/json");
  }

  public JsonNode update(String path, JsonNode body) throws IOException {
    return send("PUT", path, body, "application/json");
  }

  /** A JSON merge patch (RFC 7386): arrays in {@code patch} replace the object's arrays. */
  public JsonNode mergePatch(String path, JsonNode patch) throws IOException {
    return send("PATCH", path, patch, "application/merge-patch+json");
  }

  /** A strategic merge patch: lists with a Kubernetes merge key (conditions by type) merge by it. */
  public JsonNode strategicMergePatch(String path, JsonNode patch) throws IOException {
    return send("PATCH", path, patch, "application/strategic-merge-patch+json");
  }

  public JsonNode delete(String path, JsonNode options) throws IOException {
    return send("DELETE", path, options, options == null ? null : "application/json");
  }

  /** One request; the parsed JSON answer, or {@link ApiException} for any non-2xx status. */
  public JsonNode send(String method, String path, JsonNode body, String contentType) throws IOException {
    HttpRequest.Builder request = request(path).timeout(timeout);
    if (body != null) {
      request.header("Content-Type", contentType)
          .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<InputStream> response = sendRaw(request.build());
    byte[] bytes;
    try (InputStream in = response.body()) {
      bytes = in.readNBytes(MAX_BODY + 1);
    }
    if (bytes.length > MAX_BODY) {
      throw new IOException(method + " " + path + ": answer larger than " + MAX_BODY + " bytes");
    }
    if (response.statusCode() / 100 != 2) {
      throw error(response.statusCode(), bytes);
    }
    return bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server + path)).header("Accept", "application/json")
        .header("User-Agent", USER_AGENT);
    if (token != null && !token.isEmpty()) {
      request.header("Authorization", "Bearer " + token);
    }
    return request;
  }

  private HttpResponse<InputStream> sendRaw(HttpRequest request) throws IOException {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted: " + request.method() + " " + request.uri());
    }
  }

  private static ApiException error(int code, byte[] bytes) {
    String message;
    try {
      message = JSON.readTree(bytes).path("message").asText(new String(bytes, StandardCharsets.UTF_8));
    } catch (IOException e) {
      message = new String(bytes, 0, Math.min(bytes.length, 512), StandardCharsets.UTF_8);
    }
    return new ApiException(code, message);
  }

  /** A running watch: {@link #close} ends it from any thread. */
  public interface Watch extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Watches {@code path} (a collection path with its query, {@code watch=1} is added) and hands
   * every event ({@code {"type": ..., "object": ...}}) to {@code onEvent} on the calling thread
   * until the server ends the stream or {@code registered} 's watch is closed. A 410 Gone (in the
   * response or as an ERROR event) throws {@link ApiException} with code 410.
   */
  public void watch(String path, Consumer<Watch> registered, Consumer<JsonNode> onEvent) throws IOException {
    String sep = path.contains("?") ? "&" : "?";
    HttpRequest request = request(path + sep + "watch=1&allowWatchBookmarks=true").GET().build();
    HttpResponse<InputStream> response = sendRaw(request);
    InputStream body = response.body();
    registered.accept(() -> {
      try {
        body.close();
      } catch (IOException e) {
        // closing to cancel: nothing to do
      }
    });
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      if (response.statusCode() / 100 != 2) {
        throw error(response.statusCode(), reader.lines().limit(100).reduce("", String::concat)
            .getBytes(StandardCharsets.UTF_8));
      }
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        if (line.length() > MAX_LINE) {
          throw new IOException("watch event longer than " + MAX_LINE + " characters");
        }
        JsonNode event = JSON.readTree(line);
        if ("ERROR".equals(event.path("type").asText())) {
          throw new ApiException(event.path("object").path("code").asInt(500),
              event.path("object").path("message").asText("watch error"));
        }
        onEvent.accept(event);
      }
    }
  }

  @Override
  public void close() {
    http.close();
  }
}
