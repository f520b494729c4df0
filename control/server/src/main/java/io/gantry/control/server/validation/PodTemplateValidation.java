package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * v1 PodTemplates, as {@code ValidatePodTemplate} and {@code ValidatePodTemplateUpdate}: the
 * {@code template} is a pod template spec as a workload's, except that its pods may have any valid
 * {@code restartPolicy} (a workload's must restart {@code Always}). An update is checked the same way
 * (the template may change), after the metadata rules every kind has.
 */
final class PodTemplateValidation {

  private static final FieldPath TEMPLATE = FieldPath.root("template");

  private PodTemplateValidation() {}

  static void validate(JsonNode podTemplate, List<FieldError> errs) {
    PodSpecValidation.validateTemplate(Nodes.field(podTemplate, "template"), TEMPLATE, errs);
  }
}
