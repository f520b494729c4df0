package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** A list of {@code metav1.Condition}s, as apimachinery's {@code ValidateConditions} checks it. */
final class ConditionValidation {

  private static final String REASON_FMT = "[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?";
  private static final Pattern REASON = Pattern.compile(REASON_FMT);
  private static final String REASON_MSG = "a condition reason must start with alphabetic character, optionally"
      + " followed by a string of alphanumeric characters or '_,:', and must end with an alphanumeric character or '_'";
  private static final int MAX_REASON_BYTES = 1024;
  private static final int MAX_MESSAGE_BYTES = 32 * 1024;

  private ConditionValidation() {}

  static void validate(JsonNode conditions, FieldPath path, List<FieldError> errs) {
    Set<String> types = new HashSet<>();
    int i = 0;
    for (JsonNode condition : conditions) {
      FieldPath at = path.index(i++);
      String type = Nodes.text(condition, "type", "");
      if (!types.add(type)) {
        errs.add(FieldError.duplicate(at.child("type"), type));
      }
      for (String msg : NameRules.qualifiedName(type)) {
        errs.add(FieldError.invalid(at.child("type"), type, msg));
      }
      String status = Nodes.text(condition, "status", "");
      if (!List.of("True", "False", "Unknown").contains(status)) {
        errs.add(FieldError.notSupported(at.child("status"), status, List.of("False", "True", "Unknown")));
      }
      long generation = Nodes.field(condition, "observedGeneration").asLong(0);
      if (generation < 0) {
        errs.add(FieldError.invalid(at.child("observedGeneration"), generation, "must be greater than or equal to zero"));
      }
      if (Nodes.text(condition, "lastTransitionTime", "").isEmpty()) {
        errs.add(FieldError.required(at.child("lastTransitionTime"), "must be set"));
      }
      String reason = Nodes.text(condition, "reason", "");
      if (reason.isEmpty()) {
        errs.add(FieldError.required(at.child("reason"), "must be set"));
      } else {
        if (!REASON.matcher(reason).matches()) {
          errs.add(FieldError.invalid(at.child("reason"), reason, NameRules.regexError(REASON_MSG, REASON_FMT,
              "my_name", "MY_NAME", "MyName", "ReasonA,ReasonB", "ReasonA:ReasonB")));
        }
        if (reason.length() > MAX_REASON_BYTES) {
          errs.add(FieldError.tooLong(at.child("reason"), MAX_REASON_BYTES));
        }
      }
      if (Nodes.text(condition, "message", "").length() > MAX_MESSAGE_BYTES) {
        errs.add(FieldError.tooLong(at.child("message"), MAX_MESSAGE_BYTES));
      }
    }
  }
}
