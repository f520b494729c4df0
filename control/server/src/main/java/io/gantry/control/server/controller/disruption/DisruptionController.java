package io.gantry.control.server.controller.disruption;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.gc.OwnerReferences;
import io.gantry.control.server.controller.runtime.ControllerLoop;
import io.gantry.control.server.controller.runtime.Informer;
import io.gantry.control.server.controller.runtime.WorkQueue;
import io.gantry.control.server.controller.scheduler.EventRecorder;
import io.gantry.control.server.json.SameContent;
import io.gantry.control.server.registry.DisruptionBudgets;
import io.gantry.control.server.registry.ObjectEvent;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.registry.ObjectWatcher;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * kube-controller-manager's disruption controller: keeps each PodDisruptionBudget's status (healthy,
 * desired and expected pods, {@code disruptionsAllowed}, the {@code DisruptionAllowed} condition)
 * in line with the pods its selector matches, which the eviction API then spends. A percentage or
 * {@code maxUnavailable} counts against the replicas of the pods' controllers (a Deployment through
 * its ReplicaSets, a bare ReplicaSet, or a ReplicationController); a count that cannot be made (a
 * controller of a kind Gantry does not serve) allows no disruption ({@code SyncFailed}).
 *
 * <p>Concurrency: informer listeners only queue budget keys; one worker computes and writes. A status
 * write that races an eviction (409) is computed again from the fresher copy.
 *
 * <p>Lifecycle: {@link #start} fills the caches and starts the worker; {@link #close} stops it,
 * then the informers. Close before the store.
 */
public final class DisruptionController implements AutoCloseable {

  private final ObjectRegistry registry;
  private final EventRecorder events;
  private final Informer budgets = Informer.of(ResourceTypes.PODDISRUPTIONBUDGETS);
  private final Informer pods = Informer.of(ResourceTypes.PODS);
  private final Informer replicaSets = Informer.of(ResourceTypes.REPLICASETS);
  private final Informer deployments = Informer.of(ResourceTypes.DEPLOYMENTS);
  private final Informer replicationControllers = Informer.of(ResourceTypes.REPLICATIONCONTROLLERS);
  private final Informer statefulSets = Informer.of(ResourceTypes.STATEFULSETS);
  private final WorkQueue<String> queue = new WorkQueue<>("disruption");
  private volatile ControllerLoop<String> loop;

  private DisruptionController(ObjectRegistry registry) {
    this.registry = registry;
    this.events = new EventRecorder(registry, registry.clock(), "controllermanager");
  }

  public static DisruptionController start(ObjectRegistry registry, ObjectWatcher watcher) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(watcher, "watcher");
    DisruptionController controller = new DisruptionController(registry);
    controller.budgets.listener((type, budget, old) -> {
      if (type != ObjectEvent.Type.DELETED) {
        controller.queue.add(Informer.key(budget));
      }
    });
    controller.pods.listener((type, pod, old) -> controller.queueBudgetsOf(pod, old));
    Informer.Listener scaleChanged = (type, workload, old) -> {
      if (old == null || type == ObjectEvent.Type.DELETED
          || !SameContent.same(workload.path("spec").path("replicas"), old.path("spec").path("replicas"))) {
        controller.queueBudgetsIn(ObjectMeta.namespace(workload));
      }
    };
    controller.replicaSets.listener(scaleChanged);
    controller.deployments.listener(scaleChanged);
    controller.replicationControllers.listener(scaleChanged);
    controller.statefulSets.listener(scaleChanged);
    for (Informer informer : List.of(controller.replicaSets, controller.deployments, controller.replicationControllers,
        controller.statefulSets, controller.pods, controller.budgets)) {
      informer.start(watcher);
    }
    controller.loop = ControllerLoop.start("disruption", controller.queue, controller::reconcile, 1);
    return controller;
  }

  private void queueBudgetsOf(ObjectNode pod, ObjectNode old) {
    for (ObjectNode budget : budgets.list(ObjectMeta.namespace(pod))) {
      if (DisruptionBudgets.selects(budget, pod.path("metadata").path("labels"))
          || old != null && DisruptionBudgets.selects(budget, old.path("metadata").path("labels"))) {
        queue.add(Informer.key(budget));
      }
    }
  }

  private void queueBudgetsIn(String namespace) {
    budgets.list(namespace).forEach(budget -> queue.add(Informer.key(budget)));
  }

  /** Computes one budget's status and writes it when it changed. */
  void reconcile(String key) throws ApiException {
    Optional<ObjectNode> cached = budgets.get(key);
    if (cached.isEmpty()) {
      return;
    }
    ObjectNode budget = cached.get();
    Instant now = registry.clock().instant();
    ObjectNode status;
    try {
      BudgetStatus computed = BudgetStatus.compute(budget, pods.list(ObjectMeta.namespace(budget)), this::scaleOf,
          now);
      if (computed.noPods()) {
        events.record(budget, "Normal", "NoPods", "No matching pods found");
      }
      if (!computed.unmanaged().isEmpty()) {
        events.record(budget, "Warning", "UnmanagedPods", "Pods selected by this PodDisruptionBudget (selector: "
            + BudgetStatus.selectorText(budget) + ") were found to be unmanaged. As a result, the status of the PDB"
            + " cannot be calculated correctly, which may result in undefined behavior. To account for these pods"
            + " please set \".spec.minAvailable\" field of the PDB to an integer value.");
      }
      computed.recheckAt().ifPresent(at -> queue.addAfter(key, Duration.between(now, at).plusMillis(1)));
      status = computed.status();
    } catch (BudgetStatus.CountFailure e) {
      events.record(budget, "Warning", "CalculateExpectedPodCountFailed",
          "Failed to calculate the number of expected pods: " + e.getMessage());
      status = failSafe(budget, e.getMessage(), now);
    }
    if (SameContent.same(status, budget.path("status"))) {
      return;
    }
    ObjectNode updated = budget.deepCopy();
    updated.set("status", status);
    try {
      registry.update(ResourceTypes.PODDISRUPTIONBUDGETS, ObjectMeta.namespace(budget), ObjectMeta.name(budget),
          updated, "status");
    } catch (ApiException e) {
      if (e.code() == 409) {
        queue.add(key); // an eviction took a disruption meanwhile: compute again from its write
      } else if (e.code() != 404) {
        throw e;
      }
    }
  }

  /** failSafe: no disruption allowed while the count cannot be made, saying why. */
  private static ObjectNode failSafe(ObjectNode budget, String why, Instant now) {
    ObjectNode status = budget.get("status") instanceof ObjectNode s ? s.deepCopy()
        : budget.objectNode();
    status.put("disruptionsAllowed", 0);
    DisruptionBudgets.setCondition(status, "False", "SyncFailed", why, now);
    return status;
  }

  /** The finders of upstream's getScaleController, over the workloads Gantry serves. */
  private Optional<BudgetStatus.Scale> scaleOf(String namespace, JsonNode ref) throws BudgetStatus.CountFailure {
    String apiVersion = ref.path("apiVersion").asText("");
    String kind = ref.path("kind").asText("");
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    boolean apps = group.equals("apps") || group.equals("extensions");
    if (apps && kind.equals("ReplicaSet")) {
      Optional<ObjectNode> replicaSet = owned(replicaSets, namespace, ref);
      if (replicaSet.isEmpty()) {
        return Optional.empty();
      }
      Optional<ObjectNode> owner = OwnerReferences.controllerOf(replicaSet.get());
      if (owner.isPresent() && owner.get().path("kind").asText().equals("Deployment")) {
        return owned(deployments, namespace, owner.get()).map(DisruptionController::scale);
      }
      return replicaSet.map(DisruptionController::scale);
    }
    if (apps && kind.equals("Deployment")) {
      return owned(deployments, namespace, ref).map(DisruptionController::scale);
    }
    if (group.equals("apps") && kind.equals("StatefulSet")) { // getPodStatefulSet
      return owned(statefulSets, namespace, ref).map(DisruptionController::scale);
    }
    if (group.isEmpty() && kind.equals("ReplicationController")) {
      return owned(replicationControllers, namespace, ref).map(DisruptionController::scale);
    }
    Optional<ResourceType> served = ResourceTypes.byKind(apiVersion, kind);
    if (served.isPresent()) { // served, but without a scale (a Job, a DaemonSet): named by its GroupResource
      String resource = served.get().plural() + (group.isEmpty() ? "" : "." + group);
      throw new BudgetStatus.CountFailure(resource + " does not implement the scale subresource");
    }
    throw new BudgetStatus.CountFailure("no matches for kind \"" + kind + "\" in version \"" + apiVersion + "\"");
  }

  private static Optional<ObjectNode> owned(Informer informer, String namespace, JsonNode ref) {
    return informer.get(namespace, ref.path("name").asText(""))
        .filter(object -> ObjectMeta.text(object, "uid").equals(ref.path("uid").asText()));
  }

  private static BudgetStatus.Scale scale(ObjectNode workload) {
    return new BudgetStatus.Scale(ObjectMeta.text(workload, "uid"), workload.path("spec").path("replicas").asLong(1));
  }

  @Override
  public void close() {
    if (loop != null) {
      loop.close();
    }
    budgets.close();
    pods.close();
    replicaSets.close();
    deployments.close();
    replicationControllers.close();
    statefulSets.close();
  }
}
