package io.gantry.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The proxy's admin port answers kube-proxy's health URLs (e2e "should check kube-proxy urls"). */
class ProxyAdminTest {

  private static HttpResponse<String> get(InetSocketAddress admin, String path) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.getPort() + path))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  @Test
  void healthzLivezAndProxyModeAsKubeProxyServesThem() throws Exception {
    Path dir = Files.createTempDirectory("proxyqa-manifests");
    try (ProxyDaemon daemon = ProxyDaemon.fromManifests(ProxyConfig.defaults("n1").withLimits(10, 10, 1), dir,
        new InetSocketAddress("127.0.0.1", 0))) {
      InetSocketAddress admin = daemon.adminAddress();
      HttpResponse<String> healthz = get(admin, "/healthz");
      assertEquals(200, healthz.statusCode());
      assertEquals("application/json", healthz.headers().firstValue("content-type").orElse(""));
      assertTrue(healthz.body().matches("\\{\"lastUpdated\": \"[0-9-]+ [0-9:.]+ \\+0000 UTC\",\"currentTime\": "
          + "\"[0-9-]+ [0-9:.]+ \\+0000 UTC\", \"nodeEligible\": true}"), healthz.body());
      HttpResponse<String> livez = get(admin, "/livez");
      assertEquals(200, livez.statusCode());
      assertTrue(livez.body().startsWith("{\"lastUpdated\": \"") && livez.body().contains("\"currentTime\": "),
          livez.body());
      HttpResponse<String> mode = get(admin, "/proxyMode");
      assertEquals(200, mode.statusCode());
      assertEquals("userspace", mode.body());
      String metrics = get(admin, "/metrics").body();
      for (String family : new String[] {"kubeproxy_sync_proxy_rules_duration_seconds_count",
          "kubeproxy_network_programming_duration_seconds_count", "kubeproxy_sync_proxy_rules_last_timestamp_seconds",
          "kubeproxy_proxy_healthz_total{code=\"200\"} 1", "kubeproxy_proxy_livez_total{code=\"200\"} 1"}) {
        assertTrue(metrics.contains(family), family + " in\n" + metrics);
      }
    } finally {
      Files.deleteIfExists(dir);
    }
  }

  /** kube-proxy's SyncNode: a node tainted for removal by the autoscaler fails /healthz (not /livez). */
  @Test
  void healthzFailsWhileTheNodeIsTaintedForRemoval() throws Exception {
    Path dir = Files.createTempDirectory("proxy-node-eligible");
    Path node = dir.resolve("node.yaml");
    try (ProxyDaemon daemon = ProxyDaemon.fromManifests(ProxyConfig.defaults("n1").withLimits(10, 10, 1), dir,
        new InetSocketAddress("127.0.0.1", 0))) {
      InetSocketAddress admin = daemon.adminAddress();
      Files.writeString(node, """
          apiVersion: v1
          kind: Node
          metadata: {name: n1}
          spec:
            taints: [{key: ToBeDeletedByClusterAutoscaler, value: "1700000000", effect: NoSchedule}]
          """);
      HttpResponse<String> healthz = awaitStatus(admin, "/healthz", 503);
      assertTrue(healthz.body().endsWith("\"nodeEligible\": false}"), healthz.body());
      assertEquals(200, get(admin, "/livez").statusCode());

      Files.writeString(node, "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n");
      assertTrue(awaitStatus(admin, "/healthz", 200).body().endsWith("\"nodeEligible\": true}"));
    } finally {
      Files.deleteIfExists(node);
      Files.deleteIfExists(dir);
    }
  }

  /** Polls {@code path} until it answers {@code status} (the manifests are polled once a second). */
  private static HttpResponse<String> awaitStatus(InetSocketAddress admin, String path, int status) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    HttpResponse<String> last = get(admin, path);
    while (last.statusCode() != status && System.nanoTime() < deadline) {
      Thread.sleep(100);
      last = get(admin, path);
    }
    assertEquals(status, last.statusCode(), last.body());
    return last;
  }
}
