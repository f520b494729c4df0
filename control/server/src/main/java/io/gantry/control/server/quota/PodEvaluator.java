package io.gantry.control.server.quota;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.control.server.registry.PodQos;
import io.gantry.control.server.resource.ParsedQuantity;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The pod evaluator: a pod counts against {@code count/pods} while it exists and, until it reaches a
 * terminal phase or outlives its deletion grace period, against {@code pods} and the compute resources
 * of {@link PodResources} ({@code requests.cpu}, {@code limits.memory}, {@code cpu} as requested, ...).
 * Charged on create only: a pod's resources never change. Pods have scopes (Terminating, BestEffort,
 * PriorityClass, CrossNamespacePodAffinity) and constraints.
 */
final class PodEvaluator implements UsageEvaluator {

  private static final String COUNT = ObjectCountEvaluator.countName(ResourceTypes.PODS);
  private static final Set<String> RESOURCES = Set.of(COUNT, "cpu", "memory", "ephemeral-storage", "requests.cpu",
      "requests.memory", "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage",
      "pods");
  /** What a container must state when a quota limits it (validationSet, kept for compatibility upstream). */
  private static final Set<String> VALIDATED = Set.of("cpu", "memory", "requests.cpu", "requests.memory",
      "limits.cpu", "limits.memory");

  @Override
  public ResourceType type() {
    return ResourceTypes.PODS;
  }

  @Override
  public boolean accounts(String name) {
    return RESOURCES.contains(name) || name.startsWith("hugepages-") || name.startsWith("requests.hugepages-")
        || PodResources.isExtendedForQuota(name);
  }

  @Override
  public boolean matchesScope(ScopeRequirement scope, JsonNode pod) {
    JsonNode spec = pod.path("spec");
    return switch (scope.scopeName()) {
      case "Terminating" -> terminating(spec);
      case "NotTerminating" -> !terminating(spec);
      case "BestEffort" -> PodQos.of(spec).equals("BestEffort");
      case "NotBestEffort" -> !PodQos.of(spec).equals("BestEffort");
      case "PriorityClass" -> {
        String priorityClass = spec.path("priorityClassName").asText("");
        yield scope.matchesValue(priorityClass.isEmpty() ? null : priorityClass);
      }
      case "CrossNamespacePodAffinity" -> crossNamespaceAffinity(spec.path("affinity"));
      default -> false;
    };
  }

  private static boolean terminating(JsonNode spec) {
    return spec.path("activeDeadlineSeconds").isIntegralNumber() && spec.path("activeDeadlineSeconds").asLong() >= 0;
  }

  private static boolean crossNamespaceAffinity(JsonNode affinity) {
    for (String kind : new String[] {"podAffinity", "podAntiAffinity"}) {
      JsonNode terms = affinity.path(kind);
      for (JsonNode term : terms.path("requiredDuringSchedulingIgnoredDuringExecution")) {
        if (crossNamespace(term)) {
          return true;
        }
      }
      for (JsonNode weighted : terms.path("preferredDuringSchedulingIgnoredDuringExecution")) {
        if (crossNamespace(weighted.path("podAffinityTerm"))) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean crossNamespace(JsonNode term) {
    return !term.path("namespaces").isEmpty() || term.path("namespaceSelector").isObject();
  }

  @Override
  public Map<String, ParsedQuantity> usage(JsonNode pod, Instant now) {
    TreeMap<String, ParsedQuantity> out = new TreeMap<>();
    out.put(COUNT, ParsedQuantity.of(1));
    if (!charged(pod, now)) {
      return out;
    }
    return ResourceLists.add(out, PodResources.computeUsage(PodResources.requests(pod.path("spec")),
        PodResources.limits(pod.path("spec"))));
  }

  /** {@code QuotaV1Pod}: not in a terminal phase, and not past its deletion grace period. */
  static boolean charged(JsonNode pod, Instant now) {
    String phase = pod.path("status").path("phase").asText("");
    if (phase.equals("Succeeded") || phase.equals("Failed")) {
      return false;
    }
    return deletionDeadline(pod).map(deadline -> !now.isAfter(deadline)).orElse(true);
  }

  /** When a pod marked for deletion stops counting: its deletion timestamp plus its grace period. */
  static Optional<Instant> deletionDeadline(JsonNode pod) {
    JsonNode metadata = pod.path("metadata");
    if (!metadata.path("deletionTimestamp").isTextual() || !metadata.path("deletionGracePeriodSeconds").isNumber()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(metadata.path("deletionTimestamp").asText())
          .plusSeconds(metadata.path("deletionGracePeriodSeconds").asLong()));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  @Override
  public String constraintViolation(Collection<String> required, JsonNode pod) {
    Set<String> requiredSet = new TreeSet<>(required);
    requiredSet.retainAll(VALIDATED);
    if (requiredSet.isEmpty()) {
      return null;
    }
    TreeMap<String, TreeSet<String>> missing = new TreeMap<>();
    for (String list : new String[] {"containers", "initContainers"}) {
      for (JsonNode container : pod.path("spec").path(list)) {
        JsonNode resources = container.path("resources");
        Set<String> stated = PodResources.computeUsage(ResourceLists.of(resources.path("requests")),
            ResourceLists.of(resources.path("limits"))).keySet();
        for (String name : requiredSet) {
          if (!stated.contains(name)) {
            missing.computeIfAbsent(name, k -> new TreeSet<>()).add(container.path("name").asText(""));
          }
        }
      }
    }
    if (missing.isEmpty()) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    missing.forEach((name, containers) -> parts.add(name + " for: " + String.join(",", containers)));
    return "must specify " + String.join("; ", parts);
  }
}
