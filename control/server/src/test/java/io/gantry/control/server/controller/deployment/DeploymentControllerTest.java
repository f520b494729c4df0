package io.gantry.control.server.controller.deployment;

import static io.gantry.control.server.controller.WorkloadFixture.NS;
import static io.gantry.control.server.controller.WorkloadFixture.annotation;
import static io.gantry.control.server.controller.WorkloadFixture.await;
import static io.gantry.control.server.controller.WorkloadFixture.label;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.WorkloadFixture;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.patch.PatchType;
import io.gantry.control.server.registry.ObjectEvent;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectWatcher;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.Watch;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeploymentControllerTest {

  @TempDir
  Path dir;
  private WorkloadFixture f;

  @BeforeEach
  void open() throws ApiException {
    f = new WorkloadFixture(dir);
  }

  @AfterEach
  void close() {
    f.close();
  }

  private ObjectNode deployment() throws ApiException {
    return f.get(ResourceTypes.DEPLOYMENTS, "web");
  }

  private List<ObjectNode> replicaSets() throws ApiException {
    return f.list(ResourceTypes.REPLICASETS);
  }

  private ObjectNode replicaSetWithImage(String tag) throws ApiException {
    for (ObjectNode rs : replicaSets()) {
      if (rs.at("/spec/template/spec/containers/0/image").asText().equals("nginx:" + tag)) {
        return rs;
      }
    }
    throw new AssertionError("no replica set runs nginx:" + tag + " in " + replicaSets());
  }

  /** What {@code kubectl rollout status} decides from a Deployment (its "successfully rolled out"). */
  static boolean rolledOut(ObjectNode d) {
    JsonNode status = d.path("status");
    if (d.at("/metadata/generation").asLong() > status.path("observedGeneration").asLong()) {
      return false;
    }
    long updated = status.path("updatedReplicas").asLong();
    return updated >= d.at("/spec/replicas").asLong()
        && status.path("replicas").asLong() <= updated
        && status.path("availableReplicas").asLong() >= updated;
  }

  private void rollOut() {
    await("rollout of web", () -> {
      f.markAllReady();
      return rolledOut(deployment()) && f.pods().stream().allMatch(WorkloadFixture::isReady)
          && f.pods().size() == deployment().at("/spec/replicas").asInt();
    });
  }

  private static Optional<JsonNode> condition(ObjectNode d, String type) {
    for (JsonNode c : d.path("status").path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  private static String reason(ObjectNode d, String type) {
    return condition(d, type).map(c -> c.path("reason").asText()).orElse("");
  }

  private void setImage(String tag) throws ApiException {
    f.mergePatch(ResourceTypes.DEPLOYMENTS, "web",
        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx:" + tag + "\"}]}}}}");
  }

  @Test
  void createMakesAHashedReplicaSetAtRevisionOneAndReportsTheRollout() throws ApiException {
    ObjectNode spec = WorkloadFixture.deployment("web", 3, "1.27");
    ObjectMeta.metadata(spec).putObject("annotations").put("kubernetes.io/change-cause", "first");
    f.registry.create(ResourceTypes.DEPLOYMENTS, NS, spec);
    await("one replica set with 3 pods", () -> replicaSets().size() == 1 && f.pods().size() == 3);
    ObjectNode rs = replicaSets().get(0);
    String hash = label(rs, PodTemplates.HASH_LABEL);
    assertFalse(hash.isEmpty());
    assertEquals("web-" + hash, ObjectMeta.name(rs));
    assertEquals(hash, rs.at("/spec/selector/matchLabels/pod-template-hash").asText());
    assertEquals("web", rs.at("/spec/selector/matchLabels/app").asText());
    assertEquals(hash, rs.at("/spec/template/metadata/labels/pod-template-hash").asText());
    assertEquals("1", annotation(rs, "deployment.kubernetes.io/revision"));
    assertEquals("3", annotation(rs, "deployment.kubernetes.io/desired-replicas"));
    assertEquals("4", annotation(rs, "deployment.kubernetes.io/max-replicas"), "25% surge of 3 rounds up to 1");
    assertEquals("first", annotation(rs, "kubernetes.io/change-cause"));
    assertEquals("Deployment", rs.at("/metadata/ownerReferences/0/kind").asText());
    assertEquals(ObjectMeta.text(deployment(), "uid"), rs.at("/metadata/ownerReferences/0/uid").asText());
    for (ObjectNode pod : f.pods()) {
      assertEquals(hash, label(pod, PodTemplates.HASH_LABEL));
    }
    await("revision 1 on the deployment", () -> "1".equals(annotation(deployment(), "deployment.kubernetes.io/revision")));
    assertFalse(rolledOut(deployment()), "no pod is ready yet");

    rollOut();
    ObjectNode d = deployment();
    JsonNode status = d.get("status");
    assertEquals(d.at("/metadata/generation").asLong(), status.path("observedGeneration").asLong());
    assertEquals(3, status.path("replicas").asInt());
    assertEquals(3, status.path("updatedReplicas").asInt());
    assertEquals(3, status.path("readyReplicas").asInt());
    assertEquals(3, status.path("availableReplicas").asInt());
    assertFalse(status.has("unavailableReplicas"));
    await("Progressing NewReplicaSetAvailable",
        () -> "NewReplicaSetAvailable".equals(reason(deployment(), "Progressing")));
    d = deployment();
    assertEquals("MinimumReplicasAvailable", reason(d, "Available"));
    assertEquals("True", condition(d, "Available").get().path("status").asText());
    assertEquals("ReplicaSet \"web-" + hash + "\" has successfully progressed.",
        condition(d, "Progressing").get().path("message").asText());
  }

  @Test
  void scalingAndPodCreationAreRecordedAsEventsOnTheirOwners() throws ApiException {
    f.registry.create(ResourceTypes.DEPLOYMENTS, NS, WorkloadFixture.deployment("web", 2, "1.27"));
    rollOut();
    String rs = ObjectMeta.name(replicaSets().get(0));
    f.mergePatch(ResourceTypes.DEPLOYMENTS, "web", "{\"spec\":{\"replicas\":1}}");

    await("the scale-down recorded", () -> messages("Deployment", "web", "ScalingReplicaSet")
        .contains("Scaled down replica set " + rs + " from 2 to 1"));
    assertEquals(List.of("Scaled up replica set " + rs + " from 0 to 2", "Scaled down replica set " + rs + " from 2 to 1"),
        messages("Deployment", "web", "ScalingReplicaSet"));
    await("pod creations and the deletion recorded", () -> messages("ReplicaSet", rs, "SuccessfulCreate").size() == 2
        && messages("ReplicaSet", rs, "SuccessfulDelete").size() == 1);
    for (String message : messages("ReplicaSet", rs, "SuccessfulCreate")) {
      assertTrue(message.matches("Created pod: " + rs + "-[a-z0-9]{5}"), message);
    }
  }

  @Test
  void aReplicaSetThatCannotBeCreatedIsReportedOnTheDeployment() throws ApiException {
    // a valid 247-character name leaves no room for "-" and the template hash in a ReplicaSet's name
    String name = "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(55);
    f.registry.create(ResourceTypes.DEPLOYMENTS, NS, WorkloadFixture.json("""
        {"metadata":{"name":"%s"},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"long"}},
         "template":{"metadata":{"labels":{"app":"long"}},"spec":{"containers":[{"name":"web","image":"nginx:1"}]}}}}
        """.formatted(name)));

    // (its Warning event cannot be stored: an event's name, the object's and a suffix, is too long too)
    JsonNode[] found = new JsonNode[1];
    await("Progressing False for it", () -> {
      for (JsonNode c : f.get(ResourceTypes.DEPLOYMENTS, name).at("/status/conditions")) {
        if (c.path("type").asText().equals("Progressing") && c.path("reason").asText().equals("ReplicaSetCreateError")) {
          found[0] = c;
        }
      }
      return found[0] != null;
    });
    JsonNode progressing = found[0];
    assertEquals("False", progressing.path("status").asText());
    String message = progressing.path("message").asText();
    assertTrue(message.startsWith("Failed to create new replica set \"" + name + "-"), message);
    assertTrue(message.contains("is invalid: metadata.name"), message);
  }

  /** The messages of the events with {@code reason} about one object, oldest first. */
  private List<String> messages(String kind, String name, String reason) throws ApiException {
    return f.list(ResourceTypes.EVENTS).stream()
        .filter(e -> e.at("/involvedObject/kind").asText().equals(kind)
            && e.at("/involvedObject/name").asText().equals(name) && e.path("reason").asText().equals(reason))
        .sorted(java.util.Comparator.comparing((ObjectNode e) -> e.path("firstTimestamp").asText())
            .thenComparing(e -> e.at("/metadata/resourceVersion").asLong()))
        .map(e -> e.path("message").asText())
        .toList();
  }

  @Test
  void rollingUpdateMovesOnePodAtATimeWithinSurgeAndUnavailability() throws Exception {
    ObjectNode spec = WorkloadFixture.deployment("web", 3, "1.27");
    ((ObjectNode) spec.get("spec")).set("strategy", WorkloadFixture.json(
        "{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxSurge\":1,\"maxUnavailable\":0}}"));
    f.registry.create(ResourceTypes.DEPLOYMENTS, NS, spec);
    rollOut();
    String oldName = ObjectMeta.name(replicaSetWithImage("1.27"));

    List<String> violations = new CopyOnWriteArrayList<>();
    Map<String, Integer> specReplicas = new HashMap<>();
    Map<String, List<Integer>> history = new ConcurrentHashMap<>();
    Map<String, Boolean> readyPods = new HashMap<>();
    // start from a listing, then follow events after it, checking the invariants at every event
    var rsList = f.registry.list(ResourceTypes.REPLICASETS, NS, null, null, 0, null);
    for (ObjectNode rs : rsList.items()) {
      specReplicas.put(ObjectMeta.name(rs), rs.at("/spec/replicas").asInt());
      history.put(ObjectMeta.name(rs), new CopyOnWriteArrayList<>(List.of(rs.at("/spec/replicas").asInt())));
    }
    var podList = f.registry.list(ResourceTypes.PODS, NS, null, null, 0, null);
    for (ObjectNode pod : podList.items()) {
      readyPods.put(ObjectMeta.name(pod), WorkloadFixture.isReady(pod));
    }
    assertEquals(3, readyPods.values().stream().filter(r -> r).count());
    ObjectWatcher watcher = new ObjectWatcher(f.store);
    try (Watch rsWatch = watcher.watch(ResourceTypes.REPLICASETS, NS, null, null,
        Long.toString(rsList.resourceVersion()), event -> {
      synchronized (specReplicas) {
        String name = ObjectMeta.name(event.object());
        int replicas = event.object().at("/spec/replicas").asInt();
        if (event.type() == ObjectEvent.Type.DELETED) {
          specReplicas.remove(name);
        } else {
          specReplicas.put(name, replicas);
          List<Integer> seen = history.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>());
          if (seen.isEmpty() || seen.get(seen.size() - 1) != replicas) {
            seen.add(replicas);
          }
        }
        int sum = specReplicas.values().stream().mapToInt(Integer::intValue).sum();
        if (sum > 4) {
          violations.add("replica sets want " + sum + " pods > replicas + maxSurge: " + specReplicas);
        }
      }
    }); Watch podWatch = watcher.watch(ResourceTypes.PODS, NS, null, null,
        Long.toString(podList.resourceVersion()), event -> {
      synchronized (readyPods) {
        ObjectNode pod = event.object();
        boolean ready = event.type() != ObjectEvent.Type.DELETED && !ObjectMeta.isDeleting(pod)
            && WorkloadFixture.isReady(pod);
        readyPods.put(ObjectMeta.name(pod), ready);
        long count = readyPods.values().stream().filter(r -> r).count();
        if (count < 3) {
          violations.add("only " + count + " ready pods < replicas - maxUnavailable");
        }
      }
    })) {
      setImage("1.28");
      rollOut();
    }
    assertEquals(List.of(), violations);
    ObjectNode newRs = replicaSetWithImage("1.28");
    assertEquals(List.of(1, 2, 3), history.get(ObjectMeta.name(newRs)), "the new replica set grows one at a time");
    assertEquals(List.of(3, 2, 1, 0), history.get(oldName), "the old replica set shrinks one at a time");
    assertEquals(0, f.get(ResourceTypes.REPLICASETS, oldName).at("/spec/replicas").asInt());
    assertEquals("2", annotation(newRs, "deployment.kubernetes.io/revision"));
    assertEquals("2", annotation(deployment(), "deployment.kubernetes.io/revision"));
    for (ObjectNode pod : f.pods()) {
      assertEquals("nginx:1.28", pod.at("/spec/containers/0/image").asText());
    }
  }

  @Test
  void recreateStopsEveryOldPodBeforeStartingNewOnes() throws Exception {
    ObjectNode spec = WorkloadFixture.deployment("web", 2, "1.27");
    ((ObjectNode) spec.get("spec")).set("strategy", WorkloadFixture.json("{\"type\":\"Recreate\"}"));
    f.registry.create(ResourceTypes.DEPLOYMENTS, NS, spec);
    rollOut();

    List<String> violations = new CopyOnWriteArrayList<>();
    Map<String, String> livePods = new HashMap<>();
    try (Watch podWatch = new ObjectWatcher(f.store).watch(ResourceTypes.PODS, NS, null, null, "0", event -> {
      synchronized (livePods) {
        ObjectNode pod = event.object();
        if (event.type() == ObjectEvent.Type.DELETED) {
          livePods.remove(ObjectMeta.name(pod));
        } else {
          livePods.put(ObjectMeta.name(pod), pod.at("/spec/containers/0/image").asText());
        }
        if (livePods.containsValue("nginx:1.27") && livePods.containsValue("nginx:1.28")) {
          violations.add("old and new pods together: " + livePods);
        }
      }
    })) {
      setImage("1.28");
      rollOut();
    }
    assertEquals(List.of(), violations);
    assertEquals(0, replicaSetWithImage("1.27").at("/spec/replicas").asInt());
    assertEquals(2, replicaSetWithImage("1.28").at("/spec/replicas").asInt());
    assertEquals(2, f.pods().size());
  }

  @Test
  void pausedDeploymentScalesButDoesNotRollUntilResumed() throws Exception {
    f.registry.create(ResourceTypes.DEPLOYMENTS, NS, WorkloadFixture.deployment("web", 2, "1.27"));
    rollOut();
    f.mergePatch(ResourceTypes.DEPLOYMENTS, "web", "{\"spec\":{\"paused\":true}}");
    setImage("1.28");
    await("the paused spec observed", () -> deployment().at("/status/observedGeneration").asLong()
        == deployment().at("/metadata/generation").asLong()
        && "DeploymentPaused".equals(reason(deployment(), "Progressing")));
    assertEquals("Unknown", condition(deployment(), "Progressing").get().path("status").asText());

    f.mergePatch(ResourceTypes.DEPLOYMENTS, "web", "{\"spec\":{\"replicas\":4}}");
    await("scaled while paused", () -> {
      f.markAllReady();
      return f.pods().size() == 4 && deployment().at("/status/availableReplicas").asInt() == 4;
    });
    assertEquals(1, replicaSets().size(), "no new replica set while paused");
    assertTrue(f.pods().stream().allMatch(p -> p.at("/spec/containers/0/image").asText().equals("nginx:1.27")));

    f.mergePatch(ResourceTypes.DEPLOYMENTS, "web", "{\"spec\":{\"paused\":false}}");
    rollOut();
    assertEquals(2, replicaSets().size());
    assertEquals(4, replicaSetWithImage("1.28").at("/spec/replicas").asInt());
    assertTrue(f.pods().stream().allMatch(p -> p.at("/spec/containers/0/image").asText().equals("nginx:1.28")));
  }

  /** What the e2e "iterative rollouts" test still sets: the deprecated rollback annotation, 0 for the revision before. */
  @Test
  void theDeprecatedRollbackAnnotationRollsBackAndGoes() throws Exception {
    f.registry.create(ResourceTypes.DEPLOYMENTS, NS, WorkloadFixture.deployment("web", 2, "1.27"));
    rollOut();
    setImage("1.28");
    rollOut();

    f.mergePatch(ResourceTypes.DEPLOYMENTS, "web",
        "{\"metadata\":{\"annotations\":{\"deprecated.deployment.rollback.to\":\"0\"}}}");
    await("rolled back to 1.27", () -> deployment().at("/spec/template/spec/containers/0/image").asText()
        .equals("nginx:1.27") && !deployment().at("/metadata/annotations").has("deprecated.deployment.rollback.to"));
    rollOut();
    assertEquals(2, replicaSets().size(), "the old replica set is reused");
    assertEquals(2, replicaSetWithImage("1.27").at("/spec/replicas").asInt());
    await("the DeploymentRollback event", () -> messages("Deployment", "web", "DeploymentRollback")
        .contains("Rolled back deployment \"web\" to revision 1"));

    // a revision that is not there: a warning, and the annotation goes all the same
    f.mergePatch(ResourceTypes.DEPLOYMENTS, "web",
        "{\"metadata\":{\"annotations\":{\"deprecated.deployment.rollback.to\":\"42\"}}}");
    await("the RollbackRevisionNotFound warning", () -> messages("Deployment", "web", "RollbackRevisionNotFound")
        .contains("Unable to find the revision to rollback to."));
    await("the annotation gone", () -> !deployment().at("/metadata/annotations").has("deprecated.deployment.rollback.to"));
    assertEquals("nginx:1.27", deployment().at("/spec/template/spec/containers/0/image").asText());
  }

  @Test
  void rollbackReusesTheOldReplicaSetUnderANewRevision() throws Exception {
    f.registry.create(ResourceTypes.DEPLOYMENTS, NS, WorkloadFixture.deployment("web", 2, "1.27"));
    rollOut();
    setImage("1.28");
    rollOut();
    ObjectNode first = replicaSetWithImage("1.27");
    assertEquals("1", annotation(first, "deployment.kubernetes.io/revision"));

    // what `kubectl rollout undo --to-revision=1` sends: a JSON patch of the template and annotations
    ObjectNode template = first.at("/spec/template").deepCopy();
    ((ObjectNode) template.at("/metadata/labels")).remove(PodTemplates.HASH_LABEL);
    ((ObjectNode) template.get("metadata")).putNull("creationTimestamp");
    ArrayNode patch = Json.MAPPER.createArrayNode();
    patch.addObject().put("op", "replace").put("path", "/spec/template").set("value", template);
    ObjectNode annotations = deployment().at("/metadata/annotations").deepCopy();
    patch.addObject().put("op", "replace").put("path", "/metadata/annotations").set("value", annotations);
    f.registry.patch(ResourceTypes.DEPLOYMENTS, NS, "web", PatchType.JSON_PATCH, patch, null);
    rollOut();

    assertEquals(2, replicaSets().size(), "no third replica set");
    ObjectNode reused = replicaSetWithImage("1.27");
    assertEquals(ObjectMeta.name(first), ObjectMeta.name(reused));
    assertEquals("3", annotation(reused, "deployment.kubernetes.io/revision"));
    assertEquals("1", annotation(reused, "deployment.kubernetes.io/revision-history"));
    assertEquals("3", annotation(deployment(), "deployment.kubernetes.io/revision"));
    assertEquals(2, reused.at("/spec/replicas").asInt());
    assertEquals(0, replicaSetWithImage("1.28").at("/spec/replicas").asInt());
  }

  @Test
  void oldEmptyReplicaSetsBeyondTheHistoryLimitAreDeletedOldestFirst() throws Exception {
    ObjectNode spec = WorkloadFixture.deployment("web", 1, "1.1");
    ((ObjectNode) spec.get("spec")).put("revisionHistoryLimit", 1);
    f.registry.create(ResourceTypes.DEPLOYMENTS, NS, spec);
    rollOut();
    for (String tag : List.of("1.2", "1.3", "1.4")) {
      f.clock.advance(Duration.ofSeconds(5));
      setImage(tag);
      rollOut();
    }
    await("two replica sets kept", () -> replicaSets().size() == 2);
    List<String> images = new ArrayList<>();
    for (ObjectNode rs : replicaSets()) {
      images.add(rs.at("/spec/template/spec/containers/0/image").asText());
    }
    images.sort(null);
    assertEquals(List.of("nginx:1.3", "nginx:1.4"), images);
    assertEquals("3", annotation(replicaSetWithImage("1.3"), "deployment.kubernetes.io/revision"));
  }

  @Test
  void progressDeadlineExceededWhenPodsNeverBecomeReady() throws Exception {
    ObjectNode spec = WorkloadFixture.deployment("web", 2, "1.27");
    ((ObjectNode) spec.get("spec")).put("progressDeadlineSeconds", 30);
    f.registry.create(ResourceTypes.DEPLOYMENTS, NS, spec);
    await("Progressing while pods start", () -> f.pods().size() == 2
        && "True".equals(condition(deployment(), "Progressing").map(c -> c.path("status").asText()).orElse(""))
        && deployment().at("/status/unavailableReplicas").asInt() == 2);
    assertTrue(List.of("NewReplicaSetCreated", "ReplicaSetUpdated").contains(reason(deployment(), "Progressing")));
    assertEquals("MinimumReplicasUnavailable", reason(deployment(), "Available"));
    // a status change still in flight may legitimately count as progress and restart the deadline,
    // so time moves on past the deadline again until a sync sees it passed without progress
    await("ProgressDeadlineExceeded", () -> {
      if ("ProgressDeadlineExceeded".equals(reason(deployment(), "Progressing"))) {
        return true;
      }
      f.clock.advance(Duration.ofSeconds(31));
      f.controllers.resyncAll();
      return false;
    });
    JsonNode progressing = condition(deployment(), "Progressing").get();
    assertEquals("False", progressing.path("status").asText());
    assertTrue(progressing.path("message").asText().endsWith("has timed out progressing."));
  }

  @Test
  void aRolloutStuckAfterItsLastStatusWriteTimesOutOnItsOwn() throws Exception {
    ObjectNode spec = WorkloadFixture.deployment("web", 2, "1.27");
    ((ObjectNode) spec.get("spec")).put("progressDeadlineSeconds", 1);
    f.registry.create(ResourceTypes.DEPLOYMENTS, NS, spec);
    await("Progressing while pods start", () -> f.pods().size() == 2
        && deployment().at("/status/unavailableReplicas").asInt() == 2
        && "True".equals(condition(deployment(), "Progressing").map(c -> c.path("status").asText()).orElse("")));
    // Time passes, but nothing is written and nothing resyncs: only the controller's own look-ahead
    // after its last write can notice that the deadline passed.
    long giveUp = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!"ProgressDeadlineExceeded".equals(reason(deployment(), "Progressing"))) {
      assertTrue(System.nanoTime() < giveUp, "still " + deployment().path("status"));
      f.clock.advance(Duration.ofSeconds(2));
      Thread.sleep(300);
    }
  }

  @Test
  void templateHashIsStableAndIgnoresNullsAndTheHashLabel() {
    ObjectNode a = WorkloadFixture.json("{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[]}}");
    ObjectNode b = WorkloadFixture.json(
        "{\"metadata\":{\"creationTimestamp\":null,\"labels\":{\"app\":\"web\",\"pod-template-hash\":\"x\"}}}");
    assertTrue(PodTemplates.equalIgnoreHash(a, b));
    assertEquals(PodTemplates.hash(a, null), PodTemplates.hash(PodTemplates.withoutHash(b), null));
    assertTrue(PodTemplates.hash(a, null).matches("[bcdfghjklmnpqrstvwxz2456789]+"));
    assertFalse(PodTemplates.hash(a, null).equals(PodTemplates.hash(a, 1)), "collisions change the hash");
    ObjectNode c = WorkloadFixture.json("{\"metadata\":{\"labels\":{\"app\":\"api\"}}}");
    assertFalse(PodTemplates.equalIgnoreHash(a, c));
  }

  @Test
  void fencepostsRoundSurgeUpAndUnavailableDown() {
    ObjectNode d = WorkloadFixture.json("""
        {"spec":{"replicas":10,"strategy":{"type":"RollingUpdate",
         "rollingUpdate":{"maxSurge":"15%","maxUnavailable":"15%"}}}}""");
    assertEquals(2, Fenceposts.maxSurge(d));
    assertEquals(1, Fenceposts.maxUnavailable(d));
    ObjectNode tiny = WorkloadFixture.json("""
        {"spec":{"replicas":1,"strategy":{"type":"RollingUpdate",
         "rollingUpdate":{"maxSurge":"0%","maxUnavailable":"25%"}}}}""");
    assertEquals(0, Fenceposts.maxSurge(tiny));
    assertEquals(1, Fenceposts.maxUnavailable(tiny), "both zero: one may be unavailable");
    ObjectNode recreate = WorkloadFixture.json("{\"spec\":{\"replicas\":3,\"strategy\":{\"type\":\"Recreate\"}}}");
    assertEquals(0, Fenceposts.maxSurge(recreate));
    assertEquals(0, Fenceposts.maxUnavailable(recreate));
  }
}
