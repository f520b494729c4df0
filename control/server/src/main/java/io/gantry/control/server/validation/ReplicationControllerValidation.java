package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.control.server.selector.LabelSelector;
import java.util.List;

/**
 * ReplicationController specs, as upstream's {@code ValidateReplicationControllerSpec}: minReadySeconds,
 * a non-empty selector (a plain label map), replicas, and {@code ValidatePodTemplateSpecForRC}. The
 * selector may change, unlike an apps/v1 one.
 */
final class ReplicationControllerValidation {

  private static final FieldPath SPEC = FieldPath.root("spec");

  private ReplicationControllerValidation() {}

  static void validate(JsonNode rc, List<FieldError> errs) {
    JsonNode spec = Nodes.field(rc, "spec");
    DeploymentValidation.nonNegative(spec, "minReadySeconds", errs);
    LabelSelector selector = LabelSelector.fromSet(Nodes.field(spec, "selector"));
    if (selector.isEmpty()) {
      errs.add(FieldError.required(SPEC.child("selector"), ""));
    }
    DeploymentValidation.nonNegative(spec, "replicas", errs);
    JsonNode template = Nodes.field(spec, "template");
    FieldPath templatePath = SPEC.child("template");
    if (template.isMissingNode()) {
      errs.add(FieldError.required(templatePath, ""));
      return;
    }
    DeploymentValidation.replicaTemplate(template, selector, templatePath, errs);
    if (Nodes.present(Nodes.field(template, "spec"), "activeDeadlineSeconds")) {
      errs.add(FieldError.forbidden(templatePath.child("spec", "activeDeadlineSeconds"),
          "activeDeadlineSeconds in ReplicationController is not Supported"));
    }
  }
}
