package io.gantry.control.api;

import io.gantry.control.api.v1.Resource;
import io.gantry.control.api.v1.ResourceKey;
import io.gantry.control.api.v1.ResourceType;
import java.util.Objects;

/** Naming and typing helpers for {@link Resource}s, identical on both ends of the stream. */
public final class Resources {

  private Resources() {
  }

  /** The name of a namespaced resource: {@code namespace/name}; of a cluster-scoped one: {@code name}. */
  public static String name(String namespace, String name) {
    Objects.requireNonNull(name, "name");
    return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
  }

  /** The type a resource carries, from which view is set; UNSPECIFIED when none is. */
  public static ResourceType type(Resource resource) {
    return switch (resource.getViewCase()) {
      case SERVICE -> ResourceType.RESOURCE_TYPE_SERVICE;
      case ENDPOINTS -> ResourceType.RESOURCE_TYPE_ENDPOINTS;
      case NODE -> ResourceType.RESOURCE_TYPE_NODE;
      case POLICY -> ResourceType.RESOURCE_TYPE_POLICY;
      case INGRESS -> ResourceType.RESOURCE_TYPE_INGRESS;
      case POD -> ResourceType.RESOURCE_TYPE_POD;
      case VIEW_NOT_SET -> ResourceType.RESOURCE_TYPE_UNSPECIFIED;
    };
  }

  public static ResourceKey key(Resource resource) {
    return key(type(resource), resource.getName());
  }

  public static ResourceKey key(ResourceType type, String name) {
    return ResourceKey.newBuilder().setType(type).setName(name).build();
  }

  /** A short lower-case label for logs and metrics: service, endpoints, node, policy, ingress, pod. */
  public static String label(ResourceType type) {
    return switch (type) {
      case RESOURCE_TYPE_SERVICE -> "service";
      case RESOURCE_TYPE_ENDPOINTS -> "endpoints";
      case RESOURCE_TYPE_NODE -> "node";
      case RESOURCE_TYPE_POLICY -> "policy";
      case RESOURCE_TYPE_INGRESS -> "ingress";
      case RESOURCE_TYPE_POD -> "pod";
      default -> "unspecified";
    };
  }
}
