package io.gantry.control.server.quota;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.control.server.resource.ParsedQuantity;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The PersistentVolumeClaim evaluator: a claim counts against {@code persistentvolumeclaims} and its
 * requested storage (rounded up to whole bytes) against {@code requests.storage}, both also per storage
 * class ({@code gold.storageclass.storage.k8s.io/requests.storage}). Charged on create and on update (a
 * claim may grow).
 */
final class ClaimEvaluator implements UsageEvaluator {

  static final String CLAIMS = "persistentvolumeclaims";
  static final String STORAGE = "requests.storage";
  static final String CLASS_SUFFIX = ".storageclass.storage.k8s.io/";
  private static final String COUNT = ObjectCountEvaluator.countName(ResourceTypes.PERSISTENTVOLUMECLAIMS);

  @Override
  public ResourceType type() {
    return ResourceTypes.PERSISTENTVOLUMECLAIMS;
  }

  @Override
  public boolean chargesUpdates() {
    return true;
  }

  @Override
  public boolean accounts(String name) {
    return name.equals(COUNT) || name.equals(CLAIMS) || name.equals(STORAGE)
        || name.endsWith(CLASS_SUFFIX + CLAIMS) || name.endsWith(CLASS_SUFFIX + STORAGE);
  }

  @Override
  public Map<String, ParsedQuantity> usage(JsonNode claim, Instant now) {
    TreeMap<String, ParsedQuantity> out = new TreeMap<>();
    out.put(CLAIMS, ParsedQuantity.of(1));
    out.put(COUNT, ParsedQuantity.of(1));
    String storageClass = storageClass(claim);
    if (!storageClass.isEmpty()) {
      out.put(storageClass + CLASS_SUFFIX + CLAIMS, ParsedQuantity.of(1));
    }
    ParsedQuantity storage = storage(claim);
    if (storage != null) {
      out.put(STORAGE, storage);
      if (!storageClass.isEmpty()) {
        out.put(storageClass + CLASS_SUFFIX + STORAGE, storage);
      }
    }
    return out;
  }

  /**
   * {@code getStorageUsage}: the request rounded up to whole bytes, or what was allocated when more
   * (RecoverVolumeExpansionFailure, on by default since 1.32); null without a request.
   */
  private static ParsedQuantity storage(JsonNode claim) {
    ParsedQuantity requested = ResourceLists.of(claim.path("spec").path("resources").path("requests")).get("storage");
    if (requested == null) {
      return null;
    }
    ParsedQuantity allocated = ResourceLists.of(claim.path("status").path("allocatedResources")).get("storage");
    ParsedQuantity used = allocated != null && allocated.compareTo(requested) > 0 ? allocated : requested;
    return new ParsedQuantity(used.value().setScale(0, RoundingMode.CEILING), used.format());
  }

  /** {@code GetPersistentVolumeClaimClass}: the beta annotation first, then {@code spec.storageClassName}. */
  private static String storageClass(JsonNode claim) {
    JsonNode annotation = claim.path("metadata").path("annotations").path("volume.beta.kubernetes.io/storage-class");
    if (annotation.isTextual()) {
      return annotation.asText();
    }
    return claim.path("spec").path("storageClassName").asText("");
  }
}
