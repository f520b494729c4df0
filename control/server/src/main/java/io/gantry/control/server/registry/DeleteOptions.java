package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a DELETE asked for.
 *
 * @param gracePeriodSeconds   the grace period, or null for the object's default
 * @param preconditionUid      the uid the object must still have, or null
 * @param preconditionVersion  the resourceVersion the object must still have, or null
 * @param propagationPolicy    Orphan, Background or Foreground, or null
 */
public record DeleteOptions(Long gracePeriodSeconds, String preconditionUid, String preconditionVersion,
    String propagationPolicy) {

  public static final DeleteOptions DEFAULT = new DeleteOptions(null, null, null, null);

  /**
   * The finalizer a deletion with {@code propagationPolicy: Orphan} puts on the object: the garbage
   * collector strips the object's uid from its dependents' owner references, then removes it.
   */
  public static final String ORPHAN_FINALIZER = "orphan";

  /**
   * The finalizer a deletion with {@code propagationPolicy: Foreground} puts on the object: the
   * garbage collector deletes its dependents and removes the finalizer once they are gone.
   */
  public static final String FOREGROUND_FINALIZER = "foregroundDeletion";

  /** These options with the object's resourceVersion as a precondition. */
  public DeleteOptions withPreconditionVersion(String resourceVersion) {
    return new DeleteOptions(gracePeriodSeconds, preconditionUid, resourceVersion, propagationPolicy);
  }

  /** Whether the deletion asks for the dependents to be kept (orphaned) rather than deleted. */
  public boolean orphan() {
    return "Orphan".equals(propagationPolicy);
  }

  /** From a {@code DeleteOptions} body (may be null) and the {@code gracePeriodSeconds} query value. */
  public static DeleteOptions from(JsonNode body, String graceQuery) {
    Long grace = null;
    String uid = null;
    String version = null;
    String propagation = null;
    if (body != null && body.isObject()) {
      if (body.hasNonNull("gracePeriodSeconds")) {
        grace = body.get("gracePeriodSeconds").asLong();
      }
      JsonNode preconditions = body.get("preconditions");
      if (preconditions != null) {
        uid = preconditions.hasNonNull("uid") ? preconditions.get("uid").asText() : null;
        version = preconditions.hasNonNull("resourceVersion") ? preconditions.get("resourceVersion").asText() : null;
      }
      propagation = body.hasNonNull("propagationPolicy") ? body.get("propagationPolicy").asText() : null;
      if (propagation == null && body.hasNonNull("orphanDependents")) {
        // the deprecated boolean that predates propagationPolicy
        propagation = body.get("orphanDependents").asBoolean() ? "Orphan" : "Background";
      }
    }
    if (graceQuery != null && !graceQuery.isEmpty()) {
      grace = Long.parseLong(graceQuery);
    }
    return new DeleteOptions(grace, uid, version, propagation);
  }
}
