package io.gantry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.testing.Dig;
import io.gantry.testing.GantryProcess;
import io.gantry.testing.HostCommand;
import io.gantry.testing.Json;
import io.gantry.testing.Kubectl;
import io.gantry.testing.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Host mode end to end: {@code gantry up --network host --nodes 3} makes each node a network
 * namespace on an underlay bridge, each pod a namespace of its own behind its node's bridge. A
 * Deployment of three echo pods lands one per node; from inside one pod's namespace, the test
 * reaches a pod on another node, the Service's ClusterIP (answered by pods on other nodes), and
 * the Service's name through the pod's own resolv.conf and the cluster DNS ClusterIP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostModeIT {

  private static final Duration WAIT = Duration.ofSeconds(90);


  private GantryProcess gantry;
  private Kubectl kubectl;
  /** Pod name to {name, ip, node, netns}. */
  private final Map<String, PodInfo> pods = new HashMap<>();

  private record PodInfo(String name, String ip, String node, String netns) {
  }

  @BeforeAll
  void start() {
    assumeTrue("root".equals(System.getProperty("user.name")),
        "host mode needs root (network namespaces, links, routes): skipped when not root");
    gantry = GantryProcess.start("--network", "host", "--nodes", "3", "--api-address", "10.240.0.1");
    kubectl = gantry.kubectl();
    await("3 nodes Ready", () -> {
      JsonNode nodes = kubectl.run("get", "nodes", "-o", "json").assertOk().json();
      int ready = 0;
      for (JsonNode node : nodes.path("items")) {
        ready += "True".equals(Json.condition(node, "Ready")) && !node.at("/spec/podCIDR").asText().isEmpty() ? 1 : 0;
      }
      return ready == 3;
    });
    kubectl.run("create", "namespace", "hm").assertOk();
    kubectl.runWithInput(Manifests.load("echo-http.yaml", "hm"), "apply", "-f", "-").assertOk();
    await("3 echo pods Ready", () -> {
      JsonNode list = kubectl.run("-n", "hm", "get", "pods", "-o", "json").assertOk().json();
      pods.clear();
      for (JsonNode pod : list.path("items")) {
        if ("True".equals(Json.condition(pod, "Ready"))) {
          String uid = pod.at("/metadata/uid").asText().replace("-", "");
          pods.put(pod.at("/metadata/name").asText(), new PodInfo(pod.at("/metadata/name").asText(),
              pod.at("/status/podIP").asText(), pod.at("/spec/nodeName").asText(), "gp-" + uid.substring(0, 12)));
        }
      }
      return pods.size() == 3;
    });
  }

  @AfterAll
  void stop() {
    if (gantry != null) {
      gantry.close();
    }
  }

  @Test
  void podsLandOnePerNodeWithAddressesFromTheirNodesPodCidr() {
    Set<String> nodes = new HashSet<>();
    for (PodInfo pod : pods.values()) {
      nodes.add(pod.node());
      String cidr = kubectl.run("get", "node", pod.node(), "-o", "jsonpath={.spec.podCIDR}").assertOk().stdout();
      String prefix = cidr.substring(0, cidr.lastIndexOf('.') + 1);
      assertTrue(cidr.endsWith("/24") && pod.ip().startsWith(prefix), pod + " not in " + cidr);
      // the pod's interface lives in its own namespace, not on the host
      HostCommand addr = inPod(pod, "ip", "-o", "-4", "addr", "show", "eth0");
      assertTrue(addr.exit() == 0 && addr.output().contains(pod.ip() + "/24"), addr.toString());
    }
    assertEquals(3, nodes.size(), pods.toString());
  }

  @Test
  void aPodReachesPodsOnOtherNodesFromInsideItsNamespace() {
    PodInfo from = pods.values().iterator().next();
    for (PodInfo to : pods.values()) {
      if (!to.node().equals(from.node())) {
        HostCommand answer = inPod(from, "curl", "-sS", "--max-time", "5", "http://" + to.ip() + ":8080/cross-node");
        assertTrue(answer.exit() == 0 && answer.output().contains("pod: " + to.name()), answer.toString());
        assertTrue(answer.output().contains("GET /cross-node"), answer.toString());
      }
    }
  }

  @Test
  void kubectlExecRunsInsideThePodAndReachesPodsOnOtherNodes() {
    PodInfo from = pods.values().iterator().next();
    String resolvConf = kubectl.run("-n", "hm", "exec", from.name(), "--", "cat", "/etc/resolv.conf").assertOk()
        .stdout();
    assertTrue(resolvConf.contains("nameserver 10.96.0.10"), resolvConf);
    String addresses = kubectl.run("-n", "hm", "exec", from.name(), "--", "ip", "-o", "-4", "addr", "show", "eth0")
        .assertOk().stdout();
    assertTrue(addresses.contains(from.ip() + "/24"), addresses);
    for (PodInfo to : pods.values()) {
      if (!to.node().equals(from.node())) {
        String answer = kubectl.run("-n", "hm", "exec", from.name(), "--", "probe", "http",
            "http://" + to.ip() + ":8080/exec-cross-node", "--timeout", "5").assertOk().stdout();
        assertTrue(answer.contains("pod: " + to.name()), answer);
      }
    }
  }

  @Test
  void theClusterIpFromInsideAPodIsServedByPodsOnOtherNodes() {
    PodInfo from = pods.values().iterator().next();
    String clusterIp = kubectl.run("-n", "hm", "get", "service", "echo", "-o", "jsonpath={.spec.clusterIP}")
        .assertOk().stdout();
    assertTrue(clusterIp.startsWith("10.96."), clusterIp);
    Set<String> answeredBy = new HashSet<>();
    for (int i = 0; i < 30 && answeredBy.size() < 3; i++) {
      HostCommand answer = inPod(from, "curl", "-sS", "--max-time", "5", "http://" + clusterIp + "/via-cluster-ip");
      assertEquals(0, answer.exit(), answer.toString());
      answer.output().lines().filter(l -> l.startsWith("pod: ")).forEach(l -> answeredBy.add(l.substring(5)));
    }
    answeredBy.remove(from.name());
    assertTrue(!answeredBy.isEmpty(), "no answer from a pod on another node: " + answeredBy);
  }

  @Test
  void aPodResolvesServicesThroughItsResolvConfAndTheDnsClusterIp() {
    assumeTrue(Dig.available(), "dig (Debian dnsutils) not installed: skipped");
    PodInfo pod = pods.values().iterator().next();
    HostCommand resolvConf = inPod(pod, "cat", "/etc/resolv.conf");
    assertTrue(resolvConf.output().contains("nameserver 10.96.0.10"), resolvConf.toString());
    assertTrue(resolvConf.output().contains("search hm.svc.cluster.local svc.cluster.local cluster.local"),
        resolvConf.toString());
    String clusterIp = kubectl.run("-n", "hm", "get", "service", "echo", "-o", "jsonpath={.spec.clusterIP}")
        .assertOk().stdout();
    // dig reads the pod's /etc/resolv.conf: nameserver 10.96.0.10, through the node's service proxy
    HostCommand full = inPod(pod, "dig", "+short", "+time=2", "+tries=2", "echo.hm.svc.cluster.local");
    assertEquals(clusterIp, full.output().strip(), full.toString());
    HostCommand shortName = inPod(pod, "dig", "+short", "+search", "+time=2", "+tries=2", "echo");
    assertEquals(clusterIp, shortName.output().strip(), shortName.toString());
    HostCommand overTcp = inPod(pod, "dig", "+short", "+tcp", "+time=2", "+tries=2", "kubernetes.default.svc.cluster.local");
    assertEquals(kubectl.run("get", "service", "kubernetes", "-o", "jsonpath={.spec.clusterIP}").assertOk().stdout(),
        overTcp.output().strip(), overTcp.toString());
  }

  @Test
  void theHostReachesPodsAndClusterIpsThroughTheNodes() {
    for (PodInfo pod : pods.values()) {
      HostCommand answer = run(List.of("curl", "-sS", "--max-time", "5", "http://" + pod.ip() + ":8080/from-host"));
      assertTrue(answer.exit() == 0 && answer.output().contains("pod: " + pod.name()), answer.toString());
    }
    String clusterIp = kubectl.run("-n", "hm", "get", "service", "echo", "-o", "jsonpath={.spec.clusterIP}")
        .assertOk().stdout();
    HostCommand viaService = run(List.of("curl", "-sS", "--max-time", "5", "http://" + clusterIp + "/from-host"));
    assertTrue(viaService.exit() == 0 && viaService.output().contains("GET /from-host"), viaService.toString());
  }

  @Test
  void nodePortsAnswerOnEveryNodeAndTheLoadBalancerIpThroughTheNodes() {
    kubectl.runWithInput("""
        apiVersion: v1
        kind: Service
        metadata: {name: echo-lb, namespace: hm}
        spec:
          type: LoadBalancer
          selector: {app: echo}
          ports: [{port: 80, targetPort: http}]
        """, "apply", "-f", "-").assertOk();
    JsonNode service = Poll.value("echo-lb has a LoadBalancer IP", WAIT, Duration.ofMillis(250), () -> {
      JsonNode s = kubectl.run("-n", "hm", "get", "service", "echo-lb", "-o", "json").assertOk().json();
      return s.at("/status/loadBalancer/ingress/0/ip").isTextual() ? s : null;
    }, gantry::logTail);
    String lbIp = service.at("/status/loadBalancer/ingress/0/ip").asText();
    int nodePort = service.at("/spec/ports/0/nodePort").asInt();
    assertTrue(lbIp.startsWith("10.97.0."), lbIp);
    for (int node = 1; node <= 3; node++) {
      String url = "http://10.240.0." + (10 + node) + ":" + nodePort + "/node-port";
      HostCommand answer = awaitAnswer(List.of("curl", "-sS", "--max-time", "5", url));
      assertTrue(answer.output().contains("GET /node-port"), answer.toString());
    }
    HostCommand viaLoadBalancer = awaitAnswer(List.of("curl", "-sS", "--max-time", "5", "http://" + lbIp + "/lb"));
    assertTrue(viaLoadBalancer.output().contains("GET /lb"), viaLoadBalancer.toString());
    PodInfo pod = pods.values().iterator().next();
    HostCommand fromPod = inPod(pod, "curl", "-sS", "--max-time", "5", "http://" + lbIp + "/lb-from-pod");
    assertTrue(fromPod.exit() == 0 && fromPod.output().contains("GET /lb-from-pod"), fromPod.toString());
  }

  /** The proxies take the new Service from their next push: retry a command until it succeeds. */
  private HostCommand awaitAnswer(List<String> argv) {
    return Poll.value(String.join(" ", argv), WAIT, Duration.ofMillis(250), () -> {
      HostCommand run = run(argv);
      return run.exit() == 0 ? run : null;
    }, gantry::logTail);
  }

  private HostCommand inPod(PodInfo pod, String... command) {
    List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", pod.netns()));
    argv.addAll(List.of(command));
    return run(argv);
  }

  private static HostCommand run(List<String> argv) {
    return HostCommand.run(argv);
  }


  private void await(String what, Supplier<Boolean> condition) {
    Poll.value(what, WAIT, Duration.ofMillis(250), () -> condition.get() ? Boolean.TRUE : null, gantry::logTail);
  }
}
