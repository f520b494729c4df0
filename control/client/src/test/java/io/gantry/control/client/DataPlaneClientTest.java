package io.gantry.control.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.api.v1.ResourceType;
import io.gantry.control.api.v1.Role;
import io.gantry.control.server.ControlConfig;
import io.gantry.control.server.ControlServer;
import io.gantry.control.server.dataplane.DaemonStatus;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.DeleteOptions;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceTypes;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real DataPlaneClients against a real ControlServer in process, on ephemeral loopback ports. */
class DataPlaneClientTest {

  private static final ResourceType SERVICE = ResourceType.RESOURCE_TYPE_SERVICE;
  private static final ResourceType ENDPOINTS = ResourceType.RESOURCE_TYPE_ENDPOINTS;

  @TempDir
  Path dir;
  private ControlServer server;
  private ObjectRegistry registry;
  private final List<DataPlaneClient> clients = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
    server = ControlServer.start(ControlConfig.builder(dir).apiAddress(any).dataPlaneAddress(any).adminAddress(any)
        .insecureHttp(true).build());
    registry = server.registry();
  }

  @AfterEach
  void stop() {
    clients.forEach(DataPlaneClient::close);
    server.close();
  }

  private DataPlaneClient.Builder client(String node) {
    return DataPlaneClient.builder(server.dataPlane().server().localAddress(), node, Role.ROLE_PROXY)
        .types(SERVICE, ENDPOINTS).backoff(Duration.ofMillis(20), Duration.ofMillis(200));
  }

  private DataPlaneClient started(DataPlaneClient.Builder builder) throws InterruptedException {
    DataPlaneClient client = builder.start();
    clients.add(client);
    assertTrue(client.awaitFirstPush(Duration.ofSeconds(10)), "no first push");
    return client;
  }

  private static ObjectNode json(String text) {
    return Json.parseObject(text.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
  }

  private void createService(String name, int ip) throws Exception {
    registry.create(ResourceTypes.SERVICES, "default", json("{'metadata':{'name':'" + name + "'},'spec':{"
        + "'clusterIP':'127.96.0." + ip + "',"
        + "'ports':[{'name':'http','port':80,'targetPort':8080}]}}"));
  }

  private void createSlice(String service, String address) throws Exception {
    registry.create(ResourceTypes.ENDPOINTSLICES, "default", json("{'metadata':{'name':'" + service + "-x',"
        + "'labels':{'kubernetes.io/service-name':'" + service + "'}},'addressType':'IPv4',"
        + "'ports':[{'name':'http','port':8080,'protocol':'TCP'}],"
        + "'endpoints':[{'addresses':['" + address + "'],'conditions':{'ready':true}}]}"));
  }

  private void annotate(String service, String value) throws Exception {
    ObjectNode current = registry.get(ResourceTypes.SERVICES, "default", service).deepCopy();
    ((ObjectNode) current.get("metadata")).putObject("annotations").put("gantry.io/balancing", value);
    registry.update(ResourceTypes.SERVICES, "default", service, current, null);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }

  /**
   * How many of a type's resources the test made: the control component always serves the
   * {@code kubernetes} Service and its endpoints too.
   */
  private static long own(DataPlaneSnapshot snapshot, ResourceType type) {
    return snapshot.of(type).keySet().stream().filter(key -> !key.equals("default/kubernetes")).count();
  }

  private String balancing(DataPlaneClient client, String service) {
    var view = client.snapshot().service("default", service);
    return view == null ? null : view.getAnnotationsMap().get("gantry.io/balancing");
  }

  @Test
  void subscribersConvergeResumeWithOnlyTheDifferenceAndNackKeepsTheLastGoodView() throws Exception {
    for (int i = 1; i <= 3; i++) {
      createService("s" + i, 10 + i);
      createSlice("s" + i, "10.244.1." + i);
    }
    DataPlaneClient a = started(client("node-a"));
    DataPlaneClient b = started(client("node-b"));
    await("both subscribers to hold 3 services and 3 endpoints", () -> List.of(a, b).stream().allMatch(c ->
        own(c.snapshot(), SERVICE) == 3 && own(c.snapshot(), ENDPOINTS) == 3));
    assertEquals(List.of(8080), a.snapshot().service("default", "s1").getPortsList().stream()
        .map(p -> p.getTargetPortNumber()).toList());
    assertEquals("10.244.1.2", b.snapshot().endpoints("default", "s2").getEndpoints(0).getAddress());

    // Update, delete and change endpoints: both converge.
    annotate("s1", "round-robin");
    registry.delete(ResourceTypes.SERVICES, "default", "s2", DeleteOptions.DEFAULT);
    registry.delete(ResourceTypes.ENDPOINTSLICES, "default", "s2-x", DeleteOptions.DEFAULT);
    await("both subscribers to see the update and the deletions", () -> List.of(a, b).stream().allMatch(c ->
        "round-robin".equals(balancing(c, "s1")) && c.snapshot().service("default", "s2") == null
            && c.snapshot().endpoints("default", "s2") == null));
    await("both daemons to ACK the latest version", () -> server.dataPlane().server().status().stream()
        .filter(DaemonStatus::connected).count() == 2 && server.dataPlane().server().status().stream()
        .allMatch(s -> s.lag(server.dataPlane().server().snapshot().systemVersion()) == 0));

    // Restart a: it states what it held and receives only the difference.
    DataPlaneSnapshot held = a.snapshot();
    a.close();
    clients.remove(a);
    annotate("s3", "least-request");
    registry.delete(ResourceTypes.ENDPOINTSLICES, "default", "s1-x", DeleteOptions.DEFAULT);
    await("the control component to serve the changes", () -> server.dataPlane().server().snapshot()
        .get(ENDPOINTS, "default/s1") == null);
    DataPlaneClient resumed = started(client("node-a").resumeFrom(held));
    assertEquals(2, resumed.stats().lastPushSize(), "one upsert (s3) and one removal (s1 endpoints)");
    assertEquals("least-request", balancing(resumed, "s3"));
    assertNull(resumed.snapshot().endpoints("default", "s1"));
    assertEquals(2, own(resumed.snapshot(), SERVICE));

    // A daemon that rejects a view NACKs it and keeps its last good copy; the server records the NACK.
    DataPlaneClient strict = started(client("node-c").extraValidator(r ->
        r.hasService() && "reject-me".equals(r.getService().getAnnotationsMap().get("gantry.io/balancing"))
            ? List.of("gantry.io/balancing: \"reject-me\" (expected: a policy this daemon knows)") : List.of()));
    annotate("s1", "reject-me");
    await("the lenient daemon to accept the new view", () -> "reject-me".equals(balancing(b, "s1")));
    await("the strict daemon's NACK to be recorded", () -> server.dataPlane().server().status().stream()
        .anyMatch(s -> s.daemonId().equals("proxy/node-c") && s.nacks() == 1));
    assertEquals("round-robin", balancing(strict, "s1"), "the strict daemon keeps its last good view");
    assertEquals(1, strict.stats().nacksSent());
    DaemonStatus status = server.dataPlane().server().status().stream()
        .filter(s -> s.daemonId().equals("proxy/node-c")).findFirst().orElseThrow();
    assertTrue(status.lastNack().contains("reject-me"), status.lastNack());

    // The admin port reports the daemons, their lag and the NACK.
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + server.adminAddress().getPort();
    String statusJson = http.send(HttpRequest.newBuilder(URI.create(base + "/status")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(statusJson.contains("\"id\" : \"proxy/node-c\""), statusJson);
    String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(metrics.contains("gantry_dataplane_nacks_total 1"), metrics);
    assertTrue(metrics.contains("gantry_dataplane_connected_daemons 3"), metrics);
    assertTrue(metrics.contains("gantry_dataplane_daemon_lag{daemon=\"proxy/node-b\""), metrics);
    assertTrue(metrics.contains("gantry_store_revision "), metrics);
    assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode());
  }

  @Test
  void clientReconnectsWithBackoffAfterTheServerRestarts() throws Exception {
    createService("s1", 11);
    // A fixed API port too: the kubernetes Service's endpoints follow the API port, and a new one
    // would be a real change to push.
    InetSocketAddress api;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      api = new InetSocketAddress("127.0.0.1", probe.getLocalPort());
    }
    // A fixed port, so the restarted server is found at the same address.
    InetSocketAddress address = server.dataPlane().server().localAddress();
    server.close();
    server = ControlServer.start(ControlConfig.builder(dir).apiAddress(api)
        .dataPlaneAddress(address).adminAddress(new InetSocketAddress("127.0.0.1", 0)).insecureHttp(true).build());
    registry = server.registry();
    java.util.Set<String> changedAfterRestart = java.util.concurrent.ConcurrentHashMap.newKeySet();
    java.util.concurrent.atomic.AtomicBoolean restarted = new java.util.concurrent.atomic.AtomicBoolean();
    DataPlaneClient client = started(client("node-a").listener((snapshot, changes) -> {
      if (restarted.get()) {
        Changes.TypeChanges services = changes.of(SERVICE);
        changedAfterRestart.addAll(services.added());
        changedAfterRestart.addAll(services.updated());
      }
    }));
    assertNotNull(client.snapshot().service("default", "s1"));

    InetSocketAddress same = server.dataPlane().server().localAddress();
    server.close();
    await("the client to notice", () -> !client.stats().connected());
    restarted.set(true);
    server = ControlServer.start(ControlConfig.builder(dir).apiAddress(api)
        .dataPlaneAddress(same).adminAddress(new InetSocketAddress("127.0.0.1", 0)).insecureHttp(true).build());
    registry = server.registry();
    createService("s2", 12);
    // Listeners run after the snapshot is published, so wait for the listener, not the snapshot.
    await("the client to reconnect and report the new service", () ->
        changedAfterRestart.contains("default/s2"));
    assertNotNull(client.snapshot().service("default", "s2"));
    assertTrue(client.stats().streamsOpened() >= 2);
    assertFalse(changedAfterRestart.contains("default/s1"),
        "the resumed stream must not resend the unchanged s1: " + changedAfterRestart);
  }
}
