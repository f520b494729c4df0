package io.gantry.cli.host;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.node.api.KubeClient;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Routes each node's pod CIDR via that node's underlay address, on the host and in every other
 * node's namespace, as flannel's host-gw backend does: traffic between pods on different nodes
 * crosses the underlay from one node namespace to the other. Polls the Nodes once a second and
 * changes only routes whose target moved.
 */
public final class PodRoutes implements AutoCloseable {
  private static final Duration PERIOD = Duration.ofSeconds(1);

  private final HostPlan plan;
  private final KubeClient api;
  private final Thread loop;
  /** netns ("" for the host) to pod CIDR to the via address programmed there; only the loop thread touches it. */
  private final Map<String, Map<String, String>> programmed = new HashMap<>();
  private volatile boolean closed;

  private PodRoutes(HostPlan plan, KubeClient api) {
    this.plan = plan;
    this.api = api;
    this.loop = Thread.ofVirtual().name("gantry-pod-routes").unstarted(this::run);
  }

  public static PodRoutes start(HostPlan plan, KubeClient api) {
    PodRoutes routes = new PodRoutes(plan, api);
    routes.loop.start();
    return routes;
  }

  private void run() {
    String lastError = null;
    while (!closed) {
      try {
        reconcile(podCidrs(api.get("/api/v1/nodes")));
        lastError = null;
      } catch (IOException | RuntimeException e) {
        if (!closed && !Objects.equals(lastError, e.getMessage())) {
          System.err.println("pod routes: " + e.getMessage() + " (retrying every " + PERIOD.toSeconds() + " s)");
          lastError = e.getMessage();
        }
      }
      try {
        Thread.sleep(PERIOD);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Pod CIDR to node underlay address, for the Nodes of this plan that have both. */
  static Map<String, String> podCidrs(JsonNode nodeList) {
    Map<String, String> cidrs = new TreeMap<>();
    for (JsonNode node : nodeList.path("items")) {
      String cidr = node.path("spec").path("podCIDR").asText("");
      for (JsonNode address : node.path("status").path("addresses")) {
        String ip = address.path("address").asText("");
        if ("InternalIP".equals(address.path("type").asText()) && ip.startsWith(HostPlan.UNDERLAY_PREFIX)
            && !cidr.isEmpty()) {
          cidrs.put(cidr, ip);
        }
      }
    }
    return cidrs;
  }

  private void reconcile(Map<String, String> cidrs) throws IOException {
    reconcile("", cidrs, null);
    for (int i = 1; i <= plan.nodes(); i++) {
      reconcile(HostPlan.namespace(i), cidrs, HostPlan.nodeAddress(i));
    }
  }

  /** Programs {@code cidrs} in {@code netns}, skipping the node's own CIDR ({@code self} is its address). */
  private void reconcile(String netns, Map<String, String> cidrs, String self) throws IOException {
    Map<String, String> have = programmed.computeIfAbsent(netns, n -> new HashMap<>());
    Map<String, String> want = new HashMap<>(cidrs);
    want.values().removeIf(via -> via.equals(self));
    List<String> commands = new java.util.ArrayList<>();
    for (var route : want.entrySet()) {
      if (!route.getValue().equals(have.get(route.getKey()))) {
        commands.add("route replace " + route.getKey() + " via " + route.getValue());
      }
    }
    for (String cidr : have.keySet()) {
      if (!want.containsKey(cidr)) {
        commands.add("route del " + cidr);
      }
    }
    Ip.batch(netns.isEmpty() ? null : netns, commands);
    have.clear();
    have.putAll(want);
  }

  @Override
  public void close() {
    closed = true;
    loop.interrupt();
  }
}
