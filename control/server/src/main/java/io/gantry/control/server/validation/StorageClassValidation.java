package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * storage.k8s.io/v1 StorageClasses, as {@code ValidateStorageClass} and {@code ValidateStorageClassUpdate}:
 * the provisioner is a qualified name, the parameters at most 512 entries and 256 kB with no empty key,
 * the reclaim policy Delete or Retain, the binding mode Immediate or WaitForFirstConsumer, the allowed
 * topologies distinct terms of distinct keys; provisioner, parameters, reclaim policy and binding mode
 * never change.
 */
final class StorageClassValidation {
  private static final FieldPath PROVISIONER = FieldPath.root("provisioner");
  private static final FieldPath PARAMETERS = FieldPath.root("parameters");
  private static final FieldPath RECLAIM_POLICY = FieldPath.root("reclaimPolicy");
  private static final FieldPath BINDING_MODE = FieldPath.root("volumeBindingMode");
  private static final FieldPath TOPOLOGIES = FieldPath.root("allowedTopologies");
  private static final int MAX_PARAMETERS = 512;
  private static final int MAX_PARAMETERS_SIZE = 256 * (1 << 10);
  private static final List<String> RECLAIM_POLICIES = List.of("Delete", "Retain");
  private static final List<String> BINDING_MODES = List.of("Immediate", "WaitForFirstConsumer");

  private StorageClassValidation() {}

  static void validate(JsonNode storageClass, List<FieldError> errs) {
    String provisioner = Nodes.text(storageClass, "provisioner", "");
    if (provisioner.isEmpty()) {
      errs.add(FieldError.required(PROVISIONER, ""));
    } else {
      // upstream checks (and reports) the lower-cased name, so "Example.com/Foo" passes
      String lower = provisioner.toLowerCase(Locale.ROOT);
      NameRules.qualifiedName(lower).forEach(msg -> errs.add(FieldError.invalid(PROVISIONER, lower, msg)));
    }
    parameters(Nodes.field(storageClass, "parameters"), errs);
    // always defaulted before validation; "" is let through, as upstream's len check does
    String reclaimPolicy = Nodes.text(storageClass, "reclaimPolicy", "");
    if (!reclaimPolicy.isEmpty() && !RECLAIM_POLICIES.contains(reclaimPolicy)) {
      errs.add(FieldError.notSupported(RECLAIM_POLICY, reclaimPolicy, RECLAIM_POLICIES));
    }
    JsonNode mode = Nodes.field(storageClass, "volumeBindingMode");
    if (!mode.isTextual()) {
      errs.add(FieldError.required(BINDING_MODE, ""));
    } else if (!BINDING_MODES.contains(mode.asText())) {
      errs.add(FieldError.notSupported(BINDING_MODE, mode.asText(), BINDING_MODES));
    }
    topologies(Nodes.list(storageClass, "allowedTopologies"), errs);
  }

  static void validateUpdate(JsonNode storageClass, JsonNode old, List<FieldError> errs) {
    if (!Nodes.stringMap(Nodes.field(storageClass, "parameters")).equals(Nodes.stringMap(Nodes.field(old, "parameters")))) {
      errs.add(FieldError.forbidden(PARAMETERS, "updates to parameters are forbidden."));
    }
    if (!Nodes.text(storageClass, "provisioner", "").equals(Nodes.text(old, "provisioner", ""))) {
      errs.add(FieldError.forbidden(PROVISIONER, "updates to provisioner are forbidden."));
    }
    if (!Nodes.text(storageClass, "reclaimPolicy", "").equals(Nodes.text(old, "reclaimPolicy", ""))) {
      errs.add(FieldError.forbidden(RECLAIM_POLICY, "updates to reclaimPolicy are forbidden."));
    }
    MetadataValidation.immutable(BINDING_MODE, Nodes.text(storageClass, "volumeBindingMode", ""),
        Nodes.text(old, "volumeBindingMode", ""), errs);
  }

  private static void parameters(JsonNode parameters, List<FieldError> errs) {
    if (!parameters.isObject()) {
      return;
    }
    if (parameters.size() > MAX_PARAMETERS) {
      errs.add(FieldError.tooLong(PARAMETERS, MAX_PARAMETERS));
      return;
    }
    long size = 0;
    for (Map.Entry<String, JsonNode> e : parameters.properties()) {
      if (e.getKey().isEmpty()) {
        errs.add(FieldError.invalid(PARAMETERS, "", "field can not be empty."));
      }
      size += e.getKey().getBytes(StandardCharsets.UTF_8).length
          + e.getValue().asText("").getBytes(StandardCharsets.UTF_8).length;
    }
    if (size > MAX_PARAMETERS_SIZE) {
      errs.add(FieldError.tooLong(PARAMETERS, MAX_PARAMETERS_SIZE));
    }
  }

  /**
   * validateAllowedTopologies: each term valid, and none equal to an earlier one. Upstream's list of earlier
   * terms starts with one nil map per term, which equals an empty term, so a term without expressions is
   * reported once per term (and again per earlier empty term): reproduced, as clients see it.
   */
  private static void topologies(List<JsonNode> terms, List<FieldError> errs) {
    List<Map<String, Set<String>>> seen = new ArrayList<>();
    for (int i = 0; i < terms.size(); i++) {
      seen.add(Map.of());
    }
    for (int i = 0; i < terms.size(); i++) {
      FieldPath path = TOPOLOGIES.index(i);
      Map<String, Set<String>> expressions = term(terms.get(i), path, errs);
      for (Map<String, Set<String>> earlier : seen) {
        if (Objects.equals(earlier, expressions)) {
          errs.add(FieldError.duplicate(path.child("matchLabelExpressions"), ""));
        }
      }
      seen.add(expressions);
    }
  }

  /** ValidateTopologySelectorTerm: each requirement has distinct values and a label key, no key twice. */
  private static Map<String, Set<String>> term(JsonNode term, FieldPath path, List<FieldError> errs) {
    Map<String, Set<String>> expressions = new HashMap<>();
    List<JsonNode> requirements = Nodes.list(term, "matchLabelExpressions");
    for (int i = 0; i < requirements.size(); i++) {
      FieldPath at = path.child("matchLabelExpressions").index(i);
      JsonNode requirement = requirements.get(i);
      List<String> values = Nodes.strings(Nodes.field(requirement, "values"));
      if (values.isEmpty()) {
        errs.add(FieldError.required(at.child("values"), ""));
      }
      Set<String> valueSet = new LinkedHashSet<>();
      for (int v = 0; v < values.size(); v++) {
        if (!valueSet.add(values.get(v))) {
          errs.add(FieldError.duplicate(at.child("values").index(v), values.get(v)));
        }
      }
      String key = Nodes.text(requirement, "key", "");
      NameRules.qualifiedName(key).forEach(msg -> errs.add(FieldError.invalid(at.child("key"), key, msg)));
      if (expressions.containsKey(key)) {
        errs.add(FieldError.duplicate(at.child("key"), key));
      }
      expressions.put(key, valueSet);
    }
    return expressions;
  }
}
