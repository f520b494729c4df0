package io.gantry.control.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code Warning} headers kube-apiserver sends with a written Service (GetWarningsForService):
 * fields its type ignores, and the deprecated topology annotation. kubectl prints them.
 */
final class ServiceWarnings {

  private static final String TOPOLOGY_HINTS = "service.kubernetes.io/topology-aware-hints";
  private static final String TOPOLOGY_MODE = "service.kubernetes.io/topology-mode";

  private ServiceWarnings() {}

  static List<String> of(ResourceType type, JsonNode object) {
    if (type != ResourceTypes.SERVICES) {
      return List.of();
    }
    List<String> warnings = new ArrayList<>();
    if (object.path("metadata").path("annotations").has(TOPOLOGY_HINTS)) {
      warnings.add("annotation " + TOPOLOGY_HINTS + " is deprecated, please use " + TOPOLOGY_MODE + " instead");
    }
    JsonNode spec = object.path("spec");
    boolean externalName = spec.path("type").asText().equals("ExternalName");
    if (externalName && !spec.path("externalIPs").isEmpty()) {
      warnings.add("spec.externalIPs is ignored when spec.type is \"ExternalName\"");
    }
    if (!externalName && !spec.path("externalName").asText("").isEmpty()) {
      warnings.add("spec.externalName is ignored when spec.type is not \"ExternalName\"");
    }
    return warnings;
  }
}
