package io.gantry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.gantry.testing.GantryProcess;
import io.gantry.testing.Poll;
import io.gantry.testing.Kubectl;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code kubectl rollout} end to end: the real {@code gantry up}, the real kubectl (and kubectl
 * 1.27 where installed), and a {@link FakeKubelet} that runs whatever the scheduler binds to the
 * one node and finishes pod termination.
 *
 * <p>The tests tell one story about one Deployment and run in order: create, update, undo,
 * pause/resume, restart, scale and delete.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RolloutIT {

  private static final String NS = "rollout";
  private static final String NODE_NAME = "rollout-node-1";
  private static final Duration CONVERGE = Duration.ofSeconds(30);

  private static final String NODE = """
      apiVersion: v1
      kind: Node
      metadata:
        name: %s
        labels: {kubernetes.io/hostname: %s}
      status:
        capacity: {cpu: "16", memory: 32Gi, pods: "110"}
        allocatable: {cpu: "16", memory: 32Gi, pods: "110"}
        conditions:
        - {type: Ready, status: "True", reason: KubeletReady, message: ready}
        addresses:
        - {type: InternalIP, address: 127.0.0.11}
      """.formatted(NODE_NAME, NODE_NAME);

  private GantryProcess gantry;
  private Kubectl kubectl;
  private FakeKubelet kubelet;

  @BeforeAll
  void start() {
    // No heartbeats from the fake kubelet: keep the node lifecycle controller from marking the node NotReady.
    gantry = GantryProcess.start("--nodes", "0", "--node-monitor-grace-period", "PT10M"); // the test plays the kubelet
    kubectl = gantry.kubectl().withTimeout(Duration.ofSeconds(90));
    kubectl.runWithInput(NODE, "apply", "-f", "-").assertOk();
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
  @Order(1)
  void applyThenRolloutStatusSucceeds() {
    kubectl.runWithInput(deployment("web", "nginx:1.27", "first release"), "-n", NS, "apply", "-f", "-")
        .assertOk();

    k("rollout", "status", "deployment/web", "--timeout=60s").assertOk()
        .assertStdoutContains("deployment \"web\" successfully rolled out");
    JsonNode status = k("get", "deployment", "web", "-o", "json").json().path("status");
    assertEquals(3, status.path("readyReplicas").asInt(), status::toString);
    assertEquals(3, status.path("availableReplicas").asInt(), status::toString);
    assertEquals(List.of("Running", "Running", "Running"), podPhases("app=web"));
  }

  @Test
  @Order(2)
  void setImageRollsOutASecondRevision() {
    k("set", "image", "deployment/web", "web=nginx:1.28").assertOk();

    k("rollout", "status", "deployment/web", "--timeout=60s").assertOk()
        .assertStdoutContains("successfully rolled out");
    assertEquals(List.of("1", "2"), historyRevisions("web"));
    k("rollout", "history", "deployment/web").assertStdoutContains("first release");
    k("rollout", "history", "deployment/web", "--revision=2").assertOk().assertStdoutContains("nginx:1.28");
    List<JsonNode> sets = replicaSets("app=web");
    assertEquals(2, sets.size(), () -> "ReplicaSets: " + names(sets));
    JsonNode old = only(sets, rs -> image(rs).equals("nginx:1.27"));
    JsonNode current = only(sets, rs -> image(rs).equals("nginx:1.28"));
    assertEquals(0, old.at("/spec/replicas").asInt(), old::toString);
    assertEquals(3, current.at("/spec/replicas").asInt(), current::toString);
    assertEquals("1", revision(old));
    assertEquals("2", revision(current));
    await("the old ReplicaSet's pods gone", () -> k("get", "rs", "-o", "wide").stdout(),
        () -> replicaSets("app=web").stream().allMatch(rs -> !image(rs).equals("nginx:1.27")
            || rs.at("/status/replicas").asInt() == 0));
    assertTrue(kubelet.finished() > 0, "the old pods were removed without the kubelet finishing their termination");
    // The table kubectl prints agrees.
    String table = k("get", "rs", "-l", "app=web").assertOk().stdout();
    assertTrue(table.lines().anyMatch(line -> line.startsWith(name(old) + " ") && line.matches("\\S+\\s+0\\s+0\\s+0\\s.*")),
        table);
  }

  @Test
  @Order(3)
  void undoReusesTheFirstReplicaSet() {
    String firstReplicaSet = name(only(replicaSets("app=web"), rs -> image(rs).equals("nginx:1.27")));

    k("rollout", "undo", "deployment/web").assertOk().assertStdoutContains("rolled back");
    k("rollout", "status", "deployment/web", "--timeout=60s").assertOk()
        .assertStdoutContains("successfully rolled out");

    JsonNode deployment = k("get", "deployment", "web", "-o", "json").json();
    assertEquals("nginx:1.27", deployment.at("/spec/template/spec/containers/0/image").asText());
    assertEquals("3", deployment.at("/metadata/annotations/deployment.kubernetes.io~1revision").asText());
    List<JsonNode> sets = replicaSets("app=web");
    assertEquals(2, sets.size(), () -> "undo made a new ReplicaSet instead of reusing one: " + names(sets));
    JsonNode reused = only(sets, rs -> image(rs).equals("nginx:1.27"));
    assertEquals(firstReplicaSet, name(reused));
    assertEquals("3", revision(reused));
    assertEquals(3, reused.at("/spec/replicas").asInt(), reused::toString);
    assertEquals(List.of("2", "3"), historyRevisions("web"));
    assertTrue(podImages("app=web").stream().allMatch("nginx:1.27"::equals), () -> podImages("app=web").toString());
  }

  @Test
  @Order(4)
  void pausedDeploymentHoldsTemplateChangesUntilResumed() throws InterruptedException {
    k("rollout", "pause", "deployment/web").assertOk().assertStdoutContains("paused");
    k("set", "image", "deployment/web", "web=nginx:1.29").assertOk();

    // Give the controller every chance to (wrongly) roll out; it must only report the pause.
    await("the Progressing condition to say DeploymentPaused", () -> k("get", "deployment", "web", "-o", "json").stdout(),
        () -> "DeploymentPaused".equals(condition(k("get", "deployment", "web", "-o", "json").json(), "Progressing")
            .path("reason").asText()));
    Thread.sleep(2000);
    List<JsonNode> sets = replicaSets("app=web");
    assertEquals(2, sets.size(), () -> "a paused Deployment rolled out: " + names(sets));
    assertTrue(podImages("app=web").stream().allMatch("nginx:1.27"::equals), () -> podImages("app=web").toString());
    k("rollout", "status", "deployment/web", "--timeout=2s").assertFailed();

    k("rollout", "resume", "deployment/web").assertOk().assertStdoutContains("resumed");
    k("rollout", "status", "deployment/web", "--timeout=60s").assertOk()
        .assertStdoutContains("successfully rolled out");
    List<JsonNode> after = replicaSets("app=web");
    assertEquals(3, after.size(), () -> "ReplicaSets: " + names(after));
    assertEquals(3, only(after, rs -> image(rs).equals("nginx:1.29")).at("/spec/replicas").asInt());
    assertEquals(List.of("2", "3", "4"), historyRevisions("web"));
  }

  @Test
  @Order(5)
  void restartRollsOutANewReplicaSetWithTheRestartedAtAnnotation() {
    int before = replicaSets("app=web").size();

    k("rollout", "restart", "deployment/web").assertOk().assertStdoutContains("restarted");
    k("rollout", "status", "deployment/web", "--timeout=60s").assertOk()
        .assertStdoutContains("successfully rolled out");

    List<JsonNode> sets = replicaSets("app=web");
    assertEquals(before + 1, sets.size(), () -> "ReplicaSets: " + names(sets));
    JsonNode restarted = only(sets, rs -> rs.at("/spec/template/metadata/annotations")
        .has("kubectl.kubernetes.io/restartedAt"));
    assertEquals("5", revision(restarted));
    assertEquals(3, restarted.at("/status/readyReplicas").asInt(), restarted::toString);
    for (JsonNode rs : sets) {
      if (rs != restarted) {
        assertEquals(0, rs.at("/spec/replicas").asInt(), rs::toString);
      }
    }
  }

  @Test
  @Order(6)
  void scaleThenDeleteGarbageCollectsReplicaSetsAndPods() {
    k("scale", "deployment", "web", "--replicas=5").assertOk();
    await("5 Running pods", () -> podPhases("app=web"),
        () -> podPhases("app=web").equals(List.of("Running", "Running", "Running", "Running", "Running")));
    k("rollout", "status", "deployment/web", "--timeout=60s").assertOk()
        .assertStdoutContains("successfully rolled out");

    k("delete", "deployment", "web").assertOk();
    await("web's ReplicaSets and pods garbage-collected", () -> k("get", "rs,pods", "-l", "app=web").stdout(),
        () -> {
          Kubectl.Result left = k("get", "rs,pods", "-l", "app=web", "-o", "name").assertOk();
          return left.stdout().isBlank();
        });
  }

  @Test
  @Order(7)
  void kubectl127DrivesARollout() {
    Optional<Path> binary = Kubectl.version("1.27");
    Assumptions.assumeTrue(binary.isPresent(), "kubectl.1.27 is not installed next to kubectl on PATH");
    Kubectl old = gantry.kubectl(binary.get()).withTimeout(Duration.ofSeconds(90));

    old.runWithInput(deployment("legacy", "nginx:1.27", "legacy release"), "-n", NS, "apply", "-f", "-").assertOk();
    old.run("-n", NS, "rollout", "status", "deployment/legacy", "--timeout=60s").assertOk()
        .assertStdoutContains("deployment \"legacy\" successfully rolled out");
    old.run("-n", NS, "set", "image", "deployment/legacy", "web=nginx:1.28").assertOk();
    old.run("-n", NS, "rollout", "status", "deployment/legacy", "--timeout=60s").assertOk()
        .assertStdoutContains("successfully rolled out");
    old.run("-n", NS, "rollout", "history", "deployment/legacy", "--revision=1").assertOk()
        .assertStdoutContains("nginx:1.27");
    old.run("-n", NS, "rollout", "undo", "deployment/legacy").assertOk();
    old.run("-n", NS, "rollout", "status", "deployment/legacy", "--timeout=60s").assertOk()
        .assertStdoutContains("successfully rolled out");
    assertEquals(List.of("2", "3"), revisions(old.run("-n", NS, "rollout", "history", "deployment/legacy")));
    assertEquals(2, replicaSets("app=legacy").size());
  }

  // ---------------------------------------------------------------------------------------------

  private static String deployment(String name, String image, String changeCause) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: %s
          annotations:
            kubernetes.io/change-cause: %s
        spec:
          replicas: 3
          selector:
            matchLabels: {app: %s}
          strategy:
            type: RollingUpdate
            rollingUpdate: {maxSurge: 1, maxUnavailable: 0}
          template:
            metadata:
              labels: {app: %s}
            spec:
              containers:
              - name: web
                image: %s
                resources:
                  requests: {cpu: 100m, memory: 64Mi}
        """.formatted(name, changeCause, name, name, image);
  }

  /** kubectl in the test namespace. */
  private Kubectl.Result k(String... args) {
    List<String> all = new ArrayList<>(List.of("-n", NS));
    all.addAll(List.of(args));
    return kubectl.run(all.toArray(String[]::new));
  }

  private List<JsonNode> replicaSets(String selector) {
    List<JsonNode> sets = new ArrayList<>();
    k("get", "rs", "-l", selector, "-o", "json").json().path("items").forEach(sets::add);
    return sets;
  }

  /** Phases of the pods matching {@code selector} that are not terminating, sorted. */
  private List<String> podPhases(String selector) {
    List<String> phases = new ArrayList<>();
    for (JsonNode pod : k("get", "pods", "-l", selector, "-o", "json").json().path("items")) {
      if (!pod.at("/metadata/deletionTimestamp").isTextual()) {
        phases.add(pod.at("/status/phase").asText());
      }
    }
    phases.sort(null);
    return phases;
  }

  /** Images of the pods matching {@code selector} that are not terminating. */
  private List<String> podImages(String selector) {
    List<String> images = new ArrayList<>();
    for (JsonNode pod : k("get", "pods", "-l", selector, "-o", "json").json().path("items")) {
      if (!pod.at("/metadata/deletionTimestamp").isTextual()) {
        images.add(pod.at("/spec/containers/0/image").asText());
      }
    }
    return images;
  }

  private List<String> historyRevisions(String deployment) {
    return revisions(k("rollout", "history", "deployment/" + deployment).assertOk());
  }

  /** The REVISION column of {@code kubectl rollout history}. */
  private static List<String> revisions(Kubectl.Result history) {
    history.assertOk();
    List<String> revisions = new ArrayList<>();
    boolean table = false;
    for (String line : history.stdout().lines().toList()) {
      if (line.startsWith("REVISION")) {
        table = true;
      } else if (table && !line.isBlank()) {
        revisions.add(line.trim().split("\\s+")[0]);
      }
    }
    return revisions;
  }

  private static JsonNode condition(JsonNode object, String type) {
    for (JsonNode condition : object.at("/status/conditions")) {
      if (type.equals(condition.path("type").asText())) {
        return condition;
      }
    }
    return MissingNode.getInstance();
  }

  private static JsonNode only(List<JsonNode> sets, Predicate<JsonNode> which) {
    List<JsonNode> matching = sets.stream().filter(which).toList();
    assertEquals(1, matching.size(), () -> "expected exactly one match among " + names(sets));
    return matching.get(0);
  }

  private static String image(JsonNode rs) {
    return rs.at("/spec/template/spec/containers/0/image").asText();
  }

  private static String revision(JsonNode rs) {
    return rs.at("/metadata/annotations/deployment.kubernetes.io~1revision").asText();
  }

  private static String name(JsonNode object) {
    return object.at("/metadata/name").asText();
  }

  private static List<String> names(List<JsonNode> sets) {
    return sets.stream().map(rs -> name(rs) + "(" + image(rs) + ", rev " + revision(rs) + ", "
        + rs.at("/spec/replicas").asInt() + " replicas)").toList();
  }

  private static void await(String what, Supplier<?> state, BooleanSupplier condition) {
    Poll.until(what, CONVERGE, Duration.ofMillis(200), condition, state);
  }
}
