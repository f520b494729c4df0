package io.gantry.control.server.resource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The kinds Gantry serves, as Kubernetes defines them. */
public final class ResourceTypes {

  public static final ResourceType NAMESPACES = core("namespaces", "Namespace", false, List.of("ns"), List.of(), Set.of("status", "finalize"));
  public static final ResourceType NODES = core("nodes", "Node", false, List.of("no"), List.of(), Set.of("status"));
  public static final ResourceType PODS = core("pods", "Pod", true, List.of("po"), List.of("all"), Set.of("status", "log", "exec", "attach", "portforward", "binding", "eviction", "proxy"));
  public static final ResourceType SERVICES = core("services", "Service", true, List.of("svc"), List.of("all"), Set.of("status", "proxy"));
  public static final ResourceType ENDPOINTS = new ResourceType("", "v1", "endpoints", "endpoints", "Endpoints", true, List.of("ep"), List.of(), Set.of(), false);
  public static final ResourceType SECRETS = core("secrets", "Secret", true, List.of(), List.of(), Set.of());
  public static final ResourceType CONFIGMAPS = core("configmaps", "ConfigMap", true, List.of("cm"), List.of(), Set.of());
  public static final ResourceType EVENTS = core("events", "Event", true, List.of("ev"), List.of(), Set.of());
  /** events.k8s.io/v1 Events: the core Events, in the events API's representation. */
  public static final ResourceType EVENTS_V1 =
      of("events.k8s.io", "v1", "events", "Event", true, List.of(), List.of(), Set.of()).storedAs(EVENTS);
  public static final ResourceType SERVICEACCOUNTS = core("serviceaccounts", "ServiceAccount", true, List.of("sa"), List.of(), Set.of("token"));
  public static final ResourceType REPLICATIONCONTROLLERS = core("replicationcontrollers", "ReplicationController", true, List.of("rc"), List.of("all"), Set.of("status", "scale"));
  public static final ResourceType PODTEMPLATES = core("podtemplates", "PodTemplate", true, List.of(), List.of(), Set.of());
  public static final ResourceType PERSISTENTVOLUMECLAIMS = core("persistentvolumeclaims", "PersistentVolumeClaim", true, List.of("pvc"), List.of(), Set.of("status"));
  public static final ResourceType LIMITRANGES = core("limitranges", "LimitRange", true, List.of("limits"), List.of(), Set.of());
  public static final ResourceType RESOURCEQUOTAS = core("resourcequotas", "ResourceQuota", true, List.of("quota"), List.of(), Set.of("status"));
  public static final ResourceType PERSISTENTVOLUMES = core("persistentvolumes", "PersistentVolume", false, List.of("pv"), List.of(), Set.of("status"));
  public static final ResourceType DEPLOYMENTS = of("apps", "v1", "deployments", "Deployment", true, List.of("deploy"), List.of("all"), Set.of("status", "scale"));
  public static final ResourceType REPLICASETS = of("apps", "v1", "replicasets", "ReplicaSet", true, List.of("rs"), List.of("all"), Set.of("status", "scale"));
  public static final ResourceType DAEMONSETS = of("apps", "v1", "daemonsets", "DaemonSet", true, List.of("ds"), List.of("all"), Set.of("status"));
  public static final ResourceType STATEFULSETS = of("apps", "v1", "statefulsets", "StatefulSet", true, List.of("sts"), List.of("all"), Set.of("status", "scale"));
  public static final ResourceType CONTROLLERREVISIONS = of("apps", "v1", "controllerrevisions", "ControllerRevision", true, List.of(), List.of(), Set.of());
  public static final ResourceType ENDPOINTSLICES = of("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true, List.of(), List.of(), Set.of());
  public static final ResourceType INGRESSES = of("networking.k8s.io", "v1", "ingresses", "Ingress", true, List.of("ing"), List.of(), Set.of("status"));
  public static final ResourceType INGRESSCLASSES = of("networking.k8s.io", "v1", "ingressclasses", "IngressClass", false, List.of(), List.of(), Set.of());
  public static final ResourceType NETWORKPOLICIES = of("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true, List.of("netpol"), List.of(), Set.of());
  public static final ResourceType RUNTIMECLASSES = of("node.k8s.io", "v1", "runtimeclasses", "RuntimeClass", false, List.of(), List.of(), Set.of());
  public static final ResourceType PRIORITYCLASSES = of("scheduling.k8s.io", "v1", "priorityclasses", "PriorityClass", false, List.of("pc"), List.of(), Set.of());
  public static final ResourceType STORAGECLASSES = of("storage.k8s.io", "v1", "storageclasses", "StorageClass", false, List.of("sc"), List.of(), Set.of());
  public static final ResourceType LEASES = of("coordination.k8s.io", "v1", "leases", "Lease", true, List.of(), List.of(), Set.of());
  public static final ResourceType ROLES = rbac("roles", "Role", true);
  public static final ResourceType ROLEBINDINGS = rbac("rolebindings", "RoleBinding", true);
  public static final ResourceType CLUSTERROLES = rbac("clusterroles", "ClusterRole", false);
  public static final ResourceType CLUSTERROLEBINDINGS = rbac("clusterrolebindings", "ClusterRoleBinding", false);
  public static final ResourceType JOBS = of("batch", "v1", "jobs", "Job", true, List.of(), List.of("all"), Set.of("status"));
  public static final ResourceType CRONJOBS = of("batch", "v1", "cronjobs", "CronJob", true, List.of("cj"), List.of("all"), Set.of("status"));
  /** autoscaling/v2 HorizontalPodAutoscalers, the stored representation. */
  public static final ResourceType HORIZONTALPODAUTOSCALERS = of("autoscaling", "v2", "horizontalpodautoscalers",
      "HorizontalPodAutoscaler", true, List.of("hpa"), List.of("all"), Set.of("status"));
  /** autoscaling/v1 HorizontalPodAutoscalers: the v2 ones, with what v1 cannot say in annotations. */
  public static final ResourceType HORIZONTALPODAUTOSCALERS_V1 = of("autoscaling", "v1", "horizontalpodautoscalers",
      "HorizontalPodAutoscaler", true, List.of("hpa"), List.of("all"), Set.of("status"))
      .storedAs(HORIZONTALPODAUTOSCALERS);
  public static final ResourceType PODDISRUPTIONBUDGETS = of("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true, List.of("pdb"), List.of(), Set.of("status"));

  public static final List<ResourceType> ALL = List.of(
      NAMESPACES, NODES, PODS, SERVICES, ENDPOINTS, SECRETS, CONFIGMAPS, EVENTS, SERVICEACCOUNTS,
      REPLICATIONCONTROLLERS, PODTEMPLATES, PERSISTENTVOLUMECLAIMS, PERSISTENTVOLUMES, LIMITRANGES, RESOURCEQUOTAS,
      DEPLOYMENTS, REPLICASETS, DAEMONSETS, STATEFULSETS, CONTROLLERREVISIONS, ENDPOINTSLICES, INGRESSES,
      INGRESSCLASSES, NETWORKPOLICIES, LEASES, RUNTIMECLASSES, PRIORITYCLASSES, EVENTS_V1, PODDISRUPTIONBUDGETS, ROLES,
      ROLEBINDINGS, CLUSTERROLES, CLUSTERROLEBINDINGS, STORAGECLASSES, JOBS, CRONJOBS,
      // v2 first: the preferred version of the group, as discovery lists it
      HORIZONTALPODAUTOSCALERS, HORIZONTALPODAUTOSCALERS_V1);

  private static final Map<String, ResourceType> BY_PATH = new LinkedHashMap<>();
  private static final Map<String, ResourceType> BY_KIND = new LinkedHashMap<>();

  static {
    for (ResourceType type : ALL) {
      BY_PATH.put(type.apiVersion() + "/" + type.plural(), type);
      BY_KIND.put(type.apiVersion() + "/" + type.kind(), type);
    }
  }

  private ResourceTypes() {}

  /** The type served at {@code /api/v1/{plural}} or {@code /apis/{group}/{version}/{plural}}. */
  public static Optional<ResourceType> byPath(String group, String version, String plural) {
    String apiVersion = group.isEmpty() ? version : group + "/" + version;
    return Optional.ofNullable(BY_PATH.get(apiVersion + "/" + plural));
  }

  /** The type of an object with this {@code apiVersion} and {@code kind}. */
  public static Optional<ResourceType> byKind(String apiVersion, String kind) {
    return Optional.ofNullable(BY_KIND.get(apiVersion + "/" + kind));
  }

  /** The group versions served, in discovery order: {@code v1} first, then {@code group/version}s. */
  public static List<String> groupVersions() {
    return ALL.stream().map(ResourceType::apiVersion).distinct().toList();
  }

  private static ResourceType core(String plural, String kind, boolean namespaced, List<String> shortNames,
      List<String> categories, Set<String> subresources) {
    return of("", "v1", plural, kind, namespaced, shortNames, categories, subresources);
  }

  private static ResourceType rbac(String plural, String kind, boolean namespaced) {
    return of("rbac.authorization.k8s.io", "v1", plural, kind, namespaced, List.of(), List.of(), Set.of());
  }

  private static ResourceType of(String group, String version, String plural, String kind, boolean namespaced,
      List<String> shortNames, List<String> categories, Set<String> subresources) {
    return new ResourceType(group, version, plural, kind.toLowerCase(java.util.Locale.ROOT), kind, namespaced,
        shortNames, categories, subresources, false);
  }
}
