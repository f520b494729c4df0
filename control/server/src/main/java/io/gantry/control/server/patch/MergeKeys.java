package io.gantry.control.server.patch;

import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The merge-key table: for one kind, which list fields merge (and by which key) under a strategic
 * merge patch, taken from the {@code patchStrategy}/{@code patchMergeKey} tags of the k8s.io/api Go
 * types. A field is addressed by its path of member names from the object root, dots between, list
 * elements adding no segment: {@code spec.template.spec.containers.env} is the {@code env} list of
 * any container of a Deployment's pod template. Lists not in the table are atomic.
 *
 * <p>The table is assembled from fragments for shared types (ObjectMeta, PodSpec, Container, ...)
 * mounted at the prefixes where each kind embeds them; to cover a new field, add it to its fragment.
 */
public final class MergeKeys {

  private static final ListRule NAME = ListRule.byKey("name");
  private static final ListRule TYPE = ListRule.byKey("type");
  private static final ListRule IP = ListRule.byKey("ip");

  /** metav1.ObjectMeta. Its {@code managedFields} list is atomic. */
  private static final Map<String, ListRule> OBJECT_META = Map.of(
      "finalizers", ListRule.SCALAR_SET,
      "ownerReferences", ListRule.byKey("uid"));

  /** core/v1 Container and EphemeralContainerCommon (same tags). */
  private static final Map<String, ListRule> CONTAINER = Map.of(
      "ports", ListRule.byKey("containerPort"),
      "env", NAME,
      "volumeMounts", ListRule.byKey("mountPath"),
      "volumeDevices", ListRule.byKey("devicePath"));

  /** core/v1 PodSpec; tolerations, readinessGates and the like are atomic. */
  private static final Map<String, ListRule> POD_SPEC = new Builder()
      .put("containers", NAME).mount("containers", CONTAINER)
      .put("initContainers", NAME).mount("initContainers", CONTAINER)
      .put("ephemeralContainers", NAME).mount("ephemeralContainers", CONTAINER)
      .put("volumes", NAME)
      .put("imagePullSecrets", NAME)
      .put("hostAliases", IP)
      .put("topologySpreadConstraints", ListRule.byKey("topologyKey"))
      .put("resourceClaims", NAME)
      .put("schedulingGates", NAME)
      .build();

  /** core/v1 PodStatus; containerStatuses are atomic. */
  private static final Map<String, ListRule> POD_STATUS = Map.of(
      "conditions", TYPE,
      "podIPs", IP,
      "hostIPs", IP,
      "resourceClaimStatuses", NAME);

  /** core/v1 PodTemplateSpec. */
  private static final Map<String, ListRule> POD_TEMPLATE = new Builder()
      .mount("metadata", OBJECT_META)
      .mount("spec", POD_SPEC)
      .build();

  /**
   * apps/v1 Deployment, ReplicaSet, DaemonSet and StatefulSet, v1 ReplicationController, batch/v1 Job (status
   * conditions keyed by type). A StatefulSet's {@code volumeClaimTemplates} carry no patch strategy: atomic.
   */
  private static final Map<String, ListRule> WORKLOAD = new Builder()
      .mount("spec.template", POD_TEMPLATE)
      .put("status.conditions", TYPE)
      .build();

