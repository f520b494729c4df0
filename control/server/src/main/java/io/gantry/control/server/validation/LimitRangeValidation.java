package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * v1 LimitRanges, as {@code ValidateLimitRange} (create and update alike): each item's type a standard
 * limit type (Pod, Container, PersistentVolumeClaim) or fully qualified and not repeated, resource names
 * valid for that type, no defaults for Pod, storage bounds for PersistentVolumeClaim, and per resource
 * {@code min <= defaultRequest <= default <= max} and {@code 1 <= maxLimitRequestRatio <= max/min}.
 * Resources are compared in name order (upstream walks a Go map, in no fixed order). A bad value is
 * the quantity as written, where kube-apiserver prints its {@code resource.Quantity} struct.
 */
final class LimitRangeValidation {

  private static final Set<String> STANDARD_TYPES = Set.of("Pod", "Container", "PersistentVolumeClaim");
  private static final Set<String> CONTAINER_RESOURCES = Set.of("cpu", "memory", "ephemeral-storage");
  /** helper.standardResources: what a ResourceQuota or a non-container LimitRange may name. */
  private static final Set<String> STANDARD_RESOURCES = Set.of("cpu", "memory", "ephemeral-storage",
      "requests.cpu", "requests.memory", "requests.ephemeral-storage", "limits.cpu", "limits.memory",
      "limits.ephemeral-storage", "pods", "resourcequotas", "services", "replicationcontrollers", "secrets",
      "configmaps", "persistentvolumeclaims", "storage", "requests.storage", "services.nodeports",
      "services.loadbalancers");
  private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
  private static final BigDecimal MAX_MILLI = BigDecimal.valueOf(Long.MAX_VALUE / 1000);

  private LimitRangeValidation() {}

  static void validate(JsonNode limitRange, List<FieldError> errs) {
    FieldPath limitsPath = FieldPath.root("spec", "limits");
    Set<String> types = new HashSet<>();
    List<JsonNode> limits = Nodes.list(Nodes.field(limitRange, "spec"), "limits");
    for (int i = 0; i < limits.size(); i++) {
      JsonNode item = limits.get(i);
      FieldPath at = limitsPath.index(i);
      String type = Nodes.text(item, "type", "");
      typeName(type, at.child("type"), errs);
      if (!types.add(type)) {
        errs.add(FieldError.duplicate(at.child("type"), type));
      }
      item(item, type, at, errs);
    }
  }

  private static void item(JsonNode item, String type, FieldPath at, List<FieldError> errs) {
    Set<String> keys = new TreeSet<>();
    Map<String, BigDecimal> max = quantities(item, "max", type, at, keys, errs);
    Map<String, BigDecimal> min = quantities(item, "min", type, at, keys, errs);
    Map<String, BigDecimal> defaults = Map.of();
    Map<String, BigDecimal> defaultRequests = Map.of();
    if (type.equals("Pod")) {
      for (String field : new String[] {"default", "defaultRequest"}) {
        if (!Nodes.field(item, field).isEmpty()) {
          errs.add(FieldError.forbidden(at.child(field), "may not be specified when `type` is 'Pod'"));
        }
      }
    } else {
      defaults = quantities(item, "default", type, at, keys, errs);
      defaultRequests = quantities(item, "defaultRequest", type, at, keys, errs);
    }
    if (type.equals("PersistentVolumeClaim") && !Nodes.path(item, "min").has("storage")
        && !Nodes.path(item, "max").has("storage")) {
      errs.add(FieldError.required(at.child("limits"),
          "either minimum or maximum storage value is required, but neither was provided"));
    }
    Map<String, BigDecimal> ratios = quantities(item, "maxLimitRequestRatio", type, at, keys, errs);
    for (String k : keys) {
      Bounds b = new Bounds(item, k, min.get(k), max.get(k), defaults.get(k), defaultRequests.get(k), ratios.get(k));
      b.check(at, errs);
    }
  }

