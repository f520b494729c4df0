package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A Job's {@code spec.successPolicy}, as upstream's validateSuccessPolicy checks it: Indexed Jobs only,
 * 1 to 20 rules, each naming a count or indexes (an ordered list of intervals below {@code completions})
 * that the Job can reach.
 */
final class JobSuccessPolicyValidation {

  private static final int MAX_RULES = 20;
  private static final int MAX_INDEXES_LENGTH = 64 * 1024;

  private JobSuccessPolicyValidation() {}

  static void validate(JsonNode spec, FieldPath path, List<FieldError> errs) {
    JsonNode policy = Nodes.field(spec, "successPolicy");
    if (policy.isMissingNode()) {
      return;
    }
    String mode = Nodes.text(spec, "completionMode", "NonIndexed");
    if (!mode.equals("Indexed")) {
      errs.add(FieldError.invalid(path, mode, "requires indexed completion mode"));
    }
    FieldPath rulesPath = path.child("rules");
    List<JsonNode> rules = Nodes.list(policy, "rules");
    if (rules.isEmpty()) {
      errs.add(FieldError.required(rulesPath, "at least one rules must be specified when the successPolicy is specified"));
    }
    if (rules.size() > MAX_RULES) {
      errs.add(FieldError.tooMany(rulesPath, rules.size(), MAX_RULES));
    }
    long completions = Nodes.field(spec, "completions").asLong(0);
    for (int i = 0; i < rules.size(); i++) {
      rule(rules.get(i), completions, rulesPath.index(i), errs);
    }
  }

  private static void rule(JsonNode rule, long completions, FieldPath path, List<FieldError> errs) {
    JsonNode indexes = Nodes.field(rule, "succeededIndexes");
    JsonNode count = Nodes.field(rule, "succeededCount");
    long total = 0;
    if (!indexes.isMissingNode()) {
      String text = indexes.asText();
      if (text.length() > MAX_INDEXES_LENGTH) {
        errs.add(FieldError.tooLong(path.child("succeededIndexes"), MAX_INDEXES_LENGTH));
      }
      try {
        total = indexCount(text, completions);
      } catch (IllegalArgumentException e) {
        errs.add(FieldError.invalid(path.child("succeededIndexes"), text, "error parsing succeededIndexes: "
            + e.getMessage()));
      }
    }
    if (!count.isMissingNode()) {
      long value = count.asLong();
      if (value < 0) {
        errs.add(FieldError.invalid(path.child("succeededCount"), value, "must be greater than or equal to 0"));
      }
      if (value > completions) {
        errs.add(FieldError.invalid(path.child("succeededCount"), value, "must be less than or equal to "
            + completions + " (the number of specified completions)"));
      }
      if (!indexes.isMissingNode() && value > total) {
        errs.add(FieldError.invalid(path.child("succeededCount"), value, "must be less than or equal to " + total
            + " (the number of indexes in the specified succeededIndexes field)"));
      }
    }
    if (indexes.isMissingNode() && count.isMissingNode()) {
      errs.add(FieldError.required(path, "at least one of succeededCount or succeededIndexes must be specified"));
    }
  }

  /** validateIndexesFormat: how many indexes {@code "1,3-5"} names, each below {@code completions}. */
  static long indexCount(String text, long completions) {
    if (text.isEmpty()) {
      return 0;
    }
    Long last = null;
    long total = 0;
    for (String interval : text.split(",", -1)) {
      String[] limits = interval.split("-", -1);
      if (limits.length > 2) {
        throw new IllegalArgumentException("the fragment \"" + interval + "\" violates the requirement that an index"
            + " interval can have at most two parts separated by '-'");
      }
      long first = index(limits[0], completions);
      if (last != null && last >= first) {
        throw new IllegalArgumentException("non-increasing order, previous: " + last + ", current: " + first);
      }
      total++;
      last = first;
      if (limits.length == 2) {
        long end = index(limits[1], completions);
        if (first >= end) {
          throw new IllegalArgumentException("non-increasing order, previous: " + first + ", current: " + end);
        }
        total += end - first;
        last = end;
      }
    }
    return total;
  }

  private static long index(String text, long completions) {
    long value;
    try {
      value = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("cannot convert string to integer for index: \"" + text + "\"");
    }
    if (value >= completions) {
      throw new IllegalArgumentException("too large index: \"" + text + "\"");
    }
    return value;
  }
}
