package io.gantry.testing;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Raw Kubernetes API calls with the JDK HTTP client: HTTPS trusting only the cluster CA, an
 * optional bearer token, JSON bodies. Immutable; {@link #withToken} makes a sibling.
 */
public final class ApiClient {

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient http;
  private final SSLContext tls;
  private final URI base;
  private final String token;

  private ApiClient(HttpClient http, SSLContext tls, URI base, String token) {
    this.http = http;
    this.tls = tls;
    this.base = base;
    this.token = token;
  }

  /** A client for {@code base} (e.g. {@code https://127.0.0.1:6443}) trusting {@code caFile}. */
  public static ApiClient of(URI base, Path caFile, String token) {
    requireNonNull(base, "base");
    SSLContext tls = trusting(caFile);
    HttpClient http = HttpClient.newBuilder()
        .sslContext(tls)
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
    return new ApiClient(http, tls, base, token);
  }

  /** The same server with another bearer token; {@code null} sends no Authorization header. */
  public ApiClient withToken(String otherToken) {
    return new ApiClient(http, tls, base, otherToken);
  }

  /** TLS that trusts exactly the PEM certificate(s) in {@code caFile}. */
  public static SSLContext trusting(Path caFile) {
    requireNonNull(caFile, "caFile");
    try (InputStream in = Files.newInputStream(caFile)) {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trust.setCertificateEntry("ca-" + i++, certificate);
      }
      if (i == 0) {
        throw new IllegalStateException("no certificate in " + caFile);
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read CA " + caFile, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot use CA " + caFile, e);
    }
  }

  /** The TLS context this client uses (for raw sockets). */
  public SSLContext tls() {
    return tls;
  }

  /** The server's base URI. */
  public URI base() {
    return base;
  }

  /** A request builder for {@code path} (with query), bearer token and JSON Accept already set. */
  public HttpRequest.Builder request(String path) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path))
        .timeout(REQUEST_TIMEOUT)
        .header("Accept", "application/json");
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  public HttpResponse<String> get(String path) {
    return send(request(path).GET().build());
  }

  public HttpResponse<String> post(String path, String json) {
    return send(request(path).header("Content-Type", "application/json").POST(BodyPublishers.ofString(json)).build());
  }

  public HttpResponse<String> put(String path, String json) {
    return send(request(path).header("Content-Type", "application/json").PUT(BodyPublishers.ofString(json)).build());
  }

  public HttpResponse<String> patch(String path, String contentType, String body) {
    return send(request(path).header("Content-Type", contentType).method("PATCH", BodyPublishers.ofString(body)).build());
  }

  public HttpResponse<String> delete(String path) {
    return send(request(path).DELETE().build());
  }

  /** Sends {@code body} with {@code method} and {@code contentType}. */
  public HttpResponse<String> send(String method, String path, String contentType, BodyPublisher body) {
    return send(request(path).header("Content-Type", contentType).method(method, body).build());
  }

  /** Sends a request; I/O problems become {@link UncheckedIOException}. */
  public HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(request.method() + " " + request.uri() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Opens a watch on {@code path} (which must carry {@code watch=true}); fails unless it answers 200.
   * Each watch gets its own HTTP client, hence its own connection: a watch connection is never
   * handed back to the pool that {@link #get} and friends use.
   */
  public WatchStream watch(String path) {
    HttpClient http = HttpClient.newBuilder()
        .sslContext(tls)
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
    HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
        .header("Accept", "application/json")
        .headers(token == null ? new String[0] : new String[] {"Authorization", "Bearer " + token})
        .GET()
        .build();
    try {
      HttpResponse<InputStream> response = http.send(request, BodyHandlers.ofInputStream());
      if (response.statusCode() != 200) {
        String body;
        try (InputStream in = response.body()) {
          body = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        throw new AssertionError("watch " + path + " answered " + response.statusCode() + ": " + body);
      }
      return WatchStream.reading(path, response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("watch " + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