  /** One resource's values in one item, with the text each was written as. */
  private record Bounds(JsonNode item, String k, BigDecimal min, BigDecimal max, BigDecimal dflt,
      BigDecimal request, BigDecimal ratio) {

    void check(FieldPath at, List<FieldError> errs) {
      if (min != null && max != null && min.compareTo(max) > 0) {
        errs.add(FieldError.invalid(at.child("min").key(k), text("min"),
            "min value " + text("min") + " is greater than max value " + text("max")));
      }
      if (request != null && min != null && min.compareTo(request) > 0) {
        errs.add(FieldError.invalid(at.child("defaultRequest").key(k), text("defaultRequest"),
            "min value " + text("min") + " is greater than default request value " + text("defaultRequest")));
      }
      if (request != null && max != null && request.compareTo(max) > 0) {
        errs.add(FieldError.invalid(at.child("defaultRequest").key(k), text("defaultRequest"),
            "default request value " + text("defaultRequest") + " is greater than max value " + text("max")));
      }
      if (request != null && dflt != null && request.compareTo(dflt) > 0) {
        errs.add(FieldError.invalid(at.child("defaultRequest").key(k), text("defaultRequest"), "default request value "
            + text("defaultRequest") + " is greater than default limit value " + text("default")));
      }
      if (dflt != null && min != null && min.compareTo(dflt) > 0) {
        errs.add(FieldError.invalid(at.child("default").key(k), text("min"),
            "min value " + text("min") + " is greater than default value " + text("default")));
      }
      if (dflt != null && max != null && dflt.compareTo(max) > 0) {
        errs.add(FieldError.invalid(at.child("default").key(k), text("max"),
            "default value " + text("default") + " is greater than max value " + text("max")));
      }
      if (ratio != null && ratio.compareTo(BigDecimal.ONE) < 0) {
        errs.add(FieldError.invalid(at.child("maxLimitRequestRatio").key(k), text("maxLimitRequestRatio"),
            "ratio " + text("maxLimitRequestRatio") + " is less than 1"));
      }
      if (ratio != null && min != null && max != null) {
        double limit = ratioLimit();
        if (ratioValue() > limit) {
          errs.add(FieldError.invalid(at.child("maxLimitRequestRatio").key(k), text("maxLimitRequestRatio"),
              "ratio " + text("maxLimitRequestRatio") + " is greater than max/min = "
                  + String.format(Locale.ROOT, "%f", limit)));
        }
      }
      if (!overcommitAllowed(k) && dflt != null && request != null && dflt.compareTo(request) != 0) {
        errs.add(FieldError.invalid(at.child("defaultRequest").key(k), text("defaultRequest"), "default value "
            + text("default") + " must equal to defaultRequest value " + text("defaultRequest") + " in " + k));
      }
    }

    /** At milli precision unless a value is too large for it, as upstream. */
    private boolean milli() {
      return whole(ratio).compareTo(MAX_MILLI) < 0 && whole(min).compareTo(MAX_MILLI) < 0
          && whole(max).compareTo(MAX_MILLI) < 0;
    }

    private double ratioValue() {
      return milli() ? milliOf(ratio) / 1000.0 : whole(ratio).doubleValue();
    }

    private double ratioLimit() {
      return milli() ? (double) milliOf(max) / (double) milliOf(min)
          : whole(max).doubleValue() / whole(min).doubleValue();
    }

    private String text(String field) {
      return Nodes.path(item, field, k).asText();
    }
  }

  private static BigDecimal whole(BigDecimal q) {
    return q.setScale(0, java.math.RoundingMode.CEILING);
  }

  private static long milliOf(BigDecimal q) {
    return q.multiply(THOUSAND).setScale(0, java.math.RoundingMode.CEILING).longValue();
  }

  private static Map<String, BigDecimal> quantities(JsonNode item, String field, String type, FieldPath at,
      Set<String> keys, List<FieldError> errs) {
    Map<String, BigDecimal> out = new LinkedHashMap<>();
    JsonNode map = Nodes.field(item, field);
    if (!map.isObject()) {
      return out;
    }
    map.properties().forEach(e -> {
      FieldPath path = at.child(field).key(e.getKey());
      resourceName(type, e.getKey(), path, errs);
      keys.add(e.getKey());
      BigDecimal q = Quantities.parse(e.getValue());
      if (q == null) {
        errs.add(FieldError.invalid(path, Nodes.badValue(e.getValue()), Quantities.FORMAT_MSG));
      } else {
        out.put(e.getKey(), q);
      }
    });
    return out;
  }

  private static void typeName(String type, FieldPath path, List<FieldError> errs) {
    List<String> messages = NameRules.qualifiedName(type);
    messages.forEach(m -> errs.add(FieldError.invalid(path, type, m)));
    if (messages.isEmpty() && !type.contains("/") && !STANDARD_TYPES.contains(type)) {
      errs.add(FieldError.invalid(path, type, "must be a standard limit type or fully qualified"));
    }
  }

  /** validateLimitRangeResourceName: container resources for Pod and Container, any standard one else. */
  private static void resourceName(String type, String name, FieldPath path, List<FieldError> errs) {
    List<String> messages = NameRules.qualifiedName(name);
    messages.forEach(m -> errs.add(FieldError.invalid(path, name, m)));
    boolean plain = !name.contains("/");
    if (messages.isEmpty() && plain && !STANDARD_RESOURCES.contains(name) && !name.startsWith("hugepages-")
        && !name.startsWith("requests.hugepages-")) {
      errs.add(FieldError.invalid(path, name, "must be a standard resource type or fully qualified"));
    }
    if (!type.equals("Pod") && !type.equals("Container")) {
      return;
    }
    if (plain && !CONTAINER_RESOURCES.contains(name) && !name.startsWith("hugepages-")) {
      errs.add(FieldError.invalid(path, name, "must be a standard resource for containers"));
    } else if (!plain && !name.contains("kubernetes.io/") && (name.startsWith("requests.")
        || !NameRules.qualifiedName("requests." + name).isEmpty())) {
      errs.add(FieldError.invalid(path, name, "doesn't follow extended resource name standard"));
    }
  }

  /** helper.IsOvercommitAllowed: native resources but hugepages. */
  private static boolean overcommitAllowed(String name) {
    return (!name.contains("/") || name.contains("kubernetes.io/")) && !name.startsWith("hugepages-");
  }
}
