package io.gantry.control.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real handshakes over loopback sockets against the context from {@link ClusterCertificates#serverSslContext()}. */
class TlsHandshakeTest {
  @TempDir Path dir;

  @Test
  void clientTrustingOnlyTheCaVerifiesLocalhostAndLoopbackIp() throws Exception {
    ClusterCertificates certs = ClusterCertificates.loadOrCreate(dir, List.of(), List.of());
    HttpClient client = clientTrusting(certs.caCertificate());

    try (TlsTestServer server = TlsTestServer.start(certs.serverSslContext(), "127.0.0.1", null)) {
      for (String host : List.of("localhost", "127.0.0.1")) {
        HttpResponse<String> response = client.send(
            HttpRequest.newBuilder(URI.create("https://" + host + ":" + server.port() + "/version")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), host);
        assertEquals(TlsTestServer.VERSION_JSON, response.body(), host);
        String protocol = response.sslSession().orElseThrow().getProtocol();
        assertTrue(protocol.equals("TLSv1.3") || protocol.equals("TLSv1.2"), protocol);
      }
    }
  }

  @Test
  void httpsUrlConnectionVerifiesTheIpAddress() throws Exception {
    ClusterCertificates certs = ClusterCertificates.loadOrCreate(dir, List.of(), List.of());

    try (TlsTestServer server = TlsTestServer.start(certs.serverSslContext(), "127.0.0.1", null)) {
      HttpsURLConnection connection = (HttpsURLConnection)
          new URL("https://127.0.0.1:" + server.port() + "/version").openConnection();
      connection.setSSLSocketFactory(sslContextTrusting(certs.caCertificate()).getSocketFactory());
      connection.connect();
      assertEquals(certs.serverCertificate(), connection.getServerCertificates()[0]);
      try (InputStream in = connection.getInputStream()) {
        assertEquals(TlsTestServer.VERSION_JSON, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
  }

  @Test
  void addressNotInTheCertificateFailsUntilItIsRequested() throws Exception {
    ClusterCertificates without = ClusterCertificates.loadOrCreate(dir, List.of(), List.of());
    HttpClient client = clientTrusting(without.caCertificate());

    try (TlsTestServer server = TlsTestServer.start(without.serverSslContext(), "127.0.0.2", null)) {
      URI uri = URI.create("https://127.0.0.2:" + server.port() + "/version");
      SSLHandshakeException e = assertThrows(SSLHandshakeException.class,
          () -> client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()));
      assertTrue(String.valueOf(e.getMessage()).contains("127.0.0.2"), e.getMessage());
    }

    ClusterCertificates with = ClusterCertificates.loadOrCreate(
        dir, List.of(), List.of(ClusterCertificatesTest.ip("127.0.0.2")));
    try (TlsTestServer server = TlsTestServer.start(with.serverSslContext(), "127.0.0.2", null)) {
      URI uri = URI.create("https://127.0.0.2:" + server.port() + "/version");
      assertEquals(200, client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
          .statusCode(), "the same CA still verifies the re-issued certificate");
    }
  }

  @Test
  void clientTrustingAnotherCaIsRejected(@TempDir Path otherDir) throws Exception {
    ClusterCertificates certs = ClusterCertificates.loadOrCreate(dir, List.of(), List.of());
    ClusterCertificates other = ClusterCertificates.loadOrCreate(otherDir, List.of(), List.of());

    try (TlsTestServer server = TlsTestServer.start(certs.serverSslContext(), "127.0.0.1", null)) {
      URI uri = URI.create("https://localhost:" + server.port() + "/version");
      assertThrows(SSLHandshakeException.class, () -> clientTrusting(other.caCertificate())
          .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()));
    }
  }

  @Test
  void alpnOffersOnlyHttp11AndTls12IsStillAccepted() throws Exception {
    ClusterCertificates certs = ClusterCertificates.loadOrCreate(dir, List.of(), List.of());

    try (TlsTestServer server = TlsTestServer.start(certs.serverSslContext(), "127.0.0.1", null)) {
      for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
        try (SSLSocket socket = (SSLSocket) sslContextTrusting(certs.caCertificate())
            .getSocketFactory().createSocket("127.0.0.1", server.port())) {
          var params = socket.getSSLParameters();
          params.setProtocols(new String[] {protocol});
          params.setApplicationProtocols(new String[] {"h2", "http/1.1"});
          params.setEndpointIdentificationAlgorithm("HTTPS");
          socket.setSSLParameters(params);
          socket.startHandshake();
          assertEquals(protocol, socket.getSession().getProtocol());
          assertEquals("http/1.1", socket.getApplicationProtocol(), "h2 must not be chosen");
        }
      }
      try (SSLSocket socket = (SSLSocket) sslContextTrusting(certs.caCertificate())
          .getSocketFactory().createSocket("127.0.0.1", server.port())) {
        socket.setEnabledProtocols(new String[] {"TLSv1.1"});
        assertThrows(IOException.class, socket::startHandshake, "TLS 1.1 is refused");
      }
    }
  }

  @Test
  void opensslVerifiesTheChainAndBothNames() throws Exception {
    Assumptions.assumeTrue(Tools.onPath("openssl"), "openssl is not on PATH; install it (bin/test does) to run this check");
    ClusterCertificates certs = ClusterCertificates.loadOrCreate(dir, List.of(), List.of());

    try (TlsTestServer server = TlsTestServer.start(certs.serverSslContext(), "127.0.0.1", null)) {
      for (List<String> nameCheck : List.of(List.of("-verify_ip", "127.0.0.1"), List.of("-verify_hostname", "localhost"))) {
        List<String> command = new java.util.ArrayList<>(List.of(
            "openssl", "s_client", "-connect", "127.0.0.1:" + server.port(),
            "-CAfile", certs.caCertificateFile().toString(), "-verify_return_error", "-alpn", "http/1.1"));
        command.addAll(nameCheck);
        Tools.Result result = Tools.run(Duration.ofSeconds(20), command);
        String all = result.stdout() + result.stderr();
        assertTrue(result.stdout().contains("Verify return code: 0 (ok)"), all);
        assertTrue(result.stdout().contains("ALPN protocol: http/1.1"), all);
        assertEquals(0, result.exitCode(), all);
      }
    }
  }

  static HttpClient clientTrusting(X509Certificate ca) throws Exception {
    return HttpClient.newBuilder()
        .sslContext(sslContextTrusting(ca))
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  static SSLContext sslContextTrusting(X509Certificate ca) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("gantry-ca", ca);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }
}
