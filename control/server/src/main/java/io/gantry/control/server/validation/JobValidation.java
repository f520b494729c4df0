package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.selector.LabelSelector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * batch/v1 Jobs, as {@code ValidateJob} (the generated selector and its labels, the spec's counts,
 * completion mode, replacement policy, the pod template with restartPolicy OnFailure or Never) and
 * {@code ValidateJobSpecUpdate} (selector, template, completions, completion mode and the per-index
 * and policy fields are immutable) check them, with the status counts of {@code validateJobStatus}.
 */
final class JobValidation {

  private static final FieldPath SPEC = FieldPath.root("spec");
  private static final FieldPath STATUS = FieldPath.root("status");
  private static final FieldPath TEMPLATE_METADATA = SPEC.child("template", "metadata");
  private static final String CONTROLLER_UID = "batch.kubernetes.io/controller-uid";
  private static final String JOB_NAME = "batch.kubernetes.io/job-name";
  private static final String LEGACY_CONTROLLER_UID = "controller-uid";
  private static final String LEGACY_JOB_NAME = "job-name";
  private static final int MAX_PARALLELISM_INDEXED = 100_000;
  private static final List<String> COMPLETION_MODES = List.of("NonIndexed", "Indexed");
  private static final List<String> REPLACEMENT_POLICIES = List.of("Failed", "TerminatingOrFailed");

  private JobValidation() {}

  static void validate(JsonNode job, List<FieldError> errs) {
    JsonNode spec = Nodes.field(job, "spec");
    generatedSelector(job, errs);
    specFields(spec, SPEC, errs);
    selectorMatchesTemplate(spec, errs);
    String mode = Nodes.text(spec, "completionMode", "NonIndexed");
    JsonNode completions = Nodes.field(spec, "completions");
    if (mode.equals("Indexed") && completions.asLong(0) > 0) {
      // an Indexed pod's hostname is <job>-<index>
      String hostname = Nodes.text(Nodes.field(job, "metadata"), "name", "") + "-" + (completions.asLong() - 1);
      if (!NameRules.dns1123Label(hostname).isEmpty()) {
        errs.add(FieldError.invalid(FieldPath.root("metadata", "name"), Nodes.text(Nodes.field(job, "metadata"),
            "name", ""), "will not able to create pod with invalid DNS label: " + hostname));
      }
    }
    status(Nodes.field(job, "status"), errs);
  }

  /** The update checks beyond {@link #validate}: what may not change once the Job exists. */
  static void validateUpdate(JsonNode job, JsonNode old, List<FieldError> errs) {
    JsonNode oldLabels = Nodes.path(old, "spec", "template", "metadata", "labels");
    if (!Nodes.present(oldLabels, JOB_NAME) || !Nodes.present(oldLabels, CONTROLLER_UID)) {
      // a Job stored before the prefixed labels existed keeps validating without them
      errs.removeIf(e -> e.field().equals(labelPath(CONTROLLER_UID)) || e.field().equals(labelPath(JOB_NAME)));
    }
    JsonNode spec = Nodes.field(job, "spec");
    JsonNode oldSpec = Nodes.field(old, "spec");
    completions(spec, oldSpec, errs);
    JsonNode selector = Nodes.field(spec, "selector");
    if (!selector.equals(Nodes.field(oldSpec, "selector"))) {
      errs.add(FieldError.invalid(SPEC.child("selector"), GoFormat.labelSelector(selector), "field is immutable"));
    }
    boolean neverStarted = Nodes.field(spec, "suspend").asBoolean(false)
        && Nodes.path(old, "status", "startTime").isMissingNode() && Nodes.field(oldSpec, "suspend").asBoolean(false);
    JsonNode template = Nodes.field(spec, "template");
    JsonNode oldTemplate = neverStarted ? withSchedulingDirectivesOf(Nodes.field(oldSpec, "template"), template)
        : Nodes.field(oldSpec, "template");
    if (!template.equals(oldTemplate)) {
      errs.add(FieldError.invalid(SPEC.child("template"), new GoLiteral(template.toString()), "field is immutable"));
    }
    for (String field : List.of("completionMode", "podFailurePolicy", "backoffLimitPerIndex", "managedBy",
        "successPolicy")) {
      JsonNode now = Nodes.field(spec, field);
      if (!now.equals(Nodes.field(oldSpec, field))) {
        errs.add(FieldError.invalid(SPEC.child(field), now.isMissingNode() ? null : now, "field is immutable"));
      }
    }
  }

  /** Completions change only for an Indexed Job, and then together with parallelism (elastic Indexed Jobs). */
  private static void completions(JsonNode spec, JsonNode oldSpec, List<FieldError> errs) {
    JsonNode now = Nodes.field(spec, "completions");
    if (now.equals(Nodes.field(oldSpec, "completions"))) {
      return;
    }
    if (!Nodes.text(spec, "completionMode", "NonIndexed").equals("Indexed")) {
      errs.add(FieldError.invalid(SPEC.child("completions"), now.isMissingNode() ? null : now.asLong(),
          "field is immutable"));
    } else if (!now.isMissingNode() && now.asLong() != Nodes.field(spec, "parallelism").asLong(1)) {
      errs.add(FieldError.invalid(SPEC.child("completions"), now.asLong(),
          "can only be modified in tandem with spec.parallelism"));
    }
  }

