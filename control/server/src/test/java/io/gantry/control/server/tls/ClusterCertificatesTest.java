package io.gantry.control.server.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterCertificatesTest {
  @TempDir Path dir;

  @Test
  void createsCaAndServingCertificateThatVerifiesAgainstIt() throws Exception {
    ClusterCertificates certs = ClusterCertificates.loadOrCreate(dir, List.of("node1.example"), List.of(ip("10.1.2.3")));

    X509Certificate ca = certs.caCertificate();
    X509Certificate server = certs.serverCertificate();
    ca.verify(ca.getPublicKey());
    server.verify(ca.getPublicKey());
    assertEquals("CN=gantry-ca", ca.getSubjectX500Principal().getName());
    assertEquals(0, ca.getBasicConstraints(), "CA:true with pathLen 0");
    assertTrue(ca.getKeyUsage()[5] && ca.getKeyUsage()[6], "keyCertSign and cRLSign");
    assertEquals("CN=gantry-apiserver", server.getSubjectX500Principal().getName());
    assertEquals(-1, server.getBasicConstraints(), "not a CA");
    assertTrue(server.getKeyUsage()[0], "digitalSignature");
    assertEquals(List.of("1.3.6.1.5.5.7.3.1"), server.getExtendedKeyUsage(), "serverAuth only");
    assertEquals("SHA256withECDSA", server.getSigAlgName());
    assertEquals("EC", certs.serverKey().getAlgorithm());

    Set<String> expected = Set.of("localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
        "kubernetes.default.svc.cluster.local", "node1.example", "127.0.0.1", "0:0:0:0:0:0:0:1", "10.1.2.3");
    assertEquals(expected, sans(server));

    Instant now = Instant.now();
    assertTrue(server.getNotAfter().toInstant().isAfter(now.plus(Duration.ofDays(364))));
    assertTrue(server.getNotAfter().toInstant().isBefore(now.plus(Duration.ofDays(366))));
    assertTrue(ca.getNotAfter().toInstant().isAfter(now.plus(Duration.ofDays(3649))));
  }

  @Test
  void secondLoadReusesEverything() throws Exception {
    ClusterCertificates first = ClusterCertificates.loadOrCreate(dir, List.of(), List.of());
    byte[] caBytes = Files.readAllBytes(dir.resolve("ca.crt"));
    byte[] serverBytes = Files.readAllBytes(dir.resolve("apiserver.crt"));

    ClusterCertificates second = ClusterCertificates.loadOrCreate(dir, List.of(), List.of());

    assertEquals(first.caCertificate(), second.caCertificate());
    assertEquals(first.serverCertificate(), second.serverCertificate());
    assertEquals(first.serverKey(), second.serverKey());
    assertEquals(first.caCertificatePem(), second.caCertificatePem());
    assertArrayEquals(caBytes, Files.readAllBytes(dir.resolve("ca.crt")));
    assertArrayEquals(serverBytes, Files.readAllBytes(dir.resolve("apiserver.crt")));
  }

  @Test
  void defaultNamesAreNotRepeatedAndCaseDoesNotMatter() throws Exception {
    ClusterCertificates first = ClusterCertificates.loadOrCreate(dir, List.of("LocalHost", "Node1.Example."), List.of(ip("127.0.0.1")));
    ClusterCertificates second = ClusterCertificates.loadOrCreate(dir, List.of("node1.example"), List.of());

    assertEquals(first.serverCertificate(), second.serverCertificate());
    assertEquals(1, first.serverCertificate().getSubjectAlternativeNames().stream()
        .filter(san -> "localhost".equals(san.get(1))).count());
  }

  @Test
  void newNameReissuesServingCertificateFromTheSameCa() throws Exception {
    ClusterCertificates first = ClusterCertificates.loadOrCreate(dir, List.of(), List.of());

    ClusterCertificates second = ClusterCertificates.loadOrCreate(dir, List.of("api.example"), List.of(ip("192.0.2.7")));

    assertEquals(first.caCertificate(), second.caCertificate());
    assertNotEquals(first.serverCertificate(), second.serverCertificate());
    assertNotEquals(first.serverKey(), second.serverKey(), "a re-issued certificate gets a fresh key");
    second.serverCertificate().verify(first.caCertificate().getPublicKey());
    assertTrue(sans(second.serverCertificate()).containsAll(Set.of("api.example", "192.0.2.7")));
    // The files now hold the new certificate, so a third start reuses it.
    ClusterCertificates third = ClusterCertificates.loadOrCreate(dir, List.of("api.example"), List.of(ip("192.0.2.7")));
    assertEquals(second.serverCertificate(), third.serverCertificate());
  }

  @Test
  void servingCertificateNearItsEndIsReissuedButCaIsKept() throws Exception {
    ClusterCertificates first = ClusterCertificates.loadOrCreate(dir, List.of(), List.of());
    Instant expiry = first.serverCertificate().getNotAfter().toInstant();

    ClusterCertificates stillFine = ClusterCertificates.loadOrCreate(dir, List.of(), List.of(),
        clockAt(expiry.minus(Duration.ofDays(31))));
    ClusterCertificates renewed = ClusterCertificates.loadOrCreate(dir, List.of(), List.of(),
        clockAt(expiry.minus(Duration.ofDays(29))));

    assertEquals(first.serverCertificate(), stillFine.serverCertificate());
    assertNotEquals(first.serverCertificate(), renewed.serverCertificate());
    assertEquals(first.caCertificate(), renewed.caCertificate());
    assertTrue(renewed.serverCertificate().getNotAfter().toInstant().isAfter(expiry.plus(Duration.ofDays(300))));
  }

  @Test
  void keyFilesAreOwnerOnlyAndCertificatesReadable() throws Exception {
    ClusterCertificates certs = ClusterCertificates.loadOrCreate(dir, List.of(), List.of());

    assertEquals("rw-------", perms(dir.resolve("ca.key")));
    assertEquals("rw-------", perms(certs.serverKeyFile()));
    assertEquals("rw-r--r--", perms(certs.caCertificateFile()));
    assertEquals("rw-r--r--", perms(certs.serverCertificateFile()));
    assertTrue(Files.readString(dir.resolve("ca.key")).startsWith("-----BEGIN PRIVATE KEY-----"), "PKCS#8");
    assertTrue(Files.readString(certs.serverKeyFile()).startsWith("-----BEGIN PRIVATE KEY-----"), "PKCS#8");
    assertEquals(certs.caCertificatePem(), Files.readString(certs.caCertificateFile()));
    try (var files = Files.list(dir)) {
      assertEquals(Set.of("ca.crt", "ca.key", "apiserver.crt", "apiserver.key"),
          new HashSet<>(files.map(p -> p.getFileName().toString()).toList()), "no temporary files left behind");
    }
  }

  @Test
  void createsAMissingDataDirectoryOwnerOnly() throws Exception {
    Path nested = dir.resolve("data/pki");

    ClusterCertificates.loadOrCreate(nested, List.of(), List.of());

    assertEquals("rwx------", perms(nested));
    assertTrue(Files.exists(nested.resolve("ca.crt")));
  }

  @Test
  void damagedServingFilesAreRepaired() throws Exception {
    ClusterCertificates first = ClusterCertificates.loadOrCreate(dir, List.of(), List.of());
    Files.writeString(dir.resolve("apiserver.crt"), "garbage");

    ClusterCertificates repaired = ClusterCertificates.loadOrCreate(dir, List.of(), List.of());

    assertEquals(first.caCertificate(), repaired.caCertificate());
    repaired.serverCertificate().verify(first.caCertificate().getPublicKey());
    assertEquals(repaired.serverCertificate(), Pem.readCertificate(dir.resolve("apiserver.crt")));
  }

  @Test
  void servingKeyThatDoesNotMatchIsReplaced() throws Exception {
    ClusterCertificates first = ClusterCertificates.loadOrCreate(dir, List.of(), List.of());
    Files.writeString(dir.resolve("apiserver.key"), Pem.encode(CertificateIssuer.newKeyPair().getPrivate()));

    ClusterCertificates repaired = ClusterCertificates.loadOrCreate(dir, List.of(), List.of());

    assertNotEquals(first.serverCertificate(), repaired.serverCertificate());
    assertTrue(CertificateIssuer.isPair(repaired.serverKey(), repaired.serverCertificate().getPublicKey()));
  }

  @Test
  void caCertificateWithoutItsKeyIsAnErrorNotANewCa() throws Exception {
    ClusterCertificates.loadOrCreate(dir, List.of(), List.of());
    byte[] ca = Files.readAllBytes(dir.resolve("ca.crt"));
    Files.delete(dir.resolve("ca.key"));

    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> ClusterCertificates.loadOrCreate(dir, List.of(), List.of()));

    assertTrue(e.getMessage().contains("ca.key is missing"), e.getMessage());
    assertArrayEquals(ca, Files.readAllBytes(dir.resolve("ca.crt")), "the CA is left alone");
  }

  @Test
  void caKeyWithoutCertificateIsAnUnfinishedCreationAndStartsOver() throws Exception {
    Files.writeString(dir.resolve("ca.key"), Pem.encode(CertificateIssuer.newKeyPair().getPrivate()));

    ClusterCertificates certs = ClusterCertificates.loadOrCreate(dir, List.of(), List.of());

    certs.serverCertificate().verify(Pem.readCertificate(dir.resolve("ca.crt")).getPublicKey());
  }

  @Test
  void rejectsMalformedNamesWithTheOffendingValue() {
    for (String bad : List.of("", "has space", "10.0.0.1", "-leading.example", "a..b")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ClusterCertificates.loadOrCreate(dir, List.of(bad), List.of()), bad);
      assertTrue(e.getMessage().startsWith("dnsNames: " + bad + " (expected:"), e.getMessage());
    }
    assertFalse(Files.exists(dir.resolve("ca.crt")), "nothing is created for a bad request");
  }

  @Test
  void acceptsWildcardNames() throws Exception {
    ClusterCertificates certs = ClusterCertificates.loadOrCreate(dir, List.of("*.apps.example"), List.of());

    assertTrue(sans(certs.serverCertificate()).contains("*.apps.example"));
  }

  static Set<String> sans(X509Certificate cert) throws Exception {
    Set<String> names = new HashSet<>();
    for (List<?> san : cert.getSubjectAlternativeNames()) {
      names.add((String) san.get(1));
    }
    return names;
  }

  static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  private static Clock clockAt(Instant instant) {
    return Clock.fixed(instant, ZoneOffset.UTC);
  }

  private static String perms(Path path) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }
}
