package io.gantry.proxy.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.proxy.ProxyConfig;
import io.gantry.proxy.ProxyServer;
import io.gantry.proxy.testing.Backend;
import io.gantry.proxy.testing.Client;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Static mode: a folder of YAML, multi-document files, reloads. */
class StaticManifestSourceTest {

  static String service(String vip, int port, int nodePort) {
    return """
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: default}
        spec:
          type: NodePort
          clusterIP: %s
          ports: [{name: http, port: %d, targetPort: web, nodePort: %d}]
        """.formatted(vip, port, nodePort);
  }

  static String slice(int backendPort) {
    return """
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: web-abc
          namespace: default
          labels: {kubernetes.io/service-name: web}
        addressType: IPv4
        ports: [{name: http, port: %d, protocol: TCP}]
        endpoints:
        - addresses: [127.0.0.1]
          conditions: {ready: true}
          nodeName: n2
        """.formatted(backendPort);
  }

  @Test
  void servesTheFolderAndPicksUpChanges(@TempDir Path dir) throws Exception {
    int net = ThreadLocalRandom.current().nextInt(1, 250);
    String vip = "127.96." + net + ".200";
    String nodeIp = "127.0." + net + ".12";
    int nodePort = 31000 + net;
    try (Backend a = new Backend("a"); Backend b = new Backend("b");
        ProxyServer proxy = ProxyServer.start(ProxyConfig.defaults("n1")
            .withNodeAddresses(java.util.List.of(java.net.InetAddress.getByName(nodeIp))))) {
      Files.writeString(dir.resolve("web.yaml"), service(vip, 8080, nodePort) + "---\n" + slice(a.port()));
      Files.writeString(dir.resolve("notes.txt"), "not a manifest");
      Files.writeString(dir.resolve("broken.yaml"), "kind: [unclosed");
      try (StaticManifestSource source = StaticManifestSource.start(dir, proxy, Duration.ofMillis(100))) {
        assertEquals("a", Client.whoServes(vip, 8080));
        assertEquals("a", Client.whoServes(nodeIp, nodePort));
        try (Client old = new Client(vip, 8080)) {
          assertEquals("a", old.hello());
          Files.writeString(dir.resolve("web.yaml"), service(vip, 8080, nodePort));
          Files.writeString(dir.resolve("slice.yml"), slice(b.port()));
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
          String now = "a";
          while (!now.equals("b") && System.nanoTime() < deadline) {
            Thread.sleep(100);
            now = Client.whoServes(vip, 8080);
          }
          assertEquals("b", now);
          assertEquals("drained, not cut", old.echo("drained, not cut"));
        }
        assertTrue(proxy.ready());
      }
    }
  }

  /** A selectorless Service given a v1 Endpoints, as older manifests do: served as its mirrored slice. */
  @Test
  void servesAServiceWhoseEndpointsAreV1Endpoints(@TempDir Path dir) throws Exception {
    int net = ThreadLocalRandom.current().nextInt(1, 250);
    String vip = "127.96." + net + ".201";
    try (Backend a = new Backend("a");
        ProxyServer proxy = ProxyServer.start(ProxyConfig.defaults("n1"))) {
      Files.writeString(dir.resolve("web.yaml"), service(vip, 8081, 31500 + net) + """
          ---
          apiVersion: v1
          kind: Endpoints
          metadata: {name: web, namespace: default}
          subsets:
          - addresses: [{ip: 127.0.0.1}]
            ports: [{name: http, port: %d}]
          """.formatted(a.port()));
      try (StaticManifestSource source = StaticManifestSource.start(dir, proxy, Duration.ofMillis(100))) {
        assertEquals("a", Client.whoServes(vip, 8081));
      }
    }
  }

  @Test
  void aChangedFileRebuildsOnlyTheServicesItDefines(@TempDir Path dir) throws Exception {
    int net = ThreadLocalRandom.current().nextInt(1, 250);
    try (ProxyServer proxy = ProxyServer.start(ProxyConfig.defaults("n1"))) {
      for (int i = 0; i < 5; i++) {
        Files.writeString(dir.resolve("web" + i + ".yaml"), service("127.96." + net + "." + (10 + i), 8080, 0)
            .replace("name: web", "name: web" + i).replace("type: NodePort", "type: ClusterIP")
            .replace(", nodePort: 0", "") + "---\n" + slice(9000 + i).replace("web-abc", "web" + i + "-abc")
            .replace("service-name: web", "service-name: web" + i));
      }
      try (StaticManifestSource source = StaticManifestSource.start(dir, proxy, Duration.ofMillis(50))) {
        assertEquals(5, proxy.lastApply().servicesRebuilt());
        long version = proxy.lastApply().version();
        Path changed = dir.resolve("web3.yaml");
        Files.writeString(changed, Files.readString(changed).replace("port: 9003", "port: 9103"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (proxy.lastApply().version() == version && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertEquals(1, proxy.lastApply().servicesRebuilt());
        assertEquals(9103, proxy.snapshot().lookup(new java.net.InetSocketAddress(
            java.net.InetAddress.getByName("127.96." + net + ".13"), 8080), io.gantry.proxy.table.Protocol.TCP)
            .targets().get(0).address().getPort());
      }
    }
  }
}
