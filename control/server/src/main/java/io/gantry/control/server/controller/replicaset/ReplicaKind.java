package io.gantry.control.server.controller.replicaset;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.selector.LabelSelector;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What differs between the kinds {@link ReplicaSetController} keeps: upstream's ReplicationManager is
 * the ReplicaSet controller over a conversion, differing only in the type it watches and owns pods
 * as, how its {@code spec.selector} reads, and the component its events name.
 *
 * @param type the owner type: controller references to it name its apiVersion and kind
 * @param selector reads the owner's pod selector; empty when it does not parse
 * @param component the event source and worker name
 */
public record ReplicaKind(ResourceType type, Function<JsonNode, Optional<LabelSelector>> selector, String component) {

  /** apps/v1 ReplicaSets: {@code spec.selector} is a {@code metav1.LabelSelector}. */
  public static final ReplicaKind REPLICA_SETS =
      new ReplicaKind(ResourceTypes.REPLICASETS, LabelSelector::ofSpec, "replicaset-controller");

  /** v1 ReplicationControllers: {@code spec.selector} is a plain label map. */
  public static final ReplicaKind REPLICATION_CONTROLLERS =
      new ReplicaKind(ResourceTypes.REPLICATIONCONTROLLERS, LabelSelector::ofSpecSet, "replication-controller");

  public ReplicaKind {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(component, "component");
  }
}
