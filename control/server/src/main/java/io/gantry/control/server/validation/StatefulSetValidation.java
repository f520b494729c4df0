package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.selector.LabelSelector;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * apps/v1 StatefulSets, as upstream's {@code ValidateStatefulSetSpec} (pod management policy, update
 * strategy, claim retention policy, counts, selector, the pod template with its claim volumes),
 * {@code ValidateStatefulSetUpdate} (only some spec fields may change) and
 * {@code ValidateStatefulSetStatus} / {@code ValidateStatefulSetStatusUpdate} check them.
 */
final class StatefulSetValidation {

  private static final FieldPath SPEC = FieldPath.root("spec");
  private static final FieldPath STATUS = FieldPath.root("status");

  /** The spec fields an update may change; any other difference is forbidden. */
  private static final List<String> MUTABLE = List.of("replicas", "ordinals", "template", "updateStrategy",
      "revisionHistoryLimit", "persistentVolumeClaimRetentionPolicy", "minReadySeconds");
  private static final String FORBIDDEN_UPDATE = "updates to statefulset spec for fields other than 'replicas', "
      + "'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' "
      + "and 'minReadySeconds' are forbidden";
  private static final List<String> RETENTION = List.of("Retain", "Delete");

  private StatefulSetValidation() {}

  static void validate(JsonNode statefulSet, List<FieldError> errs) {
    JsonNode spec = Nodes.field(statefulSet, "spec");
    podManagementPolicy(spec, errs);
    updateStrategy(Nodes.field(spec, "updateStrategy"), SPEC.child("updateStrategy"), errs);
    JsonNode retention = Nodes.field(spec, "persistentVolumeClaimRetentionPolicy");
    if (!retention.isMissingNode() && !retention.isNull()) {
      for (String when : List.of("whenDeleted", "whenScaled")) {
        String policy = Nodes.text(retention, when, "");
        if (!RETENTION.contains(policy)) {
          errs.add(FieldError.notSupported(SPEC.child("persistentVolumeClaimRetentionPolicy", when), policy,
              RETENTION));
        }
      }
    }
    DeploymentValidation.nonNegative(spec, "replicas", errs);
    DeploymentValidation.nonNegative(spec, "minReadySeconds", errs);
    JsonNode start = Nodes.path(spec, "ordinals", "start");
    if (!start.isMissingNode() && start.asLong(0) < 0) {
      errs.add(FieldError.invalid(SPEC.child("ordinals", "start"), start.asLong(), "must be greater than or equal to 0"));
    }
    selectorAndTemplate(spec, errs);
    status(Nodes.field(statefulSet, "status"), errs);
  }

  /** The checks of an update beyond {@link #validate}: the immutable spec fields, a collision count kept. */
  static void validateUpdate(JsonNode statefulSet, JsonNode old, List<FieldError> errs) {
    if (!withoutMutable(Nodes.field(statefulSet, "spec")).equals(withoutMutable(Nodes.field(old, "spec")))) {
      errs.add(FieldError.forbidden(SPEC, FORBIDDEN_UPDATE));
    }
    JsonNode collisions = Nodes.path(statefulSet, "status", "collisionCount");
    JsonNode oldCollisions = Nodes.path(old, "status", "collisionCount");
    // IsDecremented: only a count that was set can go down, and unsetting it counts as going to 0
    if (!oldCollisions.isMissingNode() && !oldCollisions.isNull() && collisions.asLong(0) < oldCollisions.asLong()) {
      errs.add(FieldError.invalid(STATUS.child("collisionCount"), collisions.asLong(0), "cannot be decremented"));
    }
  }

  private static JsonNode withoutMutable(JsonNode spec) {
    if (!(spec instanceof ObjectNode object)) {
      return spec;
    }
    ObjectNode copy = object.deepCopy();
    copy.remove(MUTABLE);
    return copy;
  }

  private static void podManagementPolicy(JsonNode spec, List<FieldError> errs) {
    String policy = Nodes.text(spec, "podManagementPolicy", "");
    switch (policy) {
      case "" -> errs.add(FieldError.required(SPEC.child("podManagementPolicy"), ""));
      case "OrderedReady", "Parallel" -> { }
      default -> errs.add(FieldError.invalid(SPEC.child("podManagementPolicy"), policy,
          "must be 'OrderedReady' or 'Parallel'"));
    }
  }

  private static void updateStrategy(JsonNode strategy, FieldPath path, List<FieldError> errs) {
    String type = Nodes.text(strategy, "type", "");
    JsonNode rolling = Nodes.field(strategy, "rollingUpdate");
    boolean hasRolling = !rolling.isMissingNode() && !rolling.isNull();
    switch (type) {
      case "" -> errs.add(FieldError.required(path, ""));
      case "OnDelete" -> {
        if (hasRolling) {
          errs.add(FieldError.invalid(path.child("rollingUpdate"), rollingLiteral(rolling),
              "only allowed for updateStrategy 'RollingUpdate'"));
        }
      }
      case "RollingUpdate" -> {
        JsonNode partition = Nodes.field(rolling, "partition");
        if (hasRolling && partition.asLong(0) < 0) {
          errs.add(FieldError.invalid(path.child("rollingUpdate", "partition"), partition.asLong(),
              "must be greater than or equal to 0"));
        }
      }
      default -> errs.add(FieldError.invalid(path, new GoLiteral("apps.StatefulSetUpdateStrategy{Type:"
          + GoFormat.quote(type) + ", RollingUpdate:" + (hasRolling ? "&" + rollingLiteral(rolling)
              : "(*apps.RollingUpdateStatefulSetStrategy)(nil)") + "}"), "must be 'RollingUpdate' or 'OnDelete'"));
    }
  }