  /** The rules of each kind beyond ObjectMeta, by {@code apiVersion/kind}. */
  private static final Map<String, Map<String, ListRule>> OWN = Map.ofEntries(
      Map.entry(key(ResourceTypes.PODS), new Builder().mount("spec", POD_SPEC).mount("status", POD_STATUS).build()),
      Map.entry(key(ResourceTypes.DEPLOYMENTS), WORKLOAD),
      Map.entry(key(ResourceTypes.REPLICASETS), WORKLOAD),
      Map.entry(key(ResourceTypes.DAEMONSETS), WORKLOAD),
      Map.entry(key(ResourceTypes.STATEFULSETS), WORKLOAD),
      Map.entry(key(ResourceTypes.REPLICATIONCONTROLLERS), WORKLOAD),
      Map.entry(key(ResourceTypes.JOBS), WORKLOAD),
      Map.entry(key(ResourceTypes.PODTEMPLATES), new Builder().mount("template", POD_TEMPLATE).build()),
      // CronJobSpec.jobTemplate.spec is a JobSpec: its pod template merges as a Job's
      Map.entry(key(ResourceTypes.CRONJOBS), new Builder().mount("spec.jobTemplate.spec.template", POD_TEMPLATE).build()),
      // ServiceSpec.ports: the tag says "port"; the listMapKeys (port, protocol) are for server-side apply.
      Map.entry(key(ResourceTypes.SERVICES), Map.of("spec.ports", ListRule.byKey("port"), "status.conditions", TYPE)),
      // NodeSpec.taints has no tags, so it is atomic; NamespaceSpec.finalizers is listType=atomic.
      Map.entry(key(ResourceTypes.NODES), Map.of(
          "spec.podCIDRs", ListRule.SCALAR_SET, "status.addresses", TYPE, "status.conditions", TYPE)),
      Map.entry(key(ResourceTypes.NAMESPACES), Map.of("status.conditions", TYPE)),
      // ServiceAccount.secrets: patchStrategy merge, patchMergeKey name; imagePullSecrets is atomic.
      Map.entry(key(ResourceTypes.SERVICEACCOUNTS), Map.of("secrets", NAME)),
      Map.entry(key(ResourceTypes.PODDISRUPTIONBUDGETS), Map.of("status.conditions", TYPE)));

  /** Maps a patch replaces whole ({@code patchStrategy=replace}), by {@code apiVersion/kind}. */
  private static final Map<String, Set<String>> REPLACED_MAPS = Map.of(
      key(ResourceTypes.PODDISRUPTIONBUDGETS), Set.of("spec.selector"));

  private static final MergeKeys OBJECT_META_ONLY = of(Map.of(), Set.of());

  /** Precomputed tables by {@code apiVersion/kind}. */
  private static final Map<String, MergeKeys> TABLES = precompute();

  private final Map<String, ListRule> lists;
  private final Set<String> replacedMaps;

  private MergeKeys(Map<String, ListRule> lists, Set<String> replacedMaps) {
    this.lists = Map.copyOf(lists);
    this.replacedMaps = Set.copyOf(replacedMaps);
  }

  /**
   * The table for a kind. Kinds without keyed lists of their own (Endpoints, EndpointSlice, Ingress,
   * NetworkPolicy, ConfigMap, ...) and kinds Gantry does not know get the ObjectMeta rules only.
   */
  public static MergeKeys forType(ResourceType type) {
    return TABLES.getOrDefault(key(type), OBJECT_META_ONLY);
  }

  /** The rule of the list at {@code path}, or empty when that list is atomic (or not a list). */
  public Optional<ListRule> list(String path) {
    return Optional.ofNullable(lists.get(path));
  }

  /** Whether a patch replaces the map at {@code path} rather than merging into it. */
  public boolean replacesMap(String path) {
    return replacedMaps.contains(path);
  }

  /** Every merging list path, for documentation and tests. */
  public Map<String, ListRule> lists() {
    return lists;
  }

  private static Map<String, MergeKeys> precompute() {
    Map<String, MergeKeys> tables = new HashMap<>();
    OWN.forEach((kind, own) -> tables.put(kind, of(own, REPLACED_MAPS.getOrDefault(kind, Set.of()))));
    return Map.copyOf(tables);
  }

  private static MergeKeys of(Map<String, ListRule> own, Set<String> replacedMaps) {
    return new MergeKeys(new Builder().mount("metadata", OBJECT_META).mount("", own).build(), replacedMaps);
  }

  private static String key(ResourceType type) {
    return type.apiVersion() + "/" + type.kind();
  }

  /** Collects paths, mounting fragments under a prefix. */
  private static final class Builder {
    private final Map<String, ListRule> lists = new HashMap<>();

    Builder put(String path, ListRule rule) {
      lists.put(path, rule);
      return this;
    }

    Builder mount(String prefix, Map<String, ListRule> fragment) {
      fragment.forEach((path, rule) -> lists.put(prefix.isEmpty() ? path : prefix + "." + path, rule));
      return this;
    }

    Map<String, ListRule> build() {
      return Map.copyOf(lists);
    }
  }
}
