package io.gantry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.testing.FreePort;
import io.gantry.testing.GantryProcess;
import io.gantry.testing.Poll;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The service proxy end to end: {@code gantry up} (control and one proxy per node in process),
 * kubectl creates a selector-less Service and an EndpointSlice pointing at a backend on
 * 127.0.0.1, and a socket to the allocated ClusterIP (and the NodePort on node-1's 127.0.0.11)
 * reaches the backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceProxyIT {

  private GantryProcess gantry;
  private ServerSocket backend;
  private ServerSocket otherBackend;

  @BeforeAll
  void start() throws IOException {
    gantry = GantryProcess.start();
    backend = echoBackend("127.0.0.1", "backend");
    otherBackend = echoBackend("127.0.0.2", "other");
  }

  /** A TCP server on {@code address} that answers {@code greeting}, then echoes. */
  private static ServerSocket echoBackend(String address, String greeting) throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName(address));
    Thread.ofVirtual().start(() -> {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          Thread.ofVirtual().start(() -> {
            try (s; OutputStream out = s.getOutputStream()) {
              out.write((greeting + "\n").getBytes(StandardCharsets.UTF_8));
              s.getInputStream().transferTo(out);
            } catch (IOException ignored) {
              // client left
            }
          });
        } catch (IOException e) {
          return;
        }
      }
    });
    return server;
  }

  @AfterAll
  void stop() throws IOException {
    if (gantry != null) {
      gantry.close();
    }
    for (ServerSocket server : new ServerSocket[] {backend, otherBackend}) {
      if (server != null) {
        server.close();
      }
    }
  }

  /**
   * Topology-aware routing (kube-proxy's PreferSameZone): with every endpoint hinted, the proxy
   * sends Cluster traffic to the endpoints hinted for its node's zone; a node in a zone no endpoint
   * is hinted for, or without a zone, gets all of them.
   */
  @Test
  void zoneHintsKeepTrafficInTheNodesZone() throws Exception {
    String manifest = """
        apiVersion: v1
        kind: Service
        metadata: {name: zoned, namespace: default}
        spec:
          ports: [{name: tcp, port: 7100, targetPort: 7100}]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: zoned-a, namespace: default, labels: {kubernetes.io/service-name: zoned}}
        addressType: IPv4
        ports: [{name: tcp, port: %d, protocol: TCP}]
        endpoints:
        - addresses: [127.0.0.1]
          conditions: {ready: true}
          zone: a
          hints: {forZones: [{name: a}]}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: zoned-b, namespace: default, labels: {kubernetes.io/service-name: zoned}}
        addressType: IPv4
        ports: [{name: tcp, port: %d, protocol: TCP}]
        endpoints:
        - addresses: [127.0.0.2]
          conditions: {ready: true}
          zone: b
          hints: {forZones: [{name: b}]}
        """.formatted(backend.getLocalPort(), otherBackend.getLocalPort());
    gantry.kubectl().runWithInput(manifest, "apply", "-f", "-").assertOk();
    String clusterIp = gantry.kubectl().run("get", "service", "zoned", "-o", "jsonpath={.spec.clusterIP}")
        .assertOk().stdout().trim();
    try {
      gantry.kubectl().run("label", "node", "node-1", "topology.kubernetes.io/zone=b").assertOk();
      awaitOnlyAnswer(clusterIp, 7100, "other");
      gantry.kubectl().run("label", "node", "node-1", "--overwrite", "topology.kubernetes.io/zone=a").assertOk();
      awaitOnlyAnswer(clusterIp, 7100, "backend");
      gantry.kubectl().run("label", "node", "node-1", "--overwrite", "topology.kubernetes.io/zone=c").assertOk();
      Poll.until("both endpoints answering a node of zone c", Duration.ofSeconds(20), Duration.ofMillis(200),
          () -> answers(clusterIp, 7100, 16).size() == 2, () -> answers(clusterIp, 7100, 16));
    } finally {
      gantry.kubectl().run("label", "node", "node-1", "topology.kubernetes.io/zone-").assertOk();
      gantry.kubectl().run("delete", "service", "zoned").assertOk();
      gantry.kubectl().run("delete", "endpointslice", "zoned-a", "zoned-b").assertOk();
    }
  }

  private static void awaitOnlyAnswer(String host, int port, String greeting) {
    Poll.until("only " + greeting + " answering", Duration.ofSeconds(20), Duration.ofMillis(200),
        () -> answers(host, port, 16).equals(java.util.Set.of(greeting)), () -> answers(host, port, 16));
  }

  /** The greetings of {@code n} fresh connections. */
  private static java.util.Set<String> answers(String host, int port, int n) {
    java.util.Set<String> seen = new java.util.TreeSet<>();
    for (int i = 0; i < n; i++) {
      try {
        seen.add(roundTrip(host, port).split(" / ")[0]);
      } catch (Exception e) {
        seen.add(e.toString());
      }
    }
    return seen;
  }

  @Test
  void aSelectorlessServiceReachesItsEndpointSliceThroughClusterIpAndNodePort() throws Exception {
    String manifest = """
        apiVersion: v1
        kind: Service
        metadata: {name: echo, namespace: default}
        spec:
          type: NodePort
          ports: [{name: tcp, port: 7000, targetPort: 7000}]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: echo-1
          namespace: default
          labels: {kubernetes.io/service-name: echo}
        addressType: IPv4
        ports: [{name: tcp, port: %d, protocol: TCP}]
        endpoints:
        - addresses: [127.0.0.1]
          conditions: {ready: true}
        """.formatted(backend.getLocalPort());
    gantry.kubectl().runWithInput(manifest, "apply", "-f", "-").assertOk();
    String clusterIp = gantry.kubectl().run("get", "service", "echo", "-o", "jsonpath={.spec.clusterIP}")
        .assertOk().stdout().trim();
    int nodePort = Integer.parseInt(gantry.kubectl().run("get", "service", "echo", "-o",
        "jsonpath={.spec.ports[0].nodePort}").assertOk().stdout().trim());
    assertTrue(clusterIp.startsWith("127.96."), clusterIp);
    assertEquals("backend / hello", roundTrip(clusterIp, 7000));
    assertEquals("backend / hello", roundTrip("127.0.0.11", nodePort));
  }

  /**
   * The Service concept page's selector-less Service with a hand-made v1 Endpoints: the mirroring
   * controller turns it into an EndpointSlice, so kubectl describe and the proxy both see it.
   */
  @Test
  void userMadeEndpointsOfASelectorlessServiceAreMirroredAndServed() throws Exception {
    String manifest = """
        apiVersion: v1
        kind: Service
        metadata: {name: legacy, namespace: default}
        spec:
          ports: [{name: tcp, port: 7010, targetPort: %1$d}]
        ---
        apiVersion: v1
        kind: Endpoints
        metadata: {name: legacy, namespace: default, labels: {origin: hand-made}}
        subsets:
        - addresses: [{ip: 127.0.0.1}]
          ports: [{name: tcp, port: %1$d}]
        """.formatted(backend.getLocalPort());
    gantry.kubectl().runWithInput(manifest, "apply", "-f", "-").assertOk();
    String managedBy = Poll.value("a mirrored EndpointSlice", Duration.ofSeconds(20), Duration.ofMillis(100), () -> {
      String out = gantry.kubectl().run("get", "endpointslices", "-l", "kubernetes.io/service-name=legacy", "-o",
          "jsonpath={.items[*].metadata.labels.endpointslice\\.kubernetes\\.io/managed-by}").assertOk().stdout().trim();
      return out.isEmpty() ? null : out;
    }, () -> gantry.kubectl().run("get", "endpointslices", "-o", "yaml").stdout());
    assertEquals("endpointslicemirroring-controller.k8s.io", managedBy);
    gantry.kubectl().run("describe", "service", "legacy").assertOk()
        .assertStdoutContains("127.0.0.1:" + backend.getLocalPort());
    String clusterIp = gantry.kubectl().run("get", "service", "legacy", "-o", "jsonpath={.spec.clusterIP}")
        .assertOk().stdout().trim();
    assertEquals("backend / hello", roundTrip(clusterIp, 7010));

    gantry.kubectl().run("delete", "endpoints", "legacy").assertOk();
    Poll.until("the mirrored slice to go with the Endpoints", Duration.ofSeconds(20), Duration.ofMillis(100),
        () -> gantry.kubectl().run("get", "endpointslices", "-l", "kubernetes.io/service-name=legacy", "-o", "name")
            .assertOk().stdout().isBlank(), () -> gantry.kubectl().run("get", "endpointslices").stdout());
    gantry.kubectl().run("delete", "service", "legacy").assertOk();
  }

  /**
   * One Service walks ClusterIP, NodePort, LoadBalancer, a new port, and back to ClusterIP while a
   * connection made at the start stays open: each step works through the proxy at once, the node
   * port is gone after the last, and the first connection still echoes after every step.
   */
  @Test
  void typeAndPortChangesKeepAnOpenConnectionAndServeTheNewShape() throws Exception {
    String manifest = """
        apiVersion: v1
        kind: Service
        metadata: {name: morph, namespace: default}
        spec:
          ports: [{name: tcp, port: 7020, targetPort: 7020}]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: morph-1
          namespace: default
          labels: {kubernetes.io/service-name: morph}
        addressType: IPv4
        ports: [{name: tcp, port: %d, protocol: TCP}]
        endpoints:
        - addresses: [127.0.0.1]
          conditions: {ready: true}
        """.formatted(backend.getLocalPort());
    gantry.kubectl().runWithInput(manifest, "apply", "-f", "-").assertOk();
    String clusterIp = gantry.kubectl().run("get", "service", "morph", "-o", "jsonpath={.spec.clusterIP}")
        .assertOk().stdout().trim();
    assertEquals("backend / hello", roundTrip(clusterIp, 7020));
    try (Socket open = new Socket()) {
      open.setSoTimeout(5000);
      open.connect(new InetSocketAddress(InetAddress.getByName(clusterIp), 7020), 3000);
      BufferedReader in = new BufferedReader(new InputStreamReader(open.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("backend", in.readLine());
      assertEquals("step 0", echo(open, in, "step 0"));

      patch("{\"spec\":{\"type\":\"NodePort\"}}");
      int nodePort = Integer.parseInt(jsonpath("{.spec.ports[0].nodePort}"));
      assertEquals("backend / hello", roundTrip("127.0.0.11", nodePort));
      assertEquals("step 1", echo(open, in, "step 1"));

      patch("{\"spec\":{\"type\":\"LoadBalancer\"}}");
      assertEquals(Integer.toString(nodePort), jsonpath("{.spec.ports[0].nodePort}"), "node port kept");
      String ingress = Poll.value("a LoadBalancer address", Duration.ofSeconds(20), Duration.ofMillis(100), () -> {
        String ip = jsonpath("{.status.loadBalancer.ingress[0].ip}");
        return ip.isEmpty() ? null : ip;
      }, () -> gantry.kubectl().run("get", "service", "morph", "-o", "yaml").stdout());
      assertEquals("backend / hello", roundTrip(ingress, 7020));
      assertEquals("step 2", echo(open, in, "step 2"));

      patch("{\"spec\":{\"ports\":[{\"name\":\"tcp\",\"port\":7021,\"targetPort\":7020}]}}");
      assertEquals(Integer.toString(nodePort), jsonpath("{.spec.ports[0].nodePort}"), "node port kept by name");
      assertEquals("backend / hello", roundTrip(clusterIp, 7021));
      assertEquals("step 3", echo(open, in, "step 3"));

      patch("{\"spec\":{\"type\":\"ClusterIP\"}}");
      assertEquals("", jsonpath("{.spec.ports[0].nodePort}"));
      assertEquals("", jsonpath("{.status.loadBalancer.ingress}"));
      Poll.until("the node port to close", Duration.ofSeconds(20), Duration.ofMillis(100),
          () -> !connects("127.0.0.11", nodePort), () -> "127.0.0.11:" + nodePort + " still accepts");
      assertEquals("backend / hello", roundTrip(clusterIp, 7021));
      assertEquals("step 4", echo(open, in, "step 4"), "the first connection survived every change");
    } finally {
      gantry.kubectl().run("delete", "service", "morph");
      gantry.kubectl().run("delete", "endpointslice", "morph-1");
    }
  }

  /** e2e "should implement service.kubernetes.io/service-proxy-name": such a Service is not proxied until unlabelled. */
  @Test
  void aServiceLabelledForAnotherProxyIsNotServedUntilTheLabelGoes() throws Exception {
    String manifest = """
        apiVersion: v1
        kind: Service
        metadata:
          name: elsewhere
          namespace: default
          labels: {service.kubernetes.io/service-proxy-name: foo-bar}
        spec:
          ports: [{name: tcp, port: 7030, targetPort: 7030}]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: elsewhere-1
          namespace: default
          labels: {kubernetes.io/service-name: elsewhere}
        addressType: IPv4
        ports: [{name: tcp, port: %d, protocol: TCP}]
        endpoints:
        - addresses: [127.0.0.1]
          conditions: {ready: true}
        """.formatted(backend.getLocalPort());
    try {
      gantry.kubectl().runWithInput(manifest, "apply", "-f", "-").assertOk();
      String clusterIp = gantry.kubectl().run("get", "service", "elsewhere", "-o", "jsonpath={.spec.clusterIP}")
          .assertOk().stdout().trim();
      // the proxy has had time to see the slice when an unrelated later Service is already served
      gantry.kubectl().runWithInput(manifest.replace("elsewhere", "here").replace("7030", "7031")
          .replace("labels: {service.kubernetes.io/service-proxy-name: foo-bar}", "labels: {app: here}"),
          "apply", "-f", "-").assertOk();
      String hereIp = gantry.kubectl().run("get", "service", "here", "-o", "jsonpath={.spec.clusterIP}")
          .assertOk().stdout().trim();
      assertEquals("backend / hello", roundTrip(hereIp, 7031));
      assertFalse(connects(clusterIp, 7030), "a Service left to proxy foo-bar is not served");

      gantry.kubectl().run("label", "service", "elsewhere", "service.kubernetes.io/service-proxy-name-").assertOk();
      assertEquals("backend / hello", roundTrip(clusterIp, 7030));
    } finally {
      gantry.kubectl().run("delete", "service", "elsewhere", "here");
      gantry.kubectl().run("delete", "endpointslice", "elsewhere-1", "here-1");
    }
  }

  /**
   * e2e "should be rejected when no endpoints exist" (agnhost connect wants REFUSED): once a
   * Service's last endpoint goes, a connect to it fails with ECONNREFUSED, as kube-proxy's REJECT
   * makes it, instead of being accepted and reset; its UDP port answers ICMP port unreachable.
   */
  @Test
  void aServiceWhoseLastEndpointLeftRefusesConnectsAndDatagrams() throws Exception {
    String manifest = """
        apiVersion: v1
        kind: Service
        metadata: {name: emptied, namespace: default}
        spec:
          ports: [{name: tcp, port: 7040, targetPort: 7040}, {name: udp, port: 7040, protocol: UDP}]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: emptied-1
          namespace: default
          labels: {kubernetes.io/service-name: emptied}
        addressType: IPv4
        ports: [{name: tcp, port: %d, protocol: TCP}, {name: udp, port: 9, protocol: UDP}]
        endpoints:
        - addresses: [127.0.0.1]
          conditions: {ready: %s}
        """;
    try {
      gantry.kubectl().runWithInput(manifest.formatted(backend.getLocalPort(), "true"), "apply", "-f", "-")
          .assertOk();
      String clusterIp = gantry.kubectl().run("get", "service", "emptied", "-o", "jsonpath={.spec.clusterIP}")
          .assertOk().stdout().trim();
      assertEquals("backend / hello", roundTrip(clusterIp, 7040));
      gantry.kubectl().runWithInput(manifest.formatted(backend.getLocalPort(), "false"), "apply", "-f", "-")
          .assertOk(); // no longer ready: no usable endpoint
      Poll.until("connects to be refused", Duration.ofSeconds(20), Duration.ofMillis(100), () -> {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress(InetAddress.getByName(clusterIp), 7040), 2000);
          return false; // accepted (and then reset): not kube-proxy's REJECT
        } catch (java.net.ConnectException e) {
          return true;
        } catch (IOException e) {
          return false;
        }
      }, () -> clusterIp + ":7040 still accepts");
      try (java.net.DatagramSocket udp = new java.net.DatagramSocket()) {
        udp.setSoTimeout(2000);
        udp.connect(new InetSocketAddress(InetAddress.getByName(clusterIp), 7040));
        udp.send(new java.net.DatagramPacket(new byte[] {1}, 1));
        assertThrows(java.net.PortUnreachableException.class,
            () -> udp.receive(new java.net.DatagramPacket(new byte[16], 16)));
      }
    } finally {
      gantry.kubectl().run("delete", "service", "emptied");
      gantry.kubectl().run("delete", "endpointslice", "emptied-1");
    }
  }

  /**
   * kube-proxy's fallback to serving-and-terminating endpoints, end to end: a Deployment scaled to
   * zero keeps answering through its ClusterIP and NodePort while its pod drains (the pod stays
   * Ready while terminating, as with the kubelet, so its endpoint is serving), and the
   * healthCheckNodePort of the Local LoadBalancer answers 503 (no ready local endpoint), so load
   * balancers drain the node.
   */
  @Test
  void aDeploymentScaledToZeroIsServedByItsTerminatingPodWhileHealthChecksFail() throws Exception {
    gantry.kubectl().runWithInput("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: drain, namespace: default}
        spec:
          replicas: 1
          selector: {matchLabels: {app: drain}}
          template:
            metadata: {labels: {app: drain}}
            spec:
              terminationGracePeriodSeconds: 60
              containers:
              - name: echo
                image: gantry/echo-http
                env: [{name: ECHO_DRAIN_SECONDS, value: "40"}]
                ports: [{containerPort: 8080, name: http}]
                readinessProbe: {httpGet: {path: /healthz, port: http}, periodSeconds: 1}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: drain, namespace: default}
        spec:
          type: LoadBalancer
          externalTrafficPolicy: Local
          selector: {app: drain}
          ports: [{name: web, port: 7050, targetPort: http}]
        """, "apply", "-f", "-").assertOk();
    try {
      String clusterIp = gantry.kubectl().run("get", "service", "drain", "-o", "jsonpath={.spec.clusterIP}")
          .assertOk().stdout().trim();
      int healthPort = Integer.parseInt(gantry.kubectl().run("get", "service", "drain", "-o",
          "jsonpath={.spec.healthCheckNodePort}").assertOk().stdout().trim());
      int nodePort = Integer.parseInt(gantry.kubectl().run("get", "service", "drain", "-o",
          "jsonpath={.spec.ports[0].nodePort}").assertOk().stdout().trim());
      Poll.until("the pod to answer through the ClusterIP", Duration.ofSeconds(60), Duration.ofMillis(200),
          () -> http(clusterIp, 7050).startsWith("200 pod: drain-"), () -> http(clusterIp, 7050));
      assertTrue(http("127.0.0.11", healthPort).startsWith("200 "), http("127.0.0.11", healthPort));

      gantry.kubectl().run("scale", "deployment", "drain", "--replicas=0").assertOk();
      Poll.until("the endpoint to be serving and terminating", Duration.ofSeconds(30), Duration.ofMillis(200),
          () -> gantry.kubectl().run("get", "endpointslices", "-l", "kubernetes.io/service-name=drain", "-o",
              "jsonpath={.items[*].endpoints[*].conditions}").stdout()
              .contains("\"ready\":false,\"serving\":true,\"terminating\":true"),
          () -> gantry.kubectl().run("get", "endpointslices", "-o", "yaml").stdout());
      Poll.until("the health check to fail", Duration.ofSeconds(20), Duration.ofMillis(200),
          () -> http("127.0.0.11", healthPort).startsWith("503 "), () -> http("127.0.0.11", healthPort));
      assertTrue(http("127.0.0.11", healthPort).contains("\"localEndpoints\": 0,"), http("127.0.0.11", healthPort));
      assertTrue(http(clusterIp, 7050).startsWith("200 pod: drain-"), "the terminating pod still serves: "
          + http(clusterIp, 7050));
      assertTrue(http("127.0.0.11", nodePort).startsWith("200 pod: drain-"), http("127.0.0.11", nodePort));
    } finally {
      gantry.kubectl().run("delete", "deployment,service", "drain", "--wait=false");
    }
  }

  /** "STATUS BODY" of GET http://HOST:PORT/, or "000 reason". */
  private static String http(String host, int port) {
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://" + host + ":" + port + "/")).timeout(Duration.ofSeconds(3)).build(),
          HttpResponse.BodyHandlers.ofString());
      return response.statusCode() + " " + response.body();
    } catch (IOException e) {
      return "000 " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private void patch(String body) {
    gantry.kubectl().run("patch", "service", "morph", "--type=merge", "-p", body).assertOk();
  }

  private String jsonpath(String path) {
    return gantry.kubectl().run("get", "service", "morph", "-o", "jsonpath=" + path).assertOk().stdout().trim();
  }

  private static String echo(Socket socket, BufferedReader in, String line) throws IOException {
    socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
    return in.readLine();
  }

  /** Whether a proxy answers there: a backend greets; a closed port refuses or resets. */
  private static boolean connects(String host, int port) {
    try (Socket s = new Socket()) {
      s.setSoTimeout(2000);
      s.connect(new InetSocketAddress(InetAddress.getByName(host), port), 2000);
      return s.getInputStream().read() >= 0;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * kube-proxy's network_programming_duration_seconds: a proxy of its own (NodePorts only and a node
   * name of its own, so it competes neither for the addresses nor for the DataPlane subscription of
   * gantry up's node-1 proxy) follows the DataPlane stream; each
   * pod change reaches it as an EndpointSlice with a trigger time, and its histogram counts it.
   */
  @Test
  void podChangesAreMeasuredAsNetworkProgrammingLatency() throws Exception {
    int adminPort = FreePort.find();
    Path log = Files.createTempFile("gantry-proxy-", ".log");
    Process proxy = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-jar",
        GantryProcess.locateJar().toString(), "proxy", "--control", "127.0.0.1:" + gantry.dataPlanePort(),
        "--node", "latency-probe", "--no-cluster-addresses", "--node-address", "127.0.0.61",
        "--admin-port", Integer.toString(adminPort))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      Poll.until("the proxy to be ready", Duration.ofSeconds(60), Duration.ofMillis(200),
          () -> proxy.isAlive() && admin(adminPort, "/readyz").startsWith("200"), () -> read(log));
      double[] before = programming(adminPort);
      assertEquals(0, before[0], "nothing changed since the proxy started");
      gantry.kubectl().runWithInput("""
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: latency, namespace: default}
          spec:
            replicas: 1
            selector: {matchLabels: {app: latency}}
            template:
              metadata: {labels: {app: latency}}
              spec:
                containers:
                - name: echo
                  image: gantry/echo-http
                  ports: [{containerPort: 8080, name: http}]
                  readinessProbe: {httpGet: {path: /healthz, port: http}, periodSeconds: 1}
          ---
          apiVersion: v1
          kind: Service
          metadata: {name: latency, namespace: default}
          spec:
            selector: {app: latency}
            ports: [{name: web, port: 80, targetPort: http}]
          """, "apply", "-f", "-").assertOk();
      double created = Poll.value("a programming latency observation for the new service", Duration.ofSeconds(60),
          Duration.ofMillis(200), () -> {
            double count = programming(adminPort)[0];
            return count > 0 ? count : null;
          }, () -> admin(adminPort, "/metrics"));
      gantry.kubectl().run("scale", "deployment", "latency", "--replicas=2").assertOk();
      Poll.until("the pod added by scaling to be measured", Duration.ofSeconds(60), Duration.ofMillis(200),
          () -> programming(adminPort)[0] > created, () -> admin(adminPort, "/metrics"));
      double[] after = programming(adminPort);
      System.out.printf("network programming latency: %.0f observations, mean %.3f s%n", after[0],
          after[1] / after[0]);
      assertTrue(after[1] / after[0] < 30, "mean programming latency " + after[1] / after[0] + " s");
    } finally {
      gantry.kubectl().run("delete", "deployment,service", "latency");
      proxy.destroy();
      if (!proxy.waitFor(10, TimeUnit.SECONDS)) {
        proxy.destroyForcibly();
      }
      Files.deleteIfExists(log);
    }
  }

  /** {count, sum} of gantry_proxy_network_programming_duration_seconds. */
  private static double[] programming(int adminPort) {
    double[] result = new double[2];
    for (String line : admin(adminPort, "/metrics").split("\n")) {
      if (line.startsWith("gantry_proxy_network_programming_duration_seconds_count ")) {
        result[0] = Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
      } else if (line.startsWith("gantry_proxy_network_programming_duration_seconds_sum ")) {
        result[1] = Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
      }
    }
    return result;
  }

  /** "STATUS BODY" of GET http://127.0.0.1:PORT/PATH, or "000 reason" when it cannot connect. */
  private static String admin(int port, String path) {
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      return response.statusCode() + " " + response.body();
    } catch (IOException e) {
      return "000 " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** Retries until the proxy has the service (the DataPlane push is asynchronous). */
  private static String roundTrip(String host, int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    IOException last = null;
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.setSoTimeout(3000);
        s.connect(new InetSocketAddress(InetAddress.getByName(host), port), 3000);
        s.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        return in.readLine() + " / " + in.readLine();
      } catch (IOException e) {
        last = e;
        Thread.sleep(200);
      }
    }
    throw new AssertionError(host + ":" + port + " never answered", last);
  }
}
