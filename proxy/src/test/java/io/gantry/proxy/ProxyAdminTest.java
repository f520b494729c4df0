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
}
