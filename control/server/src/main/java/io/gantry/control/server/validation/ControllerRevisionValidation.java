package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * apps/v1 ControllerRevisions, as {@code ValidateControllerRevision} and
 * {@code ValidateControllerRevisionUpdate}: {@code data} is mandatory and never changes, {@code revision}
 * is not negative.
 */
final class ControllerRevisionValidation {
  private static final FieldPath DATA = FieldPath.root("data");

  private ControllerRevisionValidation() {}

  static void validate(JsonNode revision, List<FieldError> errs) {
    JsonNode data = Nodes.field(revision, "data");
    if (data.isMissingNode() || data.isNull()) {
      errs.add(FieldError.required(DATA, "data is mandatory"));
    }
    JsonNode number = Nodes.field(revision, "revision");
    if (number.isIntegralNumber() && number.asLong() < 0) {
      errs.add(FieldError.invalid(FieldPath.root("revision"), number.asLong(), "must be greater than or equal to 0"));
    }
  }

  static void validateUpdate(JsonNode revision, JsonNode old, List<FieldError> errs) {
    MetadataValidation.immutable(DATA, Nodes.field(revision, "data"), Nodes.field(old, "data"), errs);
  }
}
