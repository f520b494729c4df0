package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * v1 ResourceQuotas, as {@code ValidateResourceQuota} and {@code ValidateResourceQuotaUpdate}: resource
 * names a quota can track, non-negative quantities (whole numbers for object counts), supported scopes
 * that apply to every standard hard resource and do not conflict, well-formed scope selectors, and scopes
 * that never change.
 */
final class ResourceQuotaValidation {

  private static final FieldPath SPEC = FieldPath.root("spec");
  private static final Set<String> STANDARD = Set.of("cpu", "memory", "ephemeral-storage", "requests.cpu",
      "requests.memory", "requests.storage", "requests.ephemeral-storage", "limits.cpu", "limits.memory",
      "limits.ephemeral-storage", "pods", "resourcequotas", "services", "replicationcontrollers", "secrets",
      "persistentvolumeclaims", "configmaps", "services.nodeports", "services.loadbalancers");
  private static final Set<String> INTEGER = Set.of("pods", "resourcequotas", "services", "replicationcontrollers",
      "secrets", "configmaps", "persistentvolumeclaims", "services.nodeports", "services.loadbalancers");
  private static final Set<String> SCOPES = Set.of("Terminating", "NotTerminating", "BestEffort", "NotBestEffort",
      "PriorityClass", "CrossNamespacePodAffinity");
  private static final Set<String> EXISTS_ONLY = Set.of("Terminating", "NotTerminating", "BestEffort",
      "NotBestEffort", "CrossNamespacePodAffinity");
  private static final Set<String> POD_COMPUTE = Set.of("cpu", "memory", "limits.cpu", "limits.memory",
      "requests.cpu", "requests.memory");
  private static final List<Set<String>> CONFLICTS = List.of(Set.of("BestEffort", "NotBestEffort"),
      Set.of("Terminating", "NotTerminating"));

  private ResourceQuotaValidation() {}

  static void validate(JsonNode quota, List<FieldError> errs) {
    JsonNode spec = Nodes.field(quota, "spec");
    resourceList(Nodes.field(spec, "hard"), SPEC.child("hard"), errs);
    scopes(spec, errs);
    if (Nodes.field(spec, "scopeSelector").isObject()) {
      scopeSelector(spec, errs);
    }
    FieldPath status = FieldPath.root("status");
    resourceList(Nodes.path(quota, "status", "hard"), status.child("hard"), errs);
    resourceList(Nodes.path(quota, "status", "used"), status.child("used"), errs);
  }

  static void validateUpdate(JsonNode quota, JsonNode old, List<FieldError> errs) {
    Set<String> now = new LinkedHashSet<>(Nodes.strings(Nodes.path(quota, "spec", "scopes")));
    Set<String> before = new LinkedHashSet<>(Nodes.strings(Nodes.path(old, "spec", "scopes")));
    if (!now.equals(before)) {
      errs.add(FieldError.invalid(SPEC.child("scopes"), scopesLiteral(Nodes.path(quota, "spec", "scopes")),
          "field is immutable"));
    }
  }

  private static void resourceList(JsonNode list, FieldPath path, List<FieldError> errs) {
    if (!list.isObject()) {
      return;
    }
    TreeMap<String, JsonNode> sorted = new TreeMap<>();
    list.properties().forEach(e -> sorted.put(e.getKey(), e.getValue()));
    sorted.forEach((name, value) -> {
      FieldPath at = path.key(name);
      resourceName(name, at, errs);
      BigDecimal quantity = Quantities.parse(value);
      if (quantity == null) {
        errs.add(FieldError.invalid(at, Nodes.badValue(value), Quantities.FORMAT_MSG));
        return;
      }
      if (quantity.signum() < 0) {
        errs.add(FieldError.invalid(at, value.asText(), "must be greater than or equal to 0"));
      }
      BigDecimal milli = quantity.movePointRight(3).setScale(0, java.math.RoundingMode.CEILING);
      if (isInteger(name) && milli.remainder(BigDecimal.valueOf(1000)).signum() != 0) {
        errs.add(FieldError.invalid(at, value.asText(), "must be an integer"));
      }
    });
  }

  /** ValidateResourceQuotaResourceName: a qualified name, and standard for quota when unprefixed. */
  private static void resourceName(String name, FieldPath at, List<FieldError> errs) {
    List<String> msgs = NameRules.qualifiedName(name);
    msgs.forEach(msg -> errs.add(FieldError.invalid(at, new GoLiteral(name), msg)));
    if (!msgs.isEmpty() || name.contains("/")) {
      return;
    }
    if (!isStandard(name)) {
      if (!name.equals("storage")) { // a standard resource name, but none a quota tracks
        errs.add(FieldError.invalid(at, new GoLiteral(name), "must be a standard resource type or fully qualified"));
      }
      errs.add(FieldError.invalid(at, new GoLiteral(name), "must be a standard resource for quota"));
    }
  }

  private static boolean isStandard(String name) {
    return STANDARD.contains(name) || name.startsWith("hugepages-") || name.startsWith("requests.hugepages-");
  }

  /** IsIntegerResourceName: object counts, and extended resources. */
  private static boolean isInteger(String name) {
    return INTEGER.contains(name) || name.contains("/") && !name.contains("kubernetes.io/")
        && !name.startsWith("requests.");
  }

