package io.gantry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.testing.GantryProcess;
import io.gantry.testing.Kubectl;
import io.gantry.testing.Poll;
import io.gantry.testing.PrintedTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * An apps/v1 DaemonSet through the real kubectl over three nodes, each with a {@link FakeKubelet}:
 * {@code apply} gives one Ready pod per node, an image change rolls out ({@code rollout status},
 * {@code rollout history} with two revisions, {@code rollout undo} back to the first image), a node
 * label and a {@code nodeSelector} move the pods off the other nodes, {@code get ds} prints
 * printDaemonSet's columns and {@code delete ds} takes the pods along.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DaemonSetIT {

  private static final String NS = "daemons";
  private static final List<String> NODES = List.of("ds-node-1", "ds-node-2", "ds-node-3");

  private static final String DS = """
      apiVersion: apps/v1
      kind: DaemonSet
      metadata:
        name: agent
      spec:
        selector:
          matchLabels: {app: agent}
        template:
          metadata:
            labels: {app: agent}
          spec:
            containers:
            - name: agent
              image: busybox:1.36
      """;

  private GantryProcess gantry;
  private Kubectl kubectl;
  private final List<FakeKubelet> kubelets = new ArrayList<>();

  @BeforeAll
  void start() {
    // No heartbeats from the fake kubelets: keep the node lifecycle controller from marking the nodes NotReady.
    gantry = GantryProcess.start("--nodes", "0", "--node-monitor-grace-period", "PT10M");
    kubectl = gantry.kubectl().withTimeout(Duration.ofSeconds(90));
    for (String node : NODES) {
      kubectl.runWithInput(Manifests.readyNode(node), "apply", "-f", "-").assertOk();
      kubelets.add(FakeKubelet.start(gantry.api(), node, Duration.ofMinutes(5)));
    }
    kubectl.run("create", "namespace", NS).assertOk();
  }

  @AfterAll
  void stop() {
    kubelets.forEach(FakeKubelet::close);
    if (gantry != null) {
      gantry.close();
    }
    for (FakeKubelet kubelet : kubelets) {
      assertEquals(List.of(), kubelet.errors(), "a fake kubelet met unexpected API answers");
    }
  }

  @Test
  void applyRollOutUndoMoveByNodeSelectorAndDeleteADaemonSet() {
    kubectl.runWithInput(DS, "-n", NS, "apply", "-f", "-").assertOk().assertStdoutContains("daemonset.apps/agent created");
    await("a Ready pod on every node", () -> imagesByNode().equals(images("busybox:1.36", NODES))
        && readyPods() == 3);
    k("rollout", "status", "ds/agent", "--timeout=60s").assertOk()
        .assertStdoutContains("daemon set \"agent\" successfully rolled out");
    await("3 of 3 in every column", () -> columns().equals(List.of("3", "3", "3", "3", "3", "<none>")));
    PrintedTable table = k("get", "ds").assertOk().table();
    assertEquals(List.of("NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE"),
        table.headers());
    PrintedTable wide = k("get", "ds", "agent", "-o", "wide").assertOk().table();
    assertEquals(List.of("NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE",
        "CONTAINERS", "IMAGES", "SELECTOR"), wide.headers());
    Map<String, String> row = wide.rowNamed("agent");
    assertEquals("agent", row.get("CONTAINERS"), wide::toString);
    assertEquals("busybox:1.36", row.get("IMAGES"), wide::toString);
    assertEquals("app=agent", row.get("SELECTOR"), wide::toString);
    k("get", "all").assertOk().assertStdoutContains("daemonset.apps/agent");
    for (JsonNode pod : activePods()) {
      assertEquals("DaemonSet", pod.at("/metadata/ownerReferences/0/kind").asText(), pod.toString());
      assertTrue(pod.at("/metadata/name").asText().matches("agent-[a-z0-9]{5}"), pod.toString());
    }

    k("set", "image", "ds/agent", "agent=busybox:1.37").assertOk();
    k("rollout", "status", "ds/agent", "--timeout=60s").assertOk()
        .assertStdoutContains("daemon set \"agent\" successfully rolled out");
    await("every node runs the new image", () -> imagesByNode().equals(images("busybox:1.37", NODES)));
    String history = k("rollout", "history", "ds/agent").assertOk().stdout();
    assertTrue(history.matches("(?s).*REVISION\\s+CHANGE-CAUSE\\s+1\\s+<none>\\s+2\\s+<none>\\s*"), history);
    k("rollout", "history", "ds/agent", "--revision=1").assertOk().assertStdoutContains("busybox:1.36");

    k("rollout", "undo", "ds/agent").assertOk().assertStdoutContains("daemonset.apps/agent rolled back");
    k("rollout", "status", "ds/agent", "--timeout=60s").assertOk()
        .assertStdoutContains("daemon set \"agent\" successfully rolled out");
    await("every node runs the first image again", () -> imagesByNode().equals(images("busybox:1.36", NODES)));

    k("label", "node", "ds-node-2", "disk=ssd").assertOk();
    k("patch", "ds", "agent", "-p", "{\"spec\":{\"template\":{\"spec\":{\"nodeSelector\":{\"disk\":\"ssd\"}}}}}")
        .assertOk();
    await("only the labelled node runs one", () -> imagesByNode().equals(images("busybox:1.36", List.of("ds-node-2"))));
    await("the columns follow", () -> columns().equals(List.of("1", "1", "1", "1", "1", "disk=ssd")));

    k("delete", "ds", "agent").assertOk().assertStdoutContains("daemonset.apps \"agent\" deleted");
    await("its pods gone", () -> k("get", "pods", "-l", "app=agent", "-o", "json").assertOk().json()
        .path("items").isEmpty());
    await("its revisions gone", () -> k("get", "controllerrevisions", "-o", "json").assertOk().json()
        .path("items").isEmpty());
  }

  /** DESIRED, CURRENT, READY, UP-TO-DATE, AVAILABLE and NODE SELECTOR of {@code kubectl get ds agent}. */
  private List<String> columns() {
    Map<String, String> row = k("get", "ds", "agent").assertOk().table().rowNamed("agent");
    return List.of(row.get("DESIRED"), row.get("CURRENT"), row.get("READY"), row.get("UP-TO-DATE"),
        row.get("AVAILABLE"), row.get("NODE SELECTOR"));
  }

  /** The image of each node's pods (not being deleted), by the node the scheduler bound them to. */
  private Map<String, List<String>> imagesByNode() {
    Map<String, List<String>> byNode = new TreeMap<>();
    for (JsonNode pod : activePods()) {
      byNode.computeIfAbsent(pod.at("/spec/nodeName").asText("(unbound)"), n -> new ArrayList<>())
          .add(pod.at("/spec/containers/0/image").asText());
    }
    return byNode;
  }

  private static Map<String, List<String>> images(String image, List<String> nodes) {
    Map<String, List<String>> expected = new TreeMap<>();
    nodes.forEach(n -> expected.put(n, List.of(image)));
    return expected;
  }

  private long readyPods() {
    long ready = 0;
    for (JsonNode pod : activePods()) {
      for (JsonNode condition : pod.at("/status/conditions")) {
        if (condition.path("type").asText().equals("Ready") && condition.path("status").asText().equals("True")) {
          ready++;
        }
      }
    }
    return ready;
  }

  private List<JsonNode> activePods() {
    List<JsonNode> active = new ArrayList<>();
    for (JsonNode pod : k("get", "pods", "-l", "app=agent", "-o", "json").assertOk().json().path("items")) {
      if (!pod.path("metadata").has("deletionTimestamp")) {
        active.add(pod);
      }
    }
    return active;
  }

  private Kubectl.Result k(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "-n";
    all[1] = NS;
    System.arraycopy(args, 0, all, 2, args.length);
    return kubectl.run(all);
  }

  private static void await(String what, BooleanSupplier condition) {
    Poll.until(what, Duration.ofSeconds(60), Duration.ofMillis(200), condition, () -> "(see the gantry log)");
  }
}