  /**
   * The old template with the fields a suspended Job that never started may change taken from the new
   * one: node affinity, node selector, tolerations, scheduling gates, labels and annotations.
   */
  private static JsonNode withSchedulingDirectivesOf(JsonNode oldTemplate, JsonNode template) {
    if (!(oldTemplate instanceof ObjectNode old) || !(template instanceof ObjectNode next)) {
      return oldTemplate;
    }
    ObjectNode merged = old.deepCopy();
    ObjectNode metadata = merged.withObjectProperty("metadata");
    ObjectNode spec = merged.withObjectProperty("spec");
    for (String field : List.of("labels", "annotations")) {
      copyField(Nodes.field(next, "metadata"), metadata, field);
    }
    for (String field : List.of("nodeSelector", "tolerations", "schedulingGates")) {
      copyField(Nodes.field(next, "spec"), spec, field);
    }
    JsonNode affinity = Nodes.path(next, "spec", "affinity");
    ObjectNode oldAffinity = spec.get("affinity") instanceof ObjectNode a ? a : null;
    if (oldAffinity != null) {
      copyField(affinity, oldAffinity, "nodeAffinity");
      if (oldAffinity.isEmpty() && affinity.isMissingNode()) {
        spec.remove("affinity");
      }
    } else if (!affinity.isMissingNode() && Nodes.present(affinity, "nodeAffinity") && affinity.size() == 1) {
      spec.set("affinity", affinity.deepCopy());
    }
    if (metadata.isEmpty()) {
      merged.remove("metadata");
    }
    return merged;
  }

  private static void copyField(JsonNode from, ObjectNode to, String field) {
    JsonNode value = Nodes.field(from, field);
    if (value.isMissingNode()) {
      to.remove(field);
    } else {
      to.set(field, value.deepCopy());
    }
  }

  /** validateGeneratedSelector: the template carries the Job's name and uid, and the selector matches them. */
  private static void generatedSelector(JsonNode job, List<FieldError> errs) {
    JsonNode spec = Nodes.field(job, "spec");
    if (Nodes.field(spec, "manualSelector").asBoolean(false) || !Nodes.present(spec, "selector")) {
      return;
    }
    JsonNode metadata = Nodes.field(job, "metadata");
    String uid = Nodes.text(metadata, "uid", "");
    String name = Nodes.text(metadata, "name", "");
    if (uid.isEmpty()) {
      errs.add(FieldError.required(FieldPath.root("metadata", "uid"), ""));
    }
    JsonNode labels = Nodes.path(spec, "template", "metadata", "labels");
    hasLabel(labels, LEGACY_CONTROLLER_UID, uid, errs);
    hasLabel(labels, LEGACY_JOB_NAME, name, errs);
    hasLabel(labels, CONTROLLER_UID, uid, errs);
    hasLabel(labels, JOB_NAME, name, errs);
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put(CONTROLLER_UID, uid);
    expected.put(JOB_NAME, name);
    expected.put(LEGACY_CONTROLLER_UID, uid);
    expected.put(LEGACY_JOB_NAME, name);
    JsonNode selector = Nodes.field(spec, "selector");
    try {
      if (!LabelSelector.fromJson(selector).matches(expected)) {
        errs.add(FieldError.invalid(SPEC.child("selector"), GoFormat.labelSelector(selector),
            "`selector` not auto-generated"));
      }
    } catch (IllegalArgumentException e) {
      // an invalid selector is reported by the selector validation
    }
  }

  /** ValidateHasLabel. */
  private static void hasLabel(JsonNode labels, String key, String expected, List<FieldError> errs) {
    JsonNode value = Nodes.field(labels, key);
    if (value.isMissingNode()) {
      errs.add(new FieldError(labelPath(key), FieldError.Type.REQUIRED, "", "must be '" + expected + "'"));
    } else if (!value.asText().equals(expected)) {
      errs.add(new FieldError(labelPath(key), FieldError.Type.INVALID, Nodes.stringMap(labels),
          "must be '" + expected + "'"));
    }
  }

  private static String labelPath(String key) {
    return TEMPLATE_METADATA.child("labels").key(key).toString();
  }

