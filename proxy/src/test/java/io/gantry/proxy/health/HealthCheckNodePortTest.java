package io.gantry.proxy.health;

import static io.gantry.proxy.table.ViewFactory.endpoints;
import static io.gantry.proxy.table.ViewFactory.node;
import static io.gantry.proxy.table.ViewFactory.nodePort;
import static io.gantry.proxy.table.ViewFactory.ready;
import static io.gantry.proxy.table.ViewFactory.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.control.api.v1.EndpointView;
import io.gantry.control.api.v1.NodeView;
import io.gantry.control.api.v1.ServiceView;
import io.gantry.proxy.ProxyConfig;
import io.gantry.proxy.ProxyServer;
import io.gantry.proxy.table.ListenKey;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** healthCheckNodePort over real sockets: kube-proxy's 200/503 answers, opened and closed with the table. */
class HealthCheckNodePortTest {

  private final int net = ThreadLocalRandom.current().nextInt(1, 250);
  private final String nodeIp = "127.0." + net + ".21";
  private final String otherNodeIp = "127.0." + net + ".22";
  private final int hcPort = 31000 + net;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private ProxyServer proxy;

  @BeforeEach
  void start() {
    proxy = ProxyServer.start(ProxyConfig.defaults("n1").withLimits(100, 100, 1));
  }

  @AfterEach
  void stop() {
    proxy.close();
    http.close();
  }

  private ServiceView lb(String policy) {
    return service("web", "127.96." + net + ".10", nodePort("", 80, 30000 + net)).setNamespace("shop")
        .setType("LoadBalancer").addLoadBalancerIps("127.240." + net + ".5").setExternalTrafficPolicy(policy)
        .setHealthCheckNodePort(hcPort).build();
  }

  private void apply(List<ServiceView> services, EndpointView eps) throws Exception {
    List<NodeView> nodes = List.of(node("n1", nodeIp, otherNodeIp));
    proxy.update(services, eps == null ? Map.of() : Map.of("shop/web", eps), nodes).get(10, TimeUnit.SECONDS);
  }

  private static EndpointView eps(io.gantry.control.api.v1.Endpoint... endpoints) {
    return endpoints("web", endpoints).toBuilder().setNamespace("shop").build();
  }

  private HttpResponse<String> get(String ip, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":" + hcPort + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void answersWithTheLocalEndpointCountAndFollowsTheTable() throws Exception {
    apply(List.of(lb("Local")), eps(ready("127.0.1.1", "n1", "", "TCP", 80), ready("127.0.1.2", "n1", "", "TCP", 80),
        ready("127.0.1.3", "n2", "", "TCP", 80)));
    HttpResponse<String> ok = get(nodeIp, "/healthz");
    assertEquals(200, ok.statusCode());
    assertEquals("{\n\t\"service\": {\n\t\t\"namespace\": \"shop\",\n\t\t\"name\": \"web\"\n\t},\n"
        + "\t\"localEndpoints\": 2,\n\t\"serviceProxyHealthy\": true\n}", ok.body(), "kube-proxy's bytes");
    assertEquals("application/json", ok.headers().firstValue("content-type").orElse(""));
    assertEquals(200, get(otherNodeIp, "/any/path").statusCode()); // every node address, any path

    apply(List.of(lb("Local")), eps(ready("127.0.1.3", "n2", "", "TCP", 80))); // the local endpoints go
    HttpResponse<String> down = get(nodeIp, "/healthz");
    assertEquals(503, down.statusCode());
    assertTrue(down.body().contains("\"localEndpoints\": 0,"), down.body());

    apply(List.of(), null); // the service goes: so does its listener
    assertEquals(List.<ListenKey>of(), proxy.healthListening().get(10, TimeUnit.SECONDS));
    assertThrows(IOException.class, () -> get(nodeIp, "/healthz"));
  }

  @Test
  void clusterPolicyHasNoHealthCheck() throws Exception {
    apply(List.of(lb("Cluster")), eps(ready("127.0.1.1", "n1", "", "TCP", 80)));
    assertTrue(proxy.healthListening().get(10, TimeUnit.SECONDS).isEmpty());
    assertThrows(IOException.class, () -> get(nodeIp, "/healthz"));
  }

  @Test
  void switchingToClusterClosesTheListener() throws Exception {
    apply(List.of(lb("Local")), eps(ready("127.0.1.1", "n1", "", "TCP", 80)));
    assertEquals(2, proxy.healthListening().get(10, TimeUnit.SECONDS).size());
    assertEquals(200, get(nodeIp, "/healthz").statusCode());
    apply(List.of(lb("Cluster")), eps(ready("127.0.1.1", "n1", "", "TCP", 80)));
    assertTrue(proxy.healthListening().get(10, TimeUnit.SECONDS).isEmpty());
    assertThrows(IOException.class, () -> get(nodeIp, "/healthz"));
  }
}
