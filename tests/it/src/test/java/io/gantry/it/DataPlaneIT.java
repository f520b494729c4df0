package io.gantry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.control.api.v1.Endpoint;
import io.gantry.control.api.v1.EndpointView;
import io.gantry.control.api.v1.NodeAddress;
import io.gantry.control.api.v1.NodeView;
import io.gantry.control.api.v1.PodView;
import io.gantry.control.api.v1.Resource;
import io.gantry.control.api.v1.ResourceType;
import io.gantry.control.api.v1.Role;
import io.gantry.control.api.v1.ServiceView;
import io.gantry.control.client.Changes;
import io.gantry.control.client.DataPlaneClient;
import io.gantry.control.client.DataPlaneSnapshot;
import io.gantry.testing.ApiClient;
import io.gantry.testing.Poll;
import io.gantry.testing.GantryProcess;
import io.gantry.testing.Json;
import io.gantry.testing.Kubectl;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The DataPlane stream end to end: the real {@code gantry up} process, changes made with the
 * real kubectl (or the raw API), and several real {@link DataPlaneClient}s subscribed over gRPC.
 *
 * <p>There is no node agent yet, so the test plays the kubelet: it creates a Node and sets pod
 * IPs and readiness through the {@code status} subresource; the EndpointSlice controller does
 * the rest. Every test works in its own namespace; the control restart runs last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DataPlaneIT {

  private static final Duration CONVERGE = Duration.ofSeconds(10);
  private static final ResourceType SERVICE = ResourceType.RESOURCE_TYPE_SERVICE;
  private static final ResourceType ENDPOINTS = ResourceType.RESOURCE_TYPE_ENDPOINTS;
  private static final ResourceType NODE = ResourceType.RESOURCE_TYPE_NODE;
  private static final ResourceType POD = ResourceType.RESOURCE_TYPE_POD;
  private static final ResourceType INGRESS = ResourceType.RESOURCE_TYPE_INGRESS;
  private static final String NODE_NAME = "dp-node-1";
  private static final String NODE_ADDRESS = "127.0.0.2";
  private static final Pattern NACKS_TOTAL = Pattern.compile("(?m)^gantry_dataplane_nacks_total (\\d+)$");

  private GantryProcess gantry;
  private Kubectl kubectl;
  private ApiClient api;
  private final List<DataPlaneClient> clients = new ArrayList<>();

  @BeforeAll
  void start() {
    // No kubelet heartbeats here: keep the node lifecycle controller from marking the node (and its pods) NotReady.
    gantry = GantryProcess.start("--nodes", "0", "--node-monitor-grace-period", "PT10M"); // the test plays the kubelet
    kubectl = gantry.kubectl();
    api = gantry.api();
    apply("""
        apiVersion: v1
        kind: Node
        metadata:
          name: %s
          labels:
            kubernetes.io/hostname: %s
            topology.kubernetes.io/zone: zone-a
        """.formatted(NODE_NAME, NODE_NAME));
    String now = Instant.now().toString();
    patchStatus("node", null, NODE_NAME, """
        {"status":{"addresses":[{"type":"InternalIP","address":"%s"}],
          "conditions":[{"type":"Ready","status":"True","reason":"KubeletReady",
            "lastHeartbeatTime":"%s","lastTransitionTime":"%s"}]}}""".formatted(NODE_ADDRESS, now, now));
  }

  @AfterEach
  void closeClients() {
    clients.forEach(DataPlaneClient::close);
    clients.clear();
  }

  @AfterAll
  void stop() {
    closeClients();
    if (gantry != null) {
      gantry.close();
    }
  }

  @Test
  @Order(1)
  void subscribersConvergeOnServicesAndEndpointsMadeWithKubectl() throws InterruptedException {
    DataPlaneClient proxy = client("proxy/" + NODE_NAME, Role.ROLE_PROXY, b -> { }, SERVICE, ENDPOINTS, NODE);
    DataPlaneClient dns = client("dns/" + NODE_NAME, Role.ROLE_DNS, b -> { }, SERVICE, ENDPOINTS, POD);
    DataPlaneClient ingress = client("ingress/" + NODE_NAME, Role.ROLE_INGRESS, b -> { }, SERVICE, ENDPOINTS, INGRESS);
    List<DataPlaneClient> all = List.of(proxy, dns, ingress);
    for (DataPlaneClient client : all) {
      assertTrue(client.awaitFirstPush(CONVERGE), "no first push within " + CONVERGE);
    }
    NodeView node = proxy.snapshot().node(NODE_NAME);
    assertNotNull(node, () -> "the proxy's first push lacks node " + NODE_NAME + ": " + proxy.snapshot());
    assertTrue(node.getReady(), node::toString);
    assertEquals(List.of(NodeAddress.newBuilder().setType("InternalIP").setAddress(NODE_ADDRESS).build()),
        node.getAddressesList());
    assertEquals("zone-a", node.getLabelsOrDefault("topology.kubernetes.io/zone", ""));
    assertTrue(dns.snapshot().of(NODE).isEmpty(), "dns did not subscribe to nodes: " + dns.snapshot().of(NODE));

    apply(namespace("dp1") + """
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: dp1}
        spec:
          selector: {app: web}
          ports: [{name: http, port: 80, targetPort: http}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web-np, namespace: dp1}
        spec:
          type: NodePort
          selector: {app: web}
          ports: [{port: 8080, targetPort: 8080}]
        ---
        """ + pod("dp1", "web-1", "web") + "---\n" + pod("dp1", "web-2", "web"));
    podStatus("dp1", "web-1", "127.244.0.5", true);
    podStatus("dp1", "web-2", "127.244.0.6", false);
    String clusterIp = kubectl.run("get", "service", "web", "-n", "dp1", "-o", "json").json()
        .at("/spec/clusterIP").asText();
    JsonNode nodePortService = kubectl.run("get", "service", "web-np", "-n", "dp1", "-o", "json").json();
    int nodePort = nodePortService.at("/spec/ports/0/nodePort").asInt();
    assertTrue(clusterIp.startsWith("127.96."), () -> "ClusterIP " + clusterIp + " (expected: in 127.96.0.0/16)");
    assertTrue(nodePort >= 30000 && nodePort <= 32767, () -> "nodePort " + nodePort + " (expected: 30000-32767)");

    Map<String, Boolean> oneReady = Map.of("127.244.0.5", true, "127.244.0.6", false);
    for (DataPlaneClient client : all) {
      await("web and web-np with endpoints " + oneReady, client::snapshot, () -> {
        DataPlaneSnapshot s = client.snapshot();
        ServiceView web = s.service("dp1", "web");
        ServiceView np = s.service("dp1", "web-np");
        return web != null && web.getClusterIpsList().equals(List.of(clusterIp))
            && web.getPortsCount() == 1 && web.getPorts(0).getPort() == 80
            && web.getPorts(0).getTargetPortName().equals("http")
            && np != null && np.getType().equals("NodePort") && np.getPortsCount() == 1
            && np.getPorts(0).getNodePort() == nodePort && np.getPorts(0).getTargetPortNumber() == 8080
            && readiness(s.endpoints("dp1", "web")).equals(oneReady)
            && readiness(s.endpoints("dp1", "web-np")).equals(oneReady);
      });
    }
    // The named target port resolved against the pod's container port; the unnamed one kept "".
    Endpoint ready = endpoint(proxy.snapshot().endpoints("dp1", "web"), "127.244.0.5");
    assertEquals(8080, ready.getPortsOrThrow("http").getPort(), ready::toString);
    assertEquals("TCP", ready.getPortsOrThrow("http").getProtocol(), ready::toString);
    assertEquals(NODE_NAME, ready.getNodeName());
    assertEquals("web-1", ready.getTargetPodName());
    assertEquals(8080, endpoint(proxy.snapshot().endpoints("dp1", "web-np"), "127.244.0.5").getPortsOrThrow("")
        .getPort());
    // The dns daemon subscribed to pods too.
    await("pod view of web-1 with its IP", dns::snapshot, () -> {
      PodView pod = dns.snapshot().pod("dp1", "web-1");
      return pod != null && pod.getIpsList().equals(List.of("127.244.0.5")) && pod.getNodeName().equals(NODE_NAME)
          && pod.getLabelsOrDefault("app", "").equals("web");
    });
    assertSameViews(all, "dp1/");

    podStatus("dp1", "web-2", "127.244.0.6", true);
    Map<String, Boolean> bothReady = Map.of("127.244.0.5", true, "127.244.0.6", true);
    for (DataPlaneClient client : all) {
      await("both web endpoints ready", client::snapshot, () ->
          readiness(client.snapshot().endpoints("dp1", "web")).equals(bothReady)
              && readiness(client.snapshot().endpoints("dp1", "web-np")).equals(bothReady));
    }

    kubectl.run("delete", "service", "web-np", "-n", "dp1").assertOk();
    for (DataPlaneClient client : all) {
      await("web-np and its endpoints removed", client::snapshot, () ->
          client.snapshot().service("dp1", "web-np") == null && client.snapshot().endpoints("dp1", "web-np") == null);
      assertNotNull(client.snapshot().service("dp1", "web"), "deleting web-np must not remove web");
      assertEquals(bothReady, readiness(client.snapshot().endpoints("dp1", "web")));
    }
    assertSameViews(all, "dp1/");
  }

  @Test
  @Order(2)
  void aRestartedSubscriberResumesWithOnlyTheDifference() throws InterruptedException {
    apply(namespace("dp2") + """
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: a, namespace: dp2}
        spec:
          selector: {app: a}
          ports: [{port: 80, targetPort: 8080}]
        ---
        """ + pod("dp2", "a-1", "a"));
    podStatus("dp2", "a-1", "127.244.0.10", true);
    DataPlaneClient witness = client("dns/witness", Role.ROLE_DNS, b -> { }, SERVICE, ENDPOINTS);
    DataPlaneClient first = client("dns/resumer", Role.ROLE_DNS, b -> { }, SERVICE, ENDPOINTS);
    for (DataPlaneClient client : List.of(witness, first)) {
      await("endpoint a-1 ready", client::snapshot, () ->
          readiness(client.snapshot().endpoints("dp2", "a")).equals(Map.of("127.244.0.10", true)));
    }
    first.close();
    DataPlaneSnapshot held = first.snapshot();

    // While it is away: one new service, one endpoint changed.
    apply("""
        apiVersion: v1
        kind: Service
        metadata: {name: b, namespace: dp2}
        spec:
          ports: [{port: 90}]
        """);
    podStatus("dp2", "a-1", "127.244.0.10", false);
    // The witness stays connected: once it has both changes, the served snapshot has them too.
    await("service b and a-1 not ready", witness::snapshot, () ->
        witness.snapshot().service("dp2", "b") != null
            && readiness(witness.snapshot().endpoints("dp2", "a")).equals(Map.of("127.244.0.10", false)));

    List<Changes> heard = new CopyOnWriteArrayList<>();
    DataPlaneClient resumed = client("dns/resumer", Role.ROLE_DNS,
        b -> b.resumeFrom(held).listener((snapshot, changes) -> heard.add(changes)), SERVICE, ENDPOINTS);
    assertTrue(resumed.awaitFirstPush(CONVERGE), "no first push within " + CONVERGE);
    DataPlaneClient.Stats stats = resumed.stats();
    assertEquals(1, stats.pushes(), stats::toString);
    assertEquals(2, stats.lastPushSize(), () -> "the resumed push should carry exactly the 2 changed views: "
        + heard.get(0));
    Changes changes = heard.get(0);
    assertEquals(Set.of("dp2/b"), changes.of(SERVICE).added(), changes::toString);
    assertEquals(Set.of(), changes.of(SERVICE).updated(), changes::toString);
    assertEquals(Set.of("dp2/a"), changes.of(ENDPOINTS).updated(), changes::toString);
    assertEquals(Set.of(), changes.of(ENDPOINTS).added(), changes::toString);
    assertEquals(witness.snapshot().resources(), resumed.snapshot().resources(),
        "the resumed daemon converges on what the connected one holds");

    // For contrast: a cold start is sent everything.
    DataPlaneClient cold = client("dns/cold", Role.ROLE_DNS, b -> { }, SERVICE, ENDPOINTS);
    assertTrue(cold.awaitFirstPush(CONVERGE), "no first push within " + CONVERGE);
    assertEquals(witness.snapshot().size(), cold.stats().lastPushSize(), () -> cold.snapshot().toString());
  }

  @Test
  @Order(3)
  void aRejectedViewIsNackedKeptAtTheLastGoodCopyAndReported() {
    apply(namespace("dp3") + "---\n" + selectorless("dp3", "good") + "---\n" + selectorless("dp3", "bad")
        + "---\n" + selectorless("dp3", "flaky"));
    long nacksBefore = nacksTotal();
    Function<Resource, List<String>> picky = resource -> resource.hasService()
        && (resource.getName().equals("dp3/bad") || resource.getService().containsAnnotations("gantry.io/reject"))
        ? List.of("rejected by this daemon's policy") : List.of();
    DataPlaneClient client = client("proxy/picky", Role.ROLE_PROXY, b -> b.extraValidator(picky), SERVICE);

    await("good and flaky accepted, bad rejected", client::snapshot, () ->
        client.snapshot().service("dp3", "good") != null && client.snapshot().service("dp3", "flaky") != null
            && client.stats().nacksSent() == 1);
    assertNull(client.snapshot().service("dp3", "bad"), "a view never accepted stays absent");
    ServiceView flakyBefore = client.snapshot().service("dp3", "flaky");

    kubectl.run("annotate", "service", "flaky", "-n", "dp3", "gantry.io/reject=yes").assertOk();
    await("the annotated flaky rejected", client::stats, () -> client.stats().nacksSent() == 2);
    // The daemon still takes later pushes after a NACK.
    kubectl.run("annotate", "service", "good", "-n", "dp3", "gantry.io/balancing=maglev").assertOk();
    await("good with its new annotation", client::snapshot, () -> {
      ServiceView good = client.snapshot().service("dp3", "good");
      return good != null && good.getAnnotationsOrDefault("gantry.io/balancing", "").equals("maglev");
    });
    assertEquals(flakyBefore, client.snapshot().service("dp3", "flaky"), "the last good copy of flaky is kept");
    assertNull(client.snapshot().service("dp3", "bad"));
    assertEquals(2, client.stats().nacksSent(), () -> client.stats().toString());

    await("gantry_dataplane_nacks_total to count both NACKs", () -> gantry.admin("/metrics").body(),
        () -> nacksTotal() == nacksBefore + 2);
    await("/status to list proxy/picky with 2 NACKs", () -> gantry.admin("/status").body(), () -> {
      JsonNode daemon = daemonStatus("proxy/picky");
      return daemon != null && daemon.path("nacks").asLong() == 2 && daemon.path("connected").asBoolean();
    });
    JsonNode daemon = daemonStatus("proxy/picky");
    String lastNack = daemon.path("lastNack").asText();
    assertTrue(lastNack.contains("dp3/flaky") && lastNack.contains("rejected by this daemon's policy"),
        () -> "lastNack: " + lastNack);
    assertEquals(client.snapshot().systemVersion(), daemon.path("ackedVersion").asLong(),
        "a NACK still answers the push: the daemon's version advances");
  }

  @Test
  @Order(4)
  void aSlowSubscriberGetsTheLatestStateCoalescedWithoutHoldingBackAFastOne() throws InterruptedException {
    apply(namespace("dp4") + "---\n" + selectorless("dp4", "hot"));
    CountDownLatch gate = new CountDownLatch(1);
    CountDownLatch slowBlocked = new CountDownLatch(1);
    AtomicInteger slowUpdates = new AtomicInteger();
    AtomicInteger fastUpdates = new AtomicInteger();
    DataPlaneClient fast = client("proxy/fast", Role.ROLE_PROXY, b -> b.listener((snapshot, changes) -> {
      if (touches(changes, "dp4/hot")) {
        fastUpdates.incrementAndGet();
      }
    }), SERVICE);
    // The listener runs on the client's only thread: while it blocks, the client reads nothing and ACKs
    // nothing more. (The push it is handling was ACKed just before the listener ran, so the server may
    // have one more push in flight to it, which stays unread and unACKed until the gate opens.)
    DataPlaneClient slow = client("proxy/slow", Role.ROLE_PROXY, b -> b.listener((snapshot, changes) -> {
      if (touches(changes, "dp4/hot") && slowUpdates.incrementAndGet() == 1) {
        slowBlocked.countDown();
        try {
          gate.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }), SERVICE);
    try {
      assertTrue(fast.awaitFirstPush(CONVERGE), "no first push within " + CONVERGE);
      assertTrue(slowBlocked.await(CONVERGE.toSeconds(), TimeUnit.SECONDS), "the slow client never saw dp4/hot");

      int changes = 50;
      long started = System.nanoTime();
      for (int i = 1; i <= changes; i++) {
        HttpResponse<String> response = api.patch("/api/v1/namespaces/dp4/services/hot",
            "application/merge-patch+json", "{\"metadata\":{\"annotations\":{\"gantry.io/seq\":\"" + i + "\"}}}");
        assertEquals(200, response.statusCode(), response::body);
      }
      System.out.printf("DataPlaneIT: %d changes took %d ms%n", changes,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      await("the fast client at seq " + changes, fast::snapshot, () -> seq(fast.snapshot()).equals("" + changes));
      // The fast one converged while the slow one is still blocked on its first update.
      assertEquals(1, gate.getCount());
      assertEquals("", seq(slow.snapshot()), "the slow client must not have moved while blocked");
      // 50 changes wait as one dirty key for the slow daemon, not as a queue.
      await("/status to show one pending key for proxy/slow", () -> gantry.admin("/status").body(), () -> {
        JsonNode daemon = daemonStatus("proxy/slow");
        return daemon != null && daemon.path("pendingKeys").asInt() == 1;
      });
    } finally {
      gate.countDown();
    }
    await("the slow client at seq " + 50, slow::snapshot, () -> seq(slow.snapshot()).equals("50"));
    System.out.printf("DataPlaneIT: 50 changes reached the fast client in %d updates, the slow one in %d (%s)%n",
        fastUpdates.get(), slowUpdates.get(), slow.stats());
    // Expected 2 or 3: the blocked one, at most one push already in flight, and one with the latest state.
    assertTrue(slowUpdates.get() <= 5, () -> "the slow client heard " + slowUpdates.get()
        + " updates of dp4/hot for 50 changes (expected: coalesced into a few)");
    assertEquals(fast.snapshot().service("dp4", "hot"), slow.snapshot().service("dp4", "hot"));
  }

  @Test
  @Order(5)
  void gantryStatusListsTheConnectedDaemonsWithTheirAckedVersions() throws InterruptedException {
    DataPlaneClient proxy = client("proxy/status-a", Role.ROLE_PROXY, b -> { }, SERVICE, ENDPOINTS, NODE);
    DataPlaneClient dns = client("dns/status-b", Role.ROLE_DNS, b -> { }, SERVICE);
    assertTrue(proxy.awaitFirstPush(CONVERGE) && dns.awaitFirstPush(CONVERGE), "no first push within " + CONVERGE);
    dns.close();
    long version = proxy.snapshot().systemVersion();
    // A change of a type the proxy does not subscribe to: the served version moves on, the proxy has
    // nothing to receive, and it is still fully up to date (lag 0).
    apply(namespace("dp5") + "---\n" + pod("dp5", "p-1", "p"));
    long podVersion = kubectl.run("get", "pod", "p-1", "-n", "dp5", "-o", "json").json()
        .at("/metadata/resourceVersion").asLong();
    await("/status: served version >= " + podVersion + ", proxy/status-a acked " + version + " with lag 0, "
        + "dns/status-b disconnected", () -> gantry.admin("/status").body(), () -> {
          JsonNode a = daemonStatus("proxy/status-a");
          JsonNode b = daemonStatus("dns/status-b");
          return Json.parse(gantry.admin("/status").body()).path("systemVersion").asLong() >= podVersion
              && a != null && a.path("connected").asBoolean() && a.path("ackedVersion").asLong() == version
              && a.path("lag").asLong() == 0
              && b != null && !b.path("connected").asBoolean();
        });
    assertEquals(version, proxy.snapshot().systemVersion(), "the proxy was sent nothing for a pod");

    String adminAddress = "127.0.0.1:" + gantry.adminPort();
    GantryProcess.CliResult table = GantryProcess.runCli("status", "--admin-address", adminAddress).assertOk();
    List<String> a = row(table.stdout(), "proxy/status-a");
    assertEquals(List.of("proxy/status-a", "proxy", NODE_NAME, "yes", Long.toString(version), "0"),
        a.subList(0, 6), table::toString);
    List<String> b = row(table.stdout(), "dns/status-b");
    assertEquals(List.of("dns/status-b", "dns", NODE_NAME, "no"), b.subList(0, 4), table::toString);
  }

  @Test
  @Order(6)
  void subscribersReconnectAndResumeAfterTheControlRestarts() {
    apply(namespace("dp6") + "---\n" + selectorless("dp6", "r1"));
    DataPlaneClient proxy = client("proxy/restart", Role.ROLE_PROXY, b -> { }, SERVICE, ENDPOINTS, NODE);
    DataPlaneClient dns = client("dns/restart", Role.ROLE_DNS, b -> { }, SERVICE, ENDPOINTS);
    List<DataPlaneClient> both = List.of(proxy, dns);
    for (DataPlaneClient client : both) {
      await("r1", client::snapshot, () -> client.snapshot().service("dp6", "r1") != null);
    }
    long r1Version = proxy.snapshot().version(SERVICE, "dp6/r1");
    List<Long> pushesBefore = both.stream().map(c -> c.stats().pushes()).toList();

    gantry.restart();

    for (int i = 0; i < both.size(); i++) {
      DataPlaneClient client = both.get(i);
      long before = pushesBefore.get(i);
      await("a reconnect and a resumed push", client::stats, () -> client.stats().connected()
          && client.stats().streamsOpened() >= 2 && client.stats().pushes() > before);
      // Nothing changed across the restart and versions are store revisions: the resumed push is empty.
      assertEquals(0, client.stats().lastPushSize(), () -> "the resumed push should be empty: " + client.stats());
    }
    assertEquals(r1Version, proxy.snapshot().version(SERVICE, "dp6/r1"), "an unchanged view keeps its version");

    apply(selectorless("dp6", "r2"));
    String clusterIp = kubectl.run("get", "service", "r2", "-n", "dp6", "-o", "json").json()
        .at("/spec/clusterIP").asText();
    for (DataPlaneClient client : both) {
      await("r2 made after the restart", client::snapshot, () -> {
        ServiceView r2 = client.snapshot().service("dp6", "r2");
        return r2 != null && r2.getClusterIpsList().equals(List.of(clusterIp));
      });
    }
  }

  // ---------------------------------------------------------------------------------------------

  private DataPlaneClient client(String daemonId, Role role, Consumer<DataPlaneClient.Builder> customize,
      ResourceType... types) {
    DataPlaneClient.Builder builder = DataPlaneClient.builder(gantry.dataPlaneAddress(), NODE_NAME, role)
        .daemonId(daemonId)
        .types(types)
        .backoff(Duration.ofMillis(100), Duration.ofSeconds(1));
    customize.accept(builder);
    DataPlaneClient client = builder.start();
    clients.add(client);
    return client;
  }

  private void apply(String yaml) {
    kubectl.runWithInput(yaml, "apply", "-f", "-").assertOk();
  }

  /** What the kubelet would report: an IP, Running, and the Ready condition. */
  private void podStatus(String namespace, String pod, String ip, boolean ready) {
    patchStatus("pod", namespace, pod, """
        {"status":{"phase":"Running","podIP":"%s","podIPs":[{"ip":"%s"}],
          "conditions":[{"type":"Ready","status":"%s"}]}}""".formatted(ip, ip, ready ? "True" : "False"));
  }

  private void patchStatus(String kind, String namespace, String name, String patch) {
    List<String> args = new ArrayList<>(List.of("patch", kind, name, "--subresource=status", "--type=merge",
        "-p", patch.replace("\n", "")));
    if (namespace != null) {
      args.addAll(List.of("-n", namespace));
    }
    kubectl.run(args.toArray(String[]::new)).assertOk();
  }

  private static String namespace(String name) {
    return "apiVersion: v1\nkind: Namespace\nmetadata: {name: " + name + "}\n";
  }

  private static String pod(String namespace, String name, String app) {
    return """
        apiVersion: v1
        kind: Pod
        metadata: {name: %s, namespace: %s, labels: {app: %s}}
        spec:
          nodeName: %s
          containers:
          - name: main
            image: registry.invalid/app:1
            ports: [{name: http, containerPort: 8080}]
        """.formatted(name, namespace, app, NODE_NAME);
  }

  private static String selectorless(String namespace, String name) {
    return """
        apiVersion: v1
        kind: Service
        metadata: {name: %s, namespace: %s}
        spec:
          ports: [{port: 80}]
        """.formatted(name, namespace);
  }

  /** Address to ready flag; empty when the view is absent. */
  private static Map<String, Boolean> readiness(EndpointView view) {
    Map<String, Boolean> ready = new TreeMap<>();
    if (view != null) {
      view.getEndpointsList().forEach(endpoint -> ready.put(endpoint.getAddress(), endpoint.getReady()));
    }
    return ready;
  }

  private static Endpoint endpoint(EndpointView view, String address) {
    return view.getEndpointsList().stream().filter(e -> e.getAddress().equals(address)).findFirst()
        .orElseThrow(() -> new AssertionError("no endpoint " + address + " in " + view));
  }

  /** Every client holds the same service and endpoint views under {@code prefix}. */
  private static void assertSameViews(List<DataPlaneClient> clients, String prefix) {
    for (ResourceType type : List.of(SERVICE, ENDPOINTS)) {
      Map<String, Resource> expected = under(clients.get(0).snapshot(), type, prefix);
      assertFalse(expected.isEmpty(), "no " + type + " under " + prefix);
      for (DataPlaneClient client : clients) {
        assertEquals(expected, under(client.snapshot(), type, prefix));
      }
    }
  }

  private static Map<String, Resource> under(DataPlaneSnapshot snapshot, ResourceType type, String prefix) {
    Map<String, Resource> result = new TreeMap<>();
    snapshot.of(type).forEach((name, resource) -> {
      if (name.startsWith(prefix)) {
        result.put(name, resource);
      }
    });
    return result;
  }

  private static boolean touches(Changes changes, String service) {
    Changes.TypeChanges of = changes.of(SERVICE);
    return of.added().contains(service) || of.updated().contains(service);
  }

  private static String seq(DataPlaneSnapshot snapshot) {
    ServiceView hot = snapshot.service("dp4", "hot");
    return hot == null ? "" : hot.getAnnotationsOrDefault("gantry.io/seq", "");
  }

  private long nacksTotal() {
    String metrics = gantry.admin("/metrics").body();
    Matcher matcher = NACKS_TOTAL.matcher(metrics);
    if (!matcher.find()) {
      throw new AssertionError("no gantry_dataplane_nacks_total in /metrics:\n" + metrics);
    }
    return Long.parseLong(matcher.group(1));
  }

  /** The {@code /status} entry of one daemon, or null. */
  private JsonNode daemonStatus(String daemonId) {
    HttpResponse<String> response = gantry.admin("/status");
    assertEquals(200, response.statusCode(), response::body);
    for (JsonNode daemon : Json.parse(response.body()).path("daemons")) {
      if (daemon.path("id").asText().equals(daemonId)) {
        return daemon;
      }
    }
    return null;
  }

  /** The whitespace-separated cells of the table row that starts with {@code first}. */
  private static List<String> row(String table, String first) {
    for (String line : table.split("\n")) {
      List<String> cells = List.of(line.trim().split("\\s+"));
      if (cells.get(0).equals(first)) {
        return cells;
      }
    }
    throw new AssertionError("no row " + first + " in\n" + table);
  }  private static void await(String what, Supplier<?> state, BooleanSupplier condition) {
    Poll.until(what, CONVERGE, Duration.ofMillis(20), condition, state);
  }
}
