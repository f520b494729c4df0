package io.gantry.control.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.registry.DeleteOptions;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.registry.PodDisruption;
import io.gantry.control.server.resource.ResourceTypes;

/**
 * {@code POST pods/{name}/eviction} with a {@code policy/v1} (or {@code v1beta1}) {@code Eviction},
 * as {@code kubectl drain} sends it. Gantry serves no PodDisruptionBudgets, so every eviction is
 * allowed and deletes the pod with the Eviction's {@code deleteOptions}, as kube-apiserver does for
 * a pod no budget covers: 201 with a Success {@code Status}.
 */
final class PodEviction {

  private PodEviction() {}

  /** Evicts the pod through {@code writer} (a dry-run registry for dryRun=All). */
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
    String name = metadata.path("name").asText("");
    if (!name.isEmpty() && !name.equals(path.name())) {
      throw ApiException.badRequest("name in URL does not match name in Eviction object");
    }
    String namespace = metadata.path("namespace").asText("");
    if (!namespace.isEmpty() && !namespace.equals(path.namespaceOrDefault())) {
      throw ApiException.badRequest("the namespace of the provided object does not match the namespace sent on "
          + "the request");
    }
    JsonNode deleteOptions = eviction.get("deleteOptions");
    ObjectRegistry target = DryRun.requested(request, "CreateOptions", null)
        || DryRun.requested(request, "DeleteOptions", deleteOptions) ? writer.dryRun() : writer;
    DeleteOptions options = DeleteOptions.from(deleteOptions, null);
    if (target == writer) { // addConditionAndDeletePod: the condition first, then the deletion
      PodDisruption.mark(writer, path.namespaceOrDefault(), path.name(), options.preconditionUid(),
          "EvictionByEvictionAPI", "Eviction API: evicting");
    }
    target.delete(ResourceTypes.PODS, path.namespaceOrDefault(), path.name(), options);
    return ApiResponse.createdSuccess();
  }
}
