package io.gantry.control.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.DeleteOptions;
import io.gantry.control.server.registry.DisruptionBudgets;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.registry.PodDisruption;
import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;

/**
 * {@code POST pods/{name}/eviction} with a {@code policy/v1} (or {@code v1beta1}) {@code Eviction},
 * as {@code kubectl drain} sends it, after kube-apiserver's EvictionREST: a pod that is terminal,
 * pending or already being deleted goes at once; otherwise the PodDisruptionBudget that selects it
 * must allow a disruption, which the eviction takes (decrementing {@code disruptionsAllowed} and
 * naming the pod in {@code disruptedPods}), or the answer is 429 and the client retries. An unready
 * pod may go without taking one when its budget is healthy or says {@code AlwaysAllow}. Success is
 * 201 with a Success {@code Status}.
 */
final class PodEviction {

  /** EvictionsRetry's attempts at a write that conflicts with another writer. */
  private static final int ATTEMPTS = 20;
  /** MaxDisruptedPodSize: evictions the disruption controller has not yet confirmed. */
  private static final int MAX_DISRUPTED_PODS = 2000;
  private static final String VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget.";

  private PodEviction() {}

  /** Evicts the pod through {@code writer}, or only checks for dryRun=All. */
  static ApiResponse handle(ResourcePath path, ApiRequest request, ObjectRegistry writer) throws ApiException {
    if (!request.method().equals("POST")) {
      throw ApiException.methodNotAllowed(request.method() + " is not allowed on pods/eviction (expected: POST)");
    }
    ObjectNode eviction = RequestBodies.object(request);
    String apiVersion = eviction.path("apiVersion").asText();
    if (!eviction.path("kind").asText().equals("Eviction")
        || !(apiVersion.equals("policy/v1") || apiVersion.equals("policy/v1beta1"))) {
      throw ApiException.badRequest("the body of pods/eviction must be a policy/v1 Eviction, not "
          + (apiVersion.isEmpty() ? "" : apiVersion + " ") + eviction.path("kind").asText("an object without kind"));
    }
    JsonNode metadata = eviction.path("metadata");
    if (!metadata.path("name").asText("").equals(path.name())) {
      throw ApiException.badRequest("name in URL does not match name in Eviction object");
    }
    String namespace = path.namespaceOrDefault();
    if (!metadata.path("namespace").asText("").isEmpty() && !metadata.path("namespace").asText().equals(namespace)) {
      throw ApiException.badRequest("the namespace of the provided object does not match the namespace sent on "
          + "the request");
    }
    JsonNode deleteOptions = eviction.get("deleteOptions");
    boolean dryRun = DryRun.requested(request, "CreateOptions", null)
        || DryRun.requested(request, "DeleteOptions", deleteOptions);
    requireSameDryRun(request, deleteOptions);
    DeleteOptions options = DeleteOptions.from(deleteOptions, null);
    new Eviction(writer, dryRun, namespace, path.name(), options).run();
    return ApiResponse.createdSuccess();
  }

