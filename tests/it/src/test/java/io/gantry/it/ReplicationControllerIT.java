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
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A v1 ReplicationController through the real kubectl, as the e2e suites still drive them: apply,
 * {@code get rc}, {@code expose rc}, {@code scale rc} and {@code delete rc}, with a
 * {@link FakeKubelet} running what the scheduler binds to the one node.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicationControllerIT {

  private static final String NS = "legacy";
  private static final String NODE_NAME = "rc-node-1";

  private static final String RC = """
      apiVersion: v1
      kind: ReplicationController
      metadata:
        name: web
      spec:
        replicas: 3
        selector: {app: web}
        template:
          metadata:
            labels: {app: web}
          spec:
            containers:
            - name: web
              image: nginx:1.27
              ports: [{containerPort: 80}]
      """;

  private GantryProcess gantry;
  private Kubectl kubectl;
  private FakeKubelet kubelet;

  @BeforeAll
  void start() {
    // No heartbeats from the fake kubelet: keep the node lifecycle controller from marking the node NotReady.
    gantry = GantryProcess.start("--nodes", "0", "--node-monitor-grace-period", "PT10M");
    kubectl = gantry.kubectl().withTimeout(Duration.ofSeconds(90));
    kubectl.runWithInput(Manifests.readyNode(NODE_NAME), "apply", "-f", "-").assertOk();
    kubectl.run("create", "namespace", NS).assertOk();
    kubelet = FakeKubelet.start(gantry.api(), NODE_NAME, Duration.ofMinutes(5));
  }

  @AfterAll
  void stop() {
    if (kubelet != null) {
      kubelet.close();
    }
    if (gantry != null) {
      gantry.close();
    }
    if (kubelet != null) {
      assertEquals(List.of(), kubelet.errors(), "the fake kubelet met unexpected API answers");
    }
  }

  @Test
  void applyGetExposeScaleAndDeleteAReplicationController() {
    kubectl.runWithInput(RC, "-n", NS, "apply", "-f", "-").assertOk()
        .assertStdoutContains("replicationcontroller/web created");

    await("3 of 3 ready", () -> readyColumns().equals(List.of("3", "3", "3")));
    PrintedTable table = k("get", "rc").table();
    assertEquals(List.of("NAME", "DESIRED", "CURRENT", "READY", "AGE"), table.headers());
    PrintedTable wide = k("get", "rc", "web", "-o", "wide").table();
    assertEquals(List.of("NAME", "DESIRED", "CURRENT", "READY", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"),
        wide.headers());
    Map<String, String> row = wide.rowNamed("web");
    assertEquals("web", row.get("CONTAINERS"), wide::toString);
    assertEquals("nginx:1.27", row.get("IMAGES"), wide::toString);
    assertEquals("app=web", row.get("SELECTOR"), wide::toString);
    k("get", "all").assertOk().assertStdoutContains("replicationcontroller/web");
    k("describe", "rc", "web").assertOk().assertStdoutContains("3 current / 3 desired")
        .assertStdoutContains("3 Running").assertStdoutContains("SuccessfulCreate");

    List<JsonNode> pods = activePods();
    assertEquals(3, pods.size(), pods::toString);
    for (JsonNode pod : pods) {
      assertTrue(pod.at("/metadata/name").asText().matches("web-[a-z0-9]{5}"), pod.at("/metadata").toString());
      assertEquals("ReplicationController", pod.at("/metadata/ownerReferences/0/kind").asText());
      assertEquals("v1", pod.at("/metadata/ownerReferences/0/apiVersion").asText());
    }

    k("expose", "rc", "web", "--port=80").assertOk().assertStdoutContains("service/web exposed");
    JsonNode service = k("get", "service", "web", "-o", "json").assertOk().json();
    assertEquals("web", service.at("/spec/selector/app").asText(), service.toString());

    k("scale", "rc", "web", "--replicas=1").assertOk().assertStdoutContains("replicationcontroller/web scaled");
    await("1 pod left", () -> activePods().size() == 1 && readyColumns().equals(List.of("1", "1", "1")));

    k("delete", "rc", "web").assertOk().assertStdoutContains("replicationcontroller \"web\" deleted");
    await("its pods gone", () -> k("get", "pods", "-l", "app=web", "-o", "json").assertOk().json()
        .path("items").isEmpty());
  }

  /** DESIRED, CURRENT and READY of {@code kubectl get rc web}. */
  private List<String> readyColumns() {
    Map<String, String> row = k("get", "rc", "web").assertOk().table().rowNamed("web");
    return List.of(row.get("DESIRED"), row.get("CURRENT"), row.get("READY"));
  }

  private List<JsonNode> activePods() {
    List<JsonNode> active = new ArrayList<>();
    for (JsonNode pod : k("get", "pods", "-l", "app=web", "-o", "json").assertOk().json().path("items")) {
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
    Poll.until(what, Duration.ofSeconds(30), Duration.ofMillis(200), condition, () -> "(see the gantry log)");
  }
}
