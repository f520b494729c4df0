package io.gantry.control.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;

/**
 * A {@code Warning} header for a written Pod, Deployment, ReplicaSet, ReplicationController, DaemonSet or StatefulSet whose pods
 * ask for volumes: the API stores them, but this runtime mounts none (see the README's node agent
 * section), so kubectl prints why a container will not find its files instead of leaving the user to find out.
 */
final class PodWarnings {

  private PodWarnings() {}

  static List<String> of(ResourceType type, JsonNode object) {
    String path;
    JsonNode spec;
    if (type == ResourceTypes.PODS) {
      path = "spec";
      spec = object.path("spec");
    } else if (type == ResourceTypes.DEPLOYMENTS || type == ResourceTypes.REPLICASETS
        || type == ResourceTypes.REPLICATIONCONTROLLERS || type == ResourceTypes.DAEMONSETS
        || type == ResourceTypes.STATEFULSETS) {
      path = "spec.template.spec";
      spec = object.path("spec").path("template").path("spec");
    } else {
      return List.of();
    }
    boolean mounts = false;
    for (String list : new String[] {"initContainers", "containers"}) {
      for (JsonNode container : spec.path(list)) {
        mounts |= !container.path("volumeMounts").isEmpty();
      }
    }
    if (spec.path("volumes").isEmpty() && !mounts) {
      return List.of();
    }
    return List.of(path + ".volumes: this cluster's node agents mount no volumes; volumeMounts are ignored and "
        + "containers see the node's filesystem");
  }
}
