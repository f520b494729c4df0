package io.gantry.control.server.tls;

import static java.util.Objects.requireNonNull;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster CA and the API server's serving certificate, generated with Bouncy Castle at first
 * start and persisted in the data dir, reused on restart.
 *
 * <p>Files in the directory: {@code ca.crt}, {@code ca.key}, {@code apiserver.crt},
 * {@code apiserver.key}; keys are PKCS#8 PEM with 0600 permissions. The CA is never replaced
 * once {@code ca.crt} exists, since every kubeconfig embeds it; the serving certificate is
 * derived material and is re-issued from the same CA whenever it is missing, unreadable, not
 * signed by the CA, lacks a requested name, or expires within {@link #RENEW_BEFORE}.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class ClusterCertificates {
  /** A serving certificate closer than this to its end is re-issued at start. */
  public static final Duration RENEW_BEFORE = Duration.ofDays(30);

  /** Names every serving certificate carries, whatever the caller asks for. */
  static final List<String> DEFAULT_DNS_NAMES = List.of(
      "localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
      "kubernetes.default.svc.cluster.local");
  static final List<String> DEFAULT_IPS = List.of("127.0.0.1", "::1");

  private static final Logger log = LoggerFactory.getLogger(ClusterCertificates.class);

  private final X509Certificate caCertificate;
  private final String caCertificatePem;
  private final X509Certificate serverCertificate;
  private final PrivateKey serverKey;
  private final Path caCertificateFile;
  private final Path serverCertificateFile;
  private final Path serverKeyFile;
  private final SslContext serverSslContext;

  private ClusterCertificates(Path dir, X509Certificate ca, X509Certificate server, PrivateKey serverKey) {
    this.caCertificate = ca;
    this.caCertificatePem = Pem.encode(ca);
    this.serverCertificate = server;
    this.serverKey = serverKey;
    this.caCertificateFile = dir.resolve("ca.crt");
    this.serverCertificateFile = dir.resolve("apiserver.crt");
    this.serverKeyFile = dir.resolve("apiserver.key");
    this.serverSslContext = buildServerSslContext(serverKey, server);
  }

  /**
   * Loads ca.crt/ca.key/apiserver.crt/apiserver.key from {@code dir}, creating them when missing.
   * The serving certificate has SANs for every given DNS name and IP plus localhost, 127.0.0.1,
   * ::1 and the {@code kubernetes.default.svc.cluster.local} family.
   *
   * @throws IllegalArgumentException when a DNS name is malformed
   * @throws IllegalStateException when the CA files are unusable (for example ca.crt without ca.key)
   * @throws java.io.UncheckedIOException when the directory cannot be read or written
   */
  public static ClusterCertificates loadOrCreate(Path dir, List<String> dnsNames, List<InetAddress> ips) {
    return loadOrCreate(dir, dnsNames, ips, Clock.systemUTC());
  }

  static ClusterCertificates loadOrCreate(Path dir, List<String> dnsNames, List<InetAddress> ips, Clock clock) {
    requireNonNull(dir, "dir");
    requireNonNull(clock, "clock");
    SubjectNames wanted = SubjectNames.of(dnsNames, ips);
    Instant now = clock.instant();

    Path caCrt = dir.resolve("ca.crt");
    Path caKeyFile = dir.resolve("ca.key");
    X509Certificate ca;
    PrivateKey caKey;
    boolean newCa = false;
    if (Files.exists(caCrt)) {
      if (!Files.exists(caKeyFile)) {
        throw new IllegalStateException(caKeyFile + " is missing, so the CA in " + caCrt
            + " cannot issue certificates (expected: both files; move both away to start a new CA,"
            + " then rewrite every kubeconfig)");
      }
      ca = Pem.readCertificate(caCrt);
      caKey = Pem.readPrivateKey(caKeyFile);
      if (!CertificateIssuer.isPair(caKey, ca.getPublicKey())) {
        throw new IllegalStateException(caKeyFile + " does not belong to " + caCrt);
      }
      if (!now.isBefore(ca.getNotAfter().toInstant())) {
        throw new IllegalStateException(caCrt + " expired at " + ca.getNotAfter().toInstant()
            + " (move ca.* away to start a new CA, then rewrite every kubeconfig)");
      }
    } else {
      // ca.key is written first, so a ca.key without ca.crt is a creation that never finished
      // and nothing can trust it yet: start over.
      KeyPair pair = CertificateIssuer.newKeyPair();
      ca = CertificateIssuer.issueCa(pair, now);
      caKey = pair.getPrivate();
      SecureFiles.write(caKeyFile, Pem.encode(caKey).getBytes(StandardCharsets.US_ASCII), true);
      SecureFiles.write(caCrt, Pem.encode(ca).getBytes(StandardCharsets.US_ASCII), false);
      newCa = true;
      log.info("created cluster CA {} (valid until {})", caCrt, ca.getNotAfter().toInstant());
    }

    Path serverCrt = dir.resolve("apiserver.crt");
    Path serverKeyFile = dir.resolve("apiserver.key");
    String reason = newCa ? "new CA" : reasonToReissue(serverCrt, serverKeyFile, ca, wanted, now);
    if (reason == null) {
      return new ClusterCertificates(dir, ca, Pem.readCertificate(serverCrt), Pem.readPrivateKey(serverKeyFile));
    }
    KeyPair pair = CertificateIssuer.newKeyPair();
    X509Certificate server = CertificateIssuer.issueServing(
        ca, caKey, pair.getPublic(), wanted.dnsNames(), wanted.ips(), now);
    // Key first: a crash in between leaves a key that does not match the old certificate,
    // which the next start detects and repairs.
    SecureFiles.write(serverKeyFile, Pem.encode(pair.getPrivate()).getBytes(StandardCharsets.US_ASCII), true);
    SecureFiles.write(serverCrt, Pem.encode(server).getBytes(StandardCharsets.US_ASCII), false);
    log.info("issued API serving certificate {} ({}; valid until {}; names {})",
        serverCrt, reason, server.getNotAfter().toInstant(), wanted);
    return new ClusterCertificates(dir, ca, server, pair.getPrivate());
  }

  /** Why the stored serving certificate cannot be reused, or null when it can. */
  private static String reasonToReissue(
      Path crtFile, Path keyFile, X509Certificate ca, SubjectNames wanted, Instant now) {
    if (!Files.exists(crtFile) || !Files.exists(keyFile)) {
      return "none stored";
    }
    X509Certificate cert;
    PrivateKey key;
    try {
      cert = Pem.readCertificate(crtFile);
      key = Pem.readPrivateKey(keyFile);
    } catch (RuntimeException e) {
      return "stored one unreadable: " + e.getMessage();
    }
    try {
      cert.verify(ca.getPublicKey());
    } catch (java.security.GeneralSecurityException e) {
      return "stored one not signed by the CA";
    }
    if (!CertificateIssuer.isPair(key, cert.getPublicKey())) {
      return "stored key does not match";
    }
    if (now.plus(RENEW_BEFORE).isAfter(cert.getNotAfter().toInstant())) {
      return "stored one expires at " + cert.getNotAfter().toInstant();
    }
    Set<String> missing = wanted.missingFrom(cert);
    if (!missing.isEmpty()) {
      return "stored one lacks " + missing;
    }
    return null;
  }

  private static SslContext buildServerSslContext(PrivateKey key, X509Certificate cert) {
    try {
      return SslContextBuilder.forServer(key, cert)
          .sslProvider(SslProvider.JDK)
          .protocols("TLSv1.3", "TLSv1.2")
          .applicationProtocolConfig(new ApplicationProtocolConfig(
              ApplicationProtocolConfig.Protocol.ALPN,
              ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
              ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
              ApplicationProtocolNames.HTTP_1_1))
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the API server's TLS context: " + e.getMessage(), e);
    }
  }

  public X509Certificate caCertificate() {
    return caCertificate;
  }

  /** The CA certificate in PEM, as embedded in kubeconfigs. */
  public String caCertificatePem() {
    return caCertificatePem;
  }

  public X509Certificate serverCertificate() {
    return serverCertificate;
  }

  public PrivateKey serverKey() {
    return serverKey;
  }

  public Path caCertificateFile() {
    return caCertificateFile;
  }

  public Path serverCertificateFile() {
    return serverCertificateFile;
  }

  public Path serverKeyFile() {
    return serverKeyFile;
  }

  /** A Netty server context (JDK provider) offering TLS 1.3 and 1.2 with ALPN {@code http/1.1} only. */
  public SslContext serverSslContext() {
    return serverSslContext;
  }
}