  /** IsResourceQuotaScopeValidForResource. */
  private static boolean scopeValidFor(String scope, String resource) {
    return switch (scope) {
      case "Terminating", "NotTerminating", "NotBestEffort", "PriorityClass", "CrossNamespacePodAffinity" ->
          resource.equals("pods") || POD_COMPUTE.contains(resource);
      case "BestEffort" -> resource.equals("pods");
      default -> true;
    };
  }

  private static List<String> hardNames(JsonNode spec) {
    List<String> names = new ArrayList<>();
    Nodes.field(spec, "hard").properties().forEach(e -> names.add(e.getKey()));
    names.sort(null);
    return names;
  }

  private static void scopes(JsonNode spec, List<FieldError> errs) {
    JsonNode raw = Nodes.field(spec, "scopes");
    List<String> scopes = Nodes.strings(raw);
    if (scopes.isEmpty()) {
      return;
    }
    FieldPath path = SPEC.child("scopes");
    GoLiteral literal = scopesLiteral(raw);
    for (String scope : scopes) {
      if (!SCOPES.contains(scope)) {
        errs.add(FieldError.invalid(path, literal, "unsupported scope"));
      }
      for (String resource : hardNames(spec)) {
        if (isStandard(resource) && !scopeValidFor(scope, resource)) {
          errs.add(FieldError.invalid(path, literal, "unsupported scope applied to resource"));
        }
      }
    }
    for (Set<String> pair : CONFLICTS) {
      if (scopes.containsAll(pair)) {
        errs.add(FieldError.invalid(path, literal, "conflicting scopes"));
      }
    }
  }

  private static void scopeSelector(JsonNode spec, List<FieldError> errs) {
    FieldPath path = SPEC.child("scopeSelector", "matchExpressions");
    JsonNode selector = Nodes.field(spec, "scopeSelector");
    Set<String> seen = new LinkedHashSet<>();
    for (JsonNode req : Nodes.list(selector, "matchExpressions")) {
      String scope = Nodes.text(req, "scopeName", "");
      String operator = Nodes.text(req, "operator", "");
      List<String> values = Nodes.strings(Nodes.field(req, "values"));
      if (!SCOPES.contains(scope)) {
        errs.add(FieldError.invalid(path.child("scopeName"), new GoLiteral(GoFormat.quote(scope)), "unsupported scope"));
      }
      for (String resource : hardNames(spec)) {
        if (isStandard(resource) && !scopeValidFor(scope, resource)) {
          errs.add(FieldError.invalid(path, selectorLiteral(selector), "unsupported scope applied to resource"));
        }
      }
      if (EXISTS_ONLY.contains(scope) && !operator.equals("Exists")) {
        errs.add(FieldError.invalid(path.child("operator"), new GoLiteral(GoFormat.quote(operator)),
            "must be 'Exists' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating,"
                + " ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or"
                + " ResourceQuotaScopeCrossNamespacePodAffinity"));
      }
      switch (operator) {
        case "In", "NotIn" -> {
          if (values.isEmpty()) {
            errs.add(FieldError.required(path.child("values"),
                "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"));
          }
        }
        case "Exists", "DoesNotExist" -> {
          if (!values.isEmpty()) {
            errs.add(FieldError.invalid(path.child("values"), new GoLiteral(stringsLiteral("[]string", values)),
                "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"));
          }
        }
        default -> errs.add(FieldError.invalid(path.child("operator"), new GoLiteral(GoFormat.quote(operator)),
            "not a valid selector operator"));
      }
      seen.add(scope);
    }
    for (Set<String> pair : CONFLICTS) {
      if (seen.containsAll(pair)) {
        errs.add(FieldError.invalid(path, scopesLiteral(Nodes.field(spec, "scopes")), "conflicting scopes"));
      }
    }
  }

  /** {@code []core.ResourceQuotaScope{"A", "B"}}, or its typed nil. */
  private static GoLiteral scopesLiteral(JsonNode scopes) {
    if (!scopes.isArray()) {
      return new GoLiteral("[]core.ResourceQuotaScope(nil)");
    }
    return new GoLiteral(stringsLiteral("[]core.ResourceQuotaScope", Nodes.strings(scopes)));
  }

  private static String stringsLiteral(String type, List<String> values) {
    return type + "{" + values.stream().map(GoFormat::quote).collect(Collectors.joining(", ")) + "}";
  }

  /** The scope selector as Go's {@code %#v} prints the internal struct. */
  private static GoLiteral selectorLiteral(JsonNode selector) {
    List<String> requirements = new ArrayList<>();
    for (JsonNode req : Nodes.list(selector, "matchExpressions")) {
      List<String> values = Nodes.strings(Nodes.field(req, "values"));
      requirements.add("core.ScopedResourceSelectorRequirement{ScopeName:"
          + GoFormat.quote(Nodes.text(req, "scopeName", "")) + ", Operator:" + GoFormat.quote(Nodes.text(req, "operator", ""))
          + ", Values:" + (values.isEmpty() ? "[]string(nil)" : stringsLiteral("[]string", values)) + "}");
    }
    return new GoLiteral("core.ScopeSelector{MatchExpressions:[]core.ScopedResourceSelectorRequirement{"
        + String.join(", ", requirements) + "}}");
  }
}
