package io.gantry.control.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeconfigTest {
  private static final String SERVER = "https://127.0.0.1:6443";

  @TempDir Path dir;

  @Test
  void writesOneClusterUserAndCurrentContext() throws Exception {
    ClusterCertificates certs = ClusterCertificates.loadOrCreate(dir.resolve("pki"), List.of(), List.of());
    Path file = dir.resolve("kube/config");

    Kubeconfig.write(file, "gantry", SERVER, certs.caCertificatePem(), "tok-123");

    JsonNode config = new YAMLMapper().readTree(file.toFile());
    assertEquals("v1", config.path("apiVersion").asText());
    assertEquals("Config", config.path("kind").asText());
    assertEquals(1, config.path("clusters").size());
    JsonNode cluster = config.path("clusters").get(0);
    assertEquals("gantry", cluster.path("name").asText());
    assertEquals(SERVER, cluster.path("cluster").path("server").asText());
    String caData = cluster.path("cluster").path("certificate-authority-data").asText();
    assertEquals(certs.caCertificatePem(), new String(Base64.getDecoder().decode(caData), StandardCharsets.US_ASCII));
    assertEquals(1, config.path("users").size());
    JsonNode user = config.path("users").get(0);
    assertEquals("tok-123", user.path("user").path("token").asText());
    assertEquals(1, config.path("contexts").size());
    JsonNode context = config.path("contexts").get(0);
    assertEquals("gantry", context.path("name").asText());
    assertEquals("gantry", context.path("context").path("cluster").asText());
    assertEquals(user.path("name").asText(), context.path("context").path("user").asText());
    assertEquals("default", context.path("context").path("namespace").asText());
    assertEquals("gantry", config.path("current-context").asText());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }

  @Test
  void tokensThatLookLikeOtherYamlTypesStayStrings() throws Exception {
    String ca = ClusterCertificates.loadOrCreate(dir.resolve("pki"), List.of(), List.of()).caCertificatePem();
    for (String token : List.of("-leading-dash", "12345", "true", "null", "0x1F", "1e5", "~", "_x", "yes", "on", "0o17")) {
      Path file = dir.resolve("config");
      Kubeconfig.write(file, "gantry", SERVER, ca, token);

      JsonNode user = new YAMLMapper().readTree(file.toFile()).path("users").get(0).path("user");
      assertTrue(user.path("token").isTextual(), token + " -> " + Files.readString(file));
      assertEquals(token, user.path("token").asText());
    }
  }

  @Test
  void rewritingReplacesTheFile() throws Exception {
    String ca = ClusterCertificates.loadOrCreate(dir.resolve("pki"), List.of(), List.of()).caCertificatePem();
    Path file = dir.resolve("config");
    Kubeconfig.write(file, "gantry", SERVER, ca, "first");

    Kubeconfig.write(file, "gantry", "https://127.0.0.1:7443", ca, "second");

    JsonNode config = new YAMLMapper().readTree(file.toFile());
    assertEquals("second", config.path("users").get(0).path("user").path("token").asText());
    assertEquals("https://127.0.0.1:7443", config.path("clusters").get(0).path("cluster").path("server").asText());
  }

  @Test
  void rejectsBadArgumentsWithTheValue() throws Exception {
    String ca = ClusterCertificates.loadOrCreate(dir.resolve("pki"), List.of(), List.of()).caCertificatePem();
    Path file = dir.resolve("config");

    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> Kubeconfig.write(file, "gantry", "http://127.0.0.1:6443", ca, "t")).getMessage()
        .startsWith("serverUrl: http://127.0.0.1:6443 (expected:"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> Kubeconfig.write(file, "gantry", SERVER, "not a pem", "t")).getMessage().startsWith("caPem:"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> Kubeconfig.write(file, "gantry", SERVER, ca, "two words")).getMessage().startsWith("token:"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> Kubeconfig.write(file, " ", SERVER, ca, "t")).getMessage().startsWith("clusterName:"));
    assertThrows(NullPointerException.class, () -> Kubeconfig.write(file, "gantry", SERVER, ca, null));
    assertTrue(Files.notExists(file));
  }

  @Test
  void kubectlReadsTheToken() throws Exception {
    Assumptions.assumeTrue(Tools.onPath("kubectl"), "kubectl is not on PATH; install kubernetes-client (bin/test does) to run this check");
    ClusterCertificates certs = ClusterCertificates.loadOrCreate(dir.resolve("pki"), List.of(), List.of());
    AdminToken token = AdminToken.loadOrCreate(dir);
    Path file = dir.resolve("kubeconfig");
    Kubeconfig.write(file, "gantry", SERVER, certs.caCertificatePem(), token.value());

    Tools.Result result = Tools.run(Duration.ofSeconds(30), List.of("kubectl", "--kubeconfig", file.toString(),
        "config", "view", "--raw", "-o", "jsonpath={.users[0].user.token}"));

    assertEquals(0, result.exitCode(), result.stderr());
    assertEquals(token.value(), result.stdout().strip());
  }

  @Test
  void kubectlTrustsTheCaAndSendsTheToken() throws Exception {
    Assumptions.assumeTrue(Tools.onPath("kubectl"), "kubectl is not on PATH; install kubernetes-client (bin/test does) to run this check");
    ClusterCertificates certs = ClusterCertificates.loadOrCreate(dir.resolve("pki"), List.of(), List.of());
    AdminToken token = AdminToken.loadOrCreate(dir);

    try (TlsTestServer server = TlsTestServer.start(certs.serverSslContext(), "127.0.0.1", token)) {
      for (String host : List.of("127.0.0.1", "localhost")) {
        Path good = dir.resolve("good-" + host);
        Kubeconfig.write(good, "gantry", "https://" + host + ":" + server.port(), certs.caCertificatePem(), token.value());
        Tools.Result ok = kubectlGetVersion(good);
        assertEquals(0, ok.exitCode(), host + ": " + ok.stderr());
        assertEquals(TlsTestServer.VERSION_JSON, ok.stdout().strip());
      }

      Path wrongToken = dir.resolve("wrong-token");
      Kubeconfig.write(wrongToken, "gantry", "https://127.0.0.1:" + server.port(), certs.caCertificatePem(), "nope");
      Tools.Result denied = kubectlGetVersion(wrongToken);
      assertTrue(denied.exitCode() != 0 && denied.stderr().contains("Unauthorized"), denied.stderr());
    }
  }

  private static Tools.Result kubectlGetVersion(Path kubeconfig) throws Exception {
    return Tools.run(Duration.ofSeconds(30), List.of(
        "kubectl", "--kubeconfig", kubeconfig.toString(), "--request-timeout=10s", "get", "--raw", "/version"));
  }
}
