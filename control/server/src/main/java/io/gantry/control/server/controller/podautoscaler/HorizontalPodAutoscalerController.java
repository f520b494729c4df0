package io.gantry.control.server.controller.podautoscaler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.runtime.ConflictRequeue;
import io.gantry.control.server.controller.runtime.ControllerLoop;
import io.gantry.control.server.controller.runtime.Informer;
import io.gantry.control.server.controller.runtime.WorkQueue;
import io.gantry.control.server.controller.scheduler.EventRecorder;
import io.gantry.control.server.json.SameContent;
import io.gantry.control.server.registry.ObjectEvent;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.registry.ObjectWatcher;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The horizontal-pod-autoscaler controller's {@code reconcileAutoscaler} without metrics: Gantry serves no
 * metrics API, so each pass does what kube-controller-manager does when the resource metrics API returns
 * nothing. It reads the target's scale ({@code AbleToScale True SucceededGetScale}); a target outside the
 * bounds is scaled to {@code minReplicas} or {@code maxReplicas} first, as upstream checks the bounds before
 * it asks for metrics ({@code SucceededRescale}, a {@code SuccessfulRescale} event); one inside them gets
 * {@code ScalingActive False FailedGetResourceMetric} and Warning events, its {@code desiredReplicas} left as
 * it was and one empty current metric per metric. A target at zero replicas is left alone
 * ({@code ScalingDisabled}). Every autoscaler is looked at again each 15 seconds, the upstream sync period.
 *
 * <p>Concurrency: informer listeners only queue keys; one worker reconciles.
 */
public final class HorizontalPodAutoscalerController implements AutoCloseable {

  static final Duration SYNC_PERIOD = Duration.ofSeconds(15);
  private static final Duration RESYNC_SLACK = Duration.ofMillis(500);
  /** What the resource metrics client says when metrics.k8s.io is not served, as here. */
  static final String NO_METRICS_API = "unable to fetch metrics from resource metrics API: "
      + "the server could not find the requested resource (get pods.metrics.k8s.io)";

  private final ObjectRegistry registry;
  private final EventRecorder events;
  private final Informer hpas = Informer.of(ResourceTypes.HORIZONTALPODAUTOSCALERS);
  private final WorkQueue<String> queue = new WorkQueue<>("horizontalpodautoscaler");
  /** When each key's periodic pass is due ({@link System#nanoTime}); touched by the one worker only. */
  private final Map<String, Long> resyncDue = new HashMap<>();
  private ControllerLoop<String> loop;

  HorizontalPodAutoscalerController(ObjectRegistry registry) {
    this.registry = registry;
    this.events = new EventRecorder(registry, registry.clock(), "horizontal-pod-autoscaler");
  }