  /** The rolling update as Go's {@code %#v} prints the struct (a pointer's contents rather than its address). */
  private static GoLiteral rollingLiteral(JsonNode rolling) {
    return new GoLiteral("apps.RollingUpdateStatefulSetStrategy{Partition:" + Nodes.field(rolling, "partition").asLong(0)
        + ", MaxUnavailable:" + (Nodes.present(rolling, "maxUnavailable")
            ? GoFormat.intOrString(Nodes.field(rolling, "maxUnavailable")) : "(*intstr.IntOrString)(nil)") + "}");
  }

  private static void selectorAndTemplate(JsonNode spec, List<FieldError> errs) {
    JsonNode selector = Nodes.field(spec, "selector");
    FieldPath selectorPath = SPEC.child("selector");
    LabelSelector parsed = SelectorValidation.required(selector, selectorPath, "statefulset", "", errs);
    JsonNode template = Nodes.field(spec, "template");
    FieldPath templatePath = SPEC.child("template");
    if (parsed != null && !parsed.isEmpty()) {
      JsonNode labels = Nodes.path(template, "metadata", "labels");
      if (!parsed.matches(labels)) {
        errs.add(FieldError.invalid(templatePath.child("metadata", "labels"),
            labels.isObject() ? Nodes.stringMap(labels) : new GoLiteral("map[string]string(nil)"),
            "`selector` does not match template `labels`"));
      }
    }
    // the pods get a volume per claim template, so the template's mounts may name them (upstream's
    // volumesToAddForTemplates)
    PodSpecValidation.validateTemplate(withClaimVolumes(template, Nodes.list(spec, "volumeClaimTemplates")),
        templatePath, errs);
    JsonNode podSpec = Nodes.field(template, "spec");
    String restartPolicy = Nodes.text(podSpec, "restartPolicy", "Always");
    if (!restartPolicy.equals("Always")) {
      errs.add(FieldError.notSupported(templatePath.child("spec", "restartPolicy"), restartPolicy, List.of("Always")));
    }
    if (Nodes.present(podSpec, "activeDeadlineSeconds")) {
      errs.add(FieldError.forbidden(templatePath.child("spec", "activeDeadlineSeconds"),
          "activeDeadlineSeconds in StatefulSet is not Supported"));
    }
  }

  private static JsonNode withClaimVolumes(JsonNode template, List<JsonNode> claims) {
    if (claims.isEmpty() || !(template instanceof ObjectNode object)) {
      return template;
    }
    ObjectNode copy = object.deepCopy();
    ObjectNode spec = copy.get("spec") instanceof ObjectNode s ? s : copy.putObject("spec");
    ArrayNode volumes = spec.get("volumes") instanceof ArrayNode v ? v : spec.putArray("volumes");
    Set<String> names = new HashSet<>();
    volumes.forEach(v -> names.add(v.path("name").asText("")));
    for (JsonNode claim : claims) {
      String name = Nodes.path(claim, "metadata", "name").asText("");
      if (names.add(name)) {
        volumes.addObject().put("name", name).putObject("persistentVolumeClaim").put("claimName", name);
      }
    }
    return copy;
  }

  /** ValidateStatefulSetStatus: counts not negative, none above {@code replicas}, available not above ready. */
  private static void status(JsonNode status, List<FieldError> errs) {
    if (status.isMissingNode() || status.isNull()) {
      return;
    }
    for (String count : List.of("replicas", "readyReplicas", "currentReplicas", "updatedReplicas",
        "availableReplicas", "observedGeneration", "collisionCount")) {
      JsonNode v = Nodes.field(status, count);
      if (!v.isMissingNode() && v.asLong(0) < 0) {
        errs.add(FieldError.invalid(STATUS.child(count), v.asLong(), "must be greater than or equal to 0"));
      }
    }
    long replicas = Nodes.field(status, "replicas").asLong(0);
    for (String count : List.of("readyReplicas", "currentReplicas", "updatedReplicas", "availableReplicas")) {
      long v = Nodes.field(status, count).asLong(0);
      if (v > replicas) {
        errs.add(FieldError.invalid(STATUS.child(count), v, "cannot be greater than status.replicas"));
      }
    }
    long available = Nodes.field(status, "availableReplicas").asLong(0);
    if (available > Nodes.field(status, "readyReplicas").asLong(0)) {
      errs.add(FieldError.invalid(STATUS.child("availableReplicas"), available,
          "cannot be greater than status.readyReplicas"));
    }
  }
}