  /** One eviction request. */
  private record Eviction(ObjectRegistry writer, boolean dryRun, String namespace, String name,
      DeleteOptions options) {

    void run() throws ApiException {
      ObjectNode pod = null;
      for (int attempt = 1; pod == null; attempt++) {
        ObjectNode current = writer.get(ResourceTypes.PODS, namespace, name);
        if (!budgetsMayBeIgnored(current)) {
          pod = current;
          continue;
        }
        // a disruption already happened (or nothing runs yet): no budget is consulted
        DeleteOptions direct = options.preconditionVersion() == null && enforceVersion(current)
            ? options.withPreconditionVersion(ObjectMeta.text(current, "resourceVersion")) : options;
        try {
          delete(direct);
          return;
        } catch (ApiException e) {
          if (e.code() != 409 || options.preconditionVersion() != null || attempt == ATTEMPTS) {
            throw e;
          }
        }
      }
      List<ObjectNode> budgets = DisruptionBudgets.guarding(
          writer.list(ResourceTypes.PODDISRUPTIONBUDGETS, namespace, null, null, 0, null).items(), pod);
      if (budgets.size() > 1) {
        throw new ApiException(500, "", "This pod has more than one PodDisruptionBudget, which the eviction"
            + " subresource does not support.", null);
      }
      boolean pinVersion = false;
      String budgetName = null;
      if (budgets.size() == 1) {
        ObjectNode budget = budgets.get(0);
        budgetName = ObjectMeta.name(budget);
        pinVersion = !DisruptionBudgets.healthy(pod) && unhealthyMayGo(budget);
        if (!pinVersion) {
          takeDisruption(budget);
        }
      }
      try {
        delete(pinVersion ? options.withPreconditionVersion(ObjectMeta.text(pod, "resourceVersion")) : options);
      } catch (ApiException e) {
        // the unready pod became ready meanwhile: the client retries, and the budget decides again
        if (e.code() == 409 && pinVersion && options.preconditionVersion() == null) {
          throw stillProcessing(budgetName);
        }
        throw e;
      }
    }

    /** canIgnorePDB: terminal, not yet running, or already being deleted. */
    private static boolean budgetsMayBeIgnored(ObjectNode pod) {
      String phase = pod.path("status").path("phase").asText("");
      return phase.equals("Succeeded") || phase.equals("Failed") || phase.equals("Pending")
          || ObjectMeta.isDeleting(pod);
    }

    /** shouldEnforceResourceVersion: a pending pod could become ready, and then count for its budget. */
    private static boolean enforceVersion(ObjectNode pod) {
      String phase = pod.path("status").path("phase").asText("");
      return !phase.equals("Succeeded") && !phase.equals("Failed") && !ObjectMeta.isDeleting(pod);
    }

    /** An unready pod takes no disruption when the budget says AlwaysAllow, or is met without it. */
    private static boolean unhealthyMayGo(ObjectNode budget) {
      if ("AlwaysAllow".equals(budget.path("spec").path("unhealthyPodEvictionPolicy").asText())) {
        return true;
      }
      JsonNode status = budget.path("status");
      long desired = status.path("desiredHealthy").asLong(0);
      return desired > 0 && status.path("currentHealthy").asLong(0) >= desired;
    }

    /** checkAndDecrement, again on a fresh copy of the budget after a conflicting write. */
    private void takeDisruption(ObjectNode budget) throws ApiException {
      ObjectNode current = budget;
      for (int attempt = 1; ; attempt++) {
        String budgetName = ObjectMeta.name(current);
        ObjectNode status = current.get("status") instanceof ObjectNode s ? s.deepCopy() : Json.object();
        if (status.path("observedGeneration").asLong(0) < current.path("metadata").path("generation").asLong(0)) {
          throw stillProcessing(budgetName);
        }
        long allowed = status.path("disruptionsAllowed").asLong(0);
        if (allowed < 0) {
          throw forbidden(budgetName, "pdb disruptions allowed is negative");
        }
        if (status.path("disruptedPods").size() > MAX_DISRUPTED_PODS) {
          throw forbidden(budgetName, "DisruptedPods map too big - too many evictions not confirmed by PDB controller");
        }
        if (allowed == 0) {
          throw tooManyRequests(0, "The disruption budget " + budgetName + " needs "
              + status.path("desiredHealthy").asLong(0) + " healthy pods and has "
              + status.path("currentHealthy").asLong(0) + " currently");
        }
        status.put("disruptionsAllowed", allowed - 1);
        if (allowed == 1) {
          DisruptionBudgets.updateDisruptionAllowed(status, writer.clock().instant());
        }
        if (dryRun) {
          return;
        }
        // tells the disruption controller that this pod is going, so it stops counting it as healthy
        status.withObjectProperty("disruptedPods").put(name, ObjectMeta.timestamp(writer.clock().instant()));
        ObjectNode updated = current.deepCopy();
        updated.set("status", status);
        try {
          writer.update(ResourceTypes.PODDISRUPTIONBUDGETS, namespace, budgetName, updated, "status");
          return;
        } catch (ApiException e) {
          if (e.code() != 409 || attempt == ATTEMPTS) {
            throw e;
          }
          current = writer.get(ResourceTypes.PODDISRUPTIONBUDGETS, namespace, budgetName);
        }
      }
    }

    private void delete(DeleteOptions deleteOptions) throws ApiException {
      if (dryRun) {
        writer.dryRun().delete(ResourceTypes.PODS, namespace, name, deleteOptions);
      } else {
        writer.delete(ResourceTypes.PODS, namespace, name,
            PodDisruption.markEvicted(writer, namespace, name, deleteOptions));
      }
    }
  }

  /** propagateDryRun: the query's and the body's dryRun, when both are given, must be the same (a plain error, 500). */
  private static void requireSameDryRun(ApiRequest request, JsonNode deleteOptions) throws ApiException {
    List<String> query = request.query().getOrDefault("dryRun", List.of());
    List<String> body = new java.util.ArrayList<>();
    if (deleteOptions != null) {
      deleteOptions.path("dryRun").forEach(v -> body.add(v.asText()));
    }
    if (!query.isEmpty() && !body.isEmpty() && !query.equals(body)) {
      throw new ApiException(500, "Unknown", "Non-matching dry-run options in request and content: ["
          + String.join(" ", query) + "] and [" + String.join(" ", body) + "]", null);
    }
  }

  private static ApiException stillProcessing(String budgetName) {
    return tooManyRequests(10, "The disruption budget " + budgetName + " is still being processed by the server.");
  }

  /** errors.NewTooManyRequests with the {@code DisruptionBudget} cause kubectl drain prints. */
  private static ApiException tooManyRequests(int retryAfterSeconds, String cause) {
    ObjectNode details = Json.object();
    details.putArray("causes").addObject().put("reason", "DisruptionBudget").put("message", cause);
    if (retryAfterSeconds > 0) {
      details.put("retryAfterSeconds", retryAfterSeconds);
    }
    return new ApiException(429, "TooManyRequests", VIOLATION, details);
  }

  /** errors.NewForbidden on the singular resource, as the eviction handler names it. */
  private static ApiException forbidden(String budgetName, String why) {
    ObjectNode details = Json.object().put("name", budgetName).put("group", "policy")
        .put("kind", "poddisruptionbudget");
    return new ApiException(403, "Forbidden",
        "poddisruptionbudget.policy \"" + budgetName + "\" is forbidden: " + why, details);
  }
}
