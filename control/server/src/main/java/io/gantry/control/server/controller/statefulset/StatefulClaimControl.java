package io.gantry.control.server.controller.statefulset;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.runtime.Informer;
import io.gantry.control.server.controller.scheduler.EventRecorder;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceTypes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The claim half of upstream's {@code StatefulPodControl} for one set: creates a pod's missing claims
 * ({@code createPersistentVolumeClaims}, with the owner references the retention policy wants already in
 * place), tells whether a claim a removed predecessor owned still blocks a pod ({@code PodClaimIsStale})
 * and keeps the claims' owner references as the policy wants ({@code ClaimsMatchRetentionPolicy},
 * {@code UpdatePodClaimForRetentionPolicy}). Reads come from the claims informer; each write is reported
 * to {@code claimWritten} so the next reconcile waits for the informer to see it.
 */
final class StatefulClaimControl {

  private final ObjectRegistry registry;
  private final EventRecorder events;
  private final Informer claims;
  private final ObjectNode set;
  private final Consumer<ObjectNode> claimWritten;

  StatefulClaimControl(ObjectRegistry registry, EventRecorder events, Informer claims, ObjectNode set,
      Consumer<ObjectNode> claimWritten) {
    this.registry = registry;
    this.events = events;
    this.claims = claims;
    this.set = set;
    this.claimWritten = claimWritten;
  }

  /**
   * {@code PodClaimIsStale}: under {@code whenScaled: Delete}, a claim of the pod about to be created
   * still refers to a pod of its name (its predecessor, which the garbage collector is removing it
   * with); the pod waits until the claim is gone.
   */
  boolean isStale(String podName) {
    if (!StatefulClaims.Policy.of(set).deleteWhenScaled()) {
      return false; // retained claims are meant to be reused
    }
    for (ObjectNode claim : StatefulClaims.claimsFor(set, podName).values()) {
      Optional<ObjectNode> cached = claims.get(ObjectMeta.namespace(set), ObjectMeta.name(claim));
      if (cached.isPresent() && StatefulClaims.hasStaleOwnerRef(cached.get(), ResourceTypes.PODS, podName, "")) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code createPersistentVolumeClaims}: creates each of the pod's claims that does not exist, with the
   * events {@code SuccessfulCreate} / {@code FailedCreate}; a claim being deleted is an error too. Throws
   * once every claim was tried; the message names each failure, as upstream's aggregate.
   */
  void createMissing(ObjectNode pod) throws ApiException {
    String podName = ObjectMeta.name(pod);
    List<String> errors = new ArrayList<>();
    ApiException first = null;
    for (ObjectNode claim : StatefulClaims.claimsFor(set, podName).values()) {
      String name = ObjectMeta.name(claim);
      Optional<ObjectNode> cached = claims.get(ObjectMeta.namespace(set), name);
      if (cached.isPresent()) {
        if (ObjectMeta.isDeleting(cached.get())) {
          errors.add("pvc " + name + " is being deleted");
        }
        continue;
      }
      StatefulClaims.updateOwners(claim, set, pod);
      try {
        claimWritten.accept(registry.create(ResourceTypes.PERSISTENTVOLUMECLAIMS, ObjectMeta.namespace(set), claim));
        events.record(set, "Normal", "SuccessfulCreate", "create Claim " + name + " Pod " + podName
            + " in StatefulSet " + ObjectMeta.name(set) + " success");
      } catch (ApiException e) {
        errors.add("failed to create PVC " + name + ": " + e.getMessage());
        first = first == null ? e : first;
        // an existing claim the cache has not seen is no failure to report; nor is a terminating namespace
        if (e.code() != 409 && !e.hasCause("NamespaceTerminating")) {
          events.record(set, "Warning", "FailedCreate", "create Claim " + name + " for Pod " + podName
              + " in StatefulSet " + ObjectMeta.name(set) + " failed error: " + e.getMessage());
        }
      }
    }
    if (!errors.isEmpty()) {
      String message = errors.size() == 1 ? errors.getFirst() : "[" + String.join(", ", errors) + "]";
      throw first == null ? new ApiException(500, "InternalError", message, null)
          : new ApiException(first.code(), first.reason(), message, (ObjectNode) first.toStatus().get("details"));
    }
  }

  /** {@code ClaimsMatchRetentionPolicy}: every existing claim of the pod is owned as the policy wants. */
  boolean matchesRetention(ObjectNode pod) {
    for (ObjectNode claim : existing(pod).values()) {
      if (!StatefulClaims.ownerUpToDate(claim, set, pod)) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code UpdatePodClaimForRetentionPolicy}: rewrites the owner references of each existing claim of the
   * pod that the policy wants otherwise (missing claims are picked up by a later pass).
   */
  void updateForRetention(ObjectNode pod) throws ApiException {
    for (ObjectNode claim : existing(pod).values()) {
      if (StatefulClaims.ownerUpToDate(claim, set, pod)) {
        continue;
      }
      ObjectNode updated = claim.deepCopy(); // never change the informer's copy
      StatefulClaims.updateOwners(updated, set, pod);
      if (updated.equals(claim)) {
        continue;
      }
      try {
        claimWritten.accept(registry.update(ResourceTypes.PERSISTENTVOLUMECLAIMS, ObjectMeta.namespace(claim),
            ObjectMeta.name(claim), updated, null));
      } catch (ApiException e) {
        if (e.code() == 404) {
          continue; // gone meanwhile: nothing left to own
        }
        throw e;
      }
    }
  }

  /** The pod's claims the cache holds, by claim name. */
  private Map<String, ObjectNode> existing(ObjectNode pod) {
    Map<String, ObjectNode> found = new LinkedHashMap<>();
    for (ObjectNode claim : StatefulClaims.claimsFor(set, ObjectMeta.name(pod)).values()) {
      String name = ObjectMeta.name(claim);
      claims.get(ObjectMeta.namespace(set), name).ifPresent(c -> found.put(name, c));
    }
    return found;
  }
}