  /** validateJobSpec, of a Job's spec or a CronJob's job template spec at {@code path}. */
  static void specFields(JsonNode spec, FieldPath path, List<FieldError> errs) {
    for (String field : List.of("parallelism", "completions", "activeDeadlineSeconds", "backoffLimit",
        "ttlSecondsAfterFinished", "backoffLimitPerIndex", "maxFailedIndexes")) {
      nonNegative(spec, field, path, errs);
    }
    if (Nodes.present(spec, "maxFailedIndexes") && !Nodes.present(spec, "backoffLimitPerIndex")) {
      errs.add(FieldError.required(path.child("backoffLimitPerIndex"), "when maxFailedIndexes is specified"));
    }
    JsonNode mode = Nodes.field(spec, "completionMode");
    boolean indexed = mode.asText("").equals("Indexed");
    if (!mode.isMissingNode()) {
      if (!COMPLETION_MODES.contains(mode.asText())) {
        errs.add(FieldError.notSupported(path.child("completionMode"), mode.asText(), COMPLETION_MODES));
      }
      if (indexed) {
        if (!Nodes.present(spec, "completions")) {
          errs.add(FieldError.required(path.child("completions"), "when completion mode is Indexed"));
        }
        long parallelism = Nodes.field(spec, "parallelism").asLong(0);
        if (parallelism > MAX_PARALLELISM_INDEXED) {
          errs.add(FieldError.invalid(path.child("parallelism"), parallelism,
              "must be less than or equal to " + MAX_PARALLELISM_INDEXED + " when completion mode is Indexed"));
        }
      }
    }
    if (!indexed) {
      for (String field : List.of("backoffLimitPerIndex", "maxFailedIndexes")) {
        JsonNode value = Nodes.field(spec, field);
        if (!value.isMissingNode()) {
          errs.add(FieldError.invalid(path.child(field), value.asLong(), "requires indexed completion mode"));
        }
      }
    }
    JsonNode replacement = Nodes.field(spec, "podReplacementPolicy");
    if (!replacement.isMissingNode()) {
      if (Nodes.present(spec, "podFailurePolicy")) {
        if (!replacement.asText().equals("Failed")) {
          errs.add(FieldError.notSupported(path.child("podReplacementPolicy"), replacement.asText(), List.of("Failed")));
        }
      } else if (!REPLACEMENT_POLICIES.contains(replacement.asText())) {
        errs.add(FieldError.notSupported(path.child("podReplacementPolicy"), replacement.asText(),
            REPLACEMENT_POLICIES));
      }
    }
    JobSuccessPolicyValidation.validate(spec, path.child("successPolicy"), errs);
    JsonNode template = Nodes.field(spec, "template");
    FieldPath templatePath = path.child("template");
    PodSpecValidation.validateTemplate(template, templatePath, errs);
    // the pod defaults make an absent restartPolicy Always, so both read as not chosen
    String restartPolicy = Nodes.text(Nodes.field(template, "spec"), "restartPolicy", "");
    FieldPath restartPath = templatePath.child("spec", "restartPolicy");
    if (restartPolicy.isEmpty() || restartPolicy.equals("Always")) {
      errs.add(FieldError.required(restartPath, "valid values: \"OnFailure\", \"Never\""));
    } else if (!restartPolicy.equals("OnFailure") && !restartPolicy.equals("Never")) {
      errs.add(FieldError.notSupported(restartPath, restartPolicy, List.of("OnFailure", "Never")));
    } else if (Nodes.present(spec, "podFailurePolicy") && !restartPolicy.equals("Never")) {
      errs.add(FieldError.invalid(restartPath, restartPolicy, "only \"Never\" is supported when podFailurePolicy is"
          + " specified"));
    }
  }

  /** ValidateJobSpec: the selector is required and valid, and matches the template's labels. */
  private static void selectorMatchesTemplate(JsonNode spec, List<FieldError> errs) {
    JsonNode selector = Nodes.field(spec, "selector");
    FieldPath selectorPath = SPEC.child("selector");
    if (selector.isMissingNode()) {
      errs.add(FieldError.required(selectorPath, ""));
      return;
    }
    int before = errs.size();
    SelectorValidation.validate(selector, selectorPath, errs);
    if (errs.size() != before) {
      return;
    }
    JsonNode labels = Nodes.path(spec, "template", "metadata", "labels");
    try {
      if (!LabelSelector.fromJson(selector).matches(labels)) {
        errs.add(FieldError.invalid(TEMPLATE_METADATA.child("labels"),
            labels.isObject() ? Nodes.stringMap(labels) : new GoLiteral("map[string]string(nil)"),
            "`selector` does not match template `labels`"));
      }
    } catch (IllegalArgumentException e) {
      errs.add(FieldError.invalid(selectorPath, GoFormat.labelSelector(selector), "invalid label selector"));
    }
  }

  private static void status(JsonNode status, List<FieldError> errs) {
    for (String field : List.of("active", "succeeded", "failed", "ready", "terminating")) {
      nonNegative(status, field, STATUS, errs);
    }
  }

  static void nonNegative(JsonNode parent, String field, FieldPath path, List<FieldError> errs) {
    JsonNode v = Nodes.field(parent, field);
    if (!v.isMissingNode() && (!v.isIntegralNumber() || v.asLong() < 0)) {
      errs.add(FieldError.invalid(path.child(field), Nodes.badValue(v),
          v.isIntegralNumber() ? "must be greater than or equal to 0" : "must be an integer"));
    }
  }
}