  public static HorizontalPodAutoscalerController start(ObjectRegistry registry, ObjectWatcher watcher) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(watcher, "watcher");
    HorizontalPodAutoscalerController controller = new HorizontalPodAutoscalerController(registry);
    controller.hpas.listener(controller::onHpa);
    controller.hpas.start(watcher);
    controller.loop = ControllerLoop.start("horizontal-pod-autoscaler-controller", controller.queue,
        ConflictRequeue.of("horizontalpodautoscaler", controller.queue, controller::reconcile), 1);
    return controller;
  }

  private void onHpa(ObjectEvent.Type type, ObjectNode hpa, ObjectNode old) {
    if (type == ObjectEvent.Type.DELETED) {
      events.forget(ObjectMeta.text(hpa, "uid"));
      return;
    }
    // only spec changes: the status this controller writes would otherwise bring each pass straight back
    if (old == null || !SameContent.same(hpa.path("spec"), old.path("spec"))) {
      queue.add(Informer.key(hpa));
    }
  }

  void reconcile(String key) throws ApiException {
    Optional<ObjectNode> found = hpas.get(key);
    if (found.isEmpty()) {
      resyncDue.remove(key);
      return;
    }
    scheduleResync(key);
    ObjectNode hpa = found.get();
    String namespace = ObjectMeta.namespace(hpa);
    JsonNode spec = hpa.path("spec");
    ObjectNode status = hpa.get("status") instanceof ObjectNode s ? s.deepCopy() : JsonNodeFactory.instance.objectNode();
    JsonNode ref = spec.path("scaleTargetRef");
    Optional<ResourceType> targetType = ResourceTypes.byKind(ref.path("apiVersion").asText(""), ref.path("kind").asText(""))
        .filter(t -> t.hasSubresource("scale"));
    Optional<ObjectNode> target = targetType.flatMap(t -> registry.find(t, namespace, ref.path("name").asText("")));
    if (target.isEmpty()) {
      // the scale client's error: the REST mapping's, else the scale subresource's 404
      String error = targetType.map(t -> t.qualifiedName() + " \"" + ref.path("name").asText("") + "\" not found")
          .orElseGet(() -> "no matches for kind \"" + ref.path("kind").asText("") + "\" in group \""
              + group(ref.path("apiVersion").asText("")) + "\"");
      events.record(hpa, "Warning", "FailedGetScale", error);
      Conditions.set(status, "AbleToScale", "False", "FailedGetScale",
          "the HPA controller was unable to get the target's current scale: " + error, registry.clock().instant());
      writeStatus(hpa, status);
      return;
    }
    Conditions.set(status, "AbleToScale", "True", "SucceededGetScale",
        "the HPA controller was able to get the target's current scale", registry.clock().instant());
    int current = target.get().path("spec").path("replicas").asInt(1);
    int min = spec.path("minReplicas").asInt(1);
    int max = spec.path("maxReplicas").asInt(0);
    int desired;
    String reason = null;
    if (current == 0 && min != 0) {
      desired = 0;
      Conditions.set(status, "ScalingActive", "False", "ScalingDisabled",
          "scaling is disabled since the replica count of the target is zero", registry.clock().instant());
    } else if (current > max) {
      reason = "Current number of replicas above Spec.MaxReplicas";
      desired = max;
    } else if (current < min) {
      reason = "Current number of replicas below Spec.MinReplicas";
      desired = min;
    } else {
      // computeReplicasForMetrics: every metric fails, so the status keeps its desiredReplicas
      JsonNode specs = spec.path("metrics");
      ArrayNode metrics = JsonNodeFactory.instance.arrayNode();
      String firstError = null;
      for (JsonNode metric : specs) {
        MetricFailure failure = MetricFailure.of(metric);
        events.record(hpa, "Warning", failure.reason(), failure.detail());
        if (firstError == null) {
          firstError = failure.error();
          Conditions.set(status, "ScalingActive", "False", failure.reason(),
              "the HPA was unable to compute the replica count: " + failure.detail(), registry.clock().instant());
        }
        metrics.addObject().put("type", "");
      }
      status.put("currentReplicas", current);
      status.put("desiredReplicas", status.path("desiredReplicas").asInt(0));
      status.set("currentMetrics", metrics);
      writeStatus(hpa, status);
      events.record(hpa, "Warning", "FailedComputeMetricsReplicas", "invalid metrics (" + specs.size()
          + " invalid out of " + specs.size() + "), first error is: " + firstError);
      return;
    }
    if (reason != null) {
      ObjectNode scaled = target.get().deepCopy();
      ((ObjectNode) scaled.get("spec")).put("replicas", desired);
      registry.through("scale").update(targetType.get(), namespace, ObjectMeta.name(scaled), scaled, null);
      Conditions.set(status, "AbleToScale", "True", "SucceededRescale",
          "the HPA controller was able to update the target scale to " + desired, registry.clock().instant());
      events.record(hpa, "Normal", "SuccessfulRescale", "New size: " + desired + "; reason: " + reason);
      status.put("lastScaleTime", ObjectMeta.timestamp(registry.clock().instant()));
    } else {
      desired = current;
    }
    status.put("currentReplicas", current);
    status.put("desiredReplicas", desired);
    status.remove("currentMetrics");
    writeStatus(hpa, status);
  }

  /** Queues the 15-second pass unless one is already pending, so spec edits do not start more chains. */
  private void scheduleResync(String key) {
    long now = System.nanoTime();
    Long due = resyncDue.get(key);
    // a pass the timer started may run a little before its nominal time
    if (due == null || due - now <= RESYNC_SLACK.toNanos()) {
      resyncDue.put(key, now + SYNC_PERIOD.toNanos());
      queue.addAfter(key, SYNC_PERIOD);
    }
  }

  private static String group(String apiVersion) {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }

  private void writeStatus(ObjectNode hpa, ObjectNode status) throws ApiException {
    if (SameContent.same(status, hpa.path("status"))) {
      return;
    }
    ObjectNode body = hpa.deepCopy();
    body.set("status", status);
    registry.update(ResourceTypes.HORIZONTALPODAUTOSCALERS, ObjectMeta.namespace(hpa), ObjectMeta.name(hpa), body,
        "status");
  }

  @Override
  public void close() {
    if (loop != null) {
      loop.close();
    } else {
      queue.close();
    }
    hpas.close();
  }
}
