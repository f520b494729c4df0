package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.conversion.HorizontalPodAutoscalerDefaults;
import io.gantry.control.server.quota.ResourceLists;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;

/**
 * The defaults kube-apiserver fills in on create and update (k8s.io/api's {@code SetDefaults_*}),
 * for the fields that clients and Gantry's controllers read.
 */
final class Defaults {

  private Defaults() {}

  static void apply(ResourceType type, ObjectNode object) {
    if (type == ResourceTypes.SERVICES) {
      service(spec(object));
      loadBalancerStatus(object);
    } else if (type == ResourceTypes.PODS) {
      ObjectNode spec = spec(object);
      podSpec(spec);
      for (String list : new String[] {"containers", "initContainers"}) {
        for (JsonNode container : array(spec, list)) {
          requestsFromLimits(container);
        }
      }
      // priority and preemptionPolicy come from the Priority admission plugin, not defaulting
    } else if (type == ResourceTypes.HORIZONTALPODAUTOSCALERS) {
      HorizontalPodAutoscalerDefaults.v2(object);
    } else if (type == ResourceTypes.HORIZONTALPODAUTOSCALERS_V1) {
      HorizontalPodAutoscalerDefaults.v1(object);
    } else if (type == ResourceTypes.PRIORITYCLASSES) {
      putIfAbsent(object, "preemptionPolicy", "PreemptLowerPriority"); // SetDefaults_PriorityClass
    } else if (type == ResourceTypes.STORAGECLASSES) {
      // SetDefaults_StorageClass
      putIfNull(object, "reclaimPolicy", "Delete");
      putIfNull(object, "volumeBindingMode", "Immediate");
    } else if (type == ResourceTypes.DEPLOYMENTS || type == ResourceTypes.REPLICASETS) {
      workload(type, object);
    } else if (type == ResourceTypes.REPLICATIONCONTROLLERS) {
      replicationController(object);
      workload(type, object);
    } else if (type == ResourceTypes.PODTEMPLATES) {
      // SetObjectDefaults_PodTemplate: the template's pod spec as a workload's (no requests from limits)
      podSpec(spec(object(object, "template")));
    } else if (type == ResourceTypes.DAEMONSETS) {
      daemonSet(object);
    } else if (type == ResourceTypes.STATEFULSETS) {
      statefulSet(object);
    } else if (type == ResourceTypes.JOBS) {
      job(object);
    } else if (type == ResourceTypes.CRONJOBS) {
      cronJob(object);
    } else if (type == ResourceTypes.SECRETS) {
      putIfAbsent(object, "type", "Opaque");
      mergeStringData(object);
    } else if (type == ResourceTypes.NETWORKPOLICIES) {
      networkPolicy(spec(object));
    } else if (type == ResourceTypes.INGRESSCLASSES && spec(object).get("parameters") instanceof ObjectNode parameters
        && !parameters.hasNonNull("scope")) {
      parameters.put("scope", "Cluster");
    } else if (type == ResourceTypes.NAMESPACES && !ObjectMeta.name(object).isEmpty()) {
      // the namespace strategy's label, which namespaceSelectors rely on; clients cannot change it
      object(ObjectMeta.metadata(object), "labels").put("kubernetes.io/metadata.name", ObjectMeta.name(object));
    } else if (type == ResourceTypes.ENDPOINTS) {
      for (JsonNode subset : array(object, "subsets")) {
        if (subset instanceof ObjectNode s) {
          defaultProtocols(s, "ports");
        }
      }
    } else if (type == ResourceTypes.ROLEBINDINGS || type == ResourceTypes.CLUSTERROLEBINDINGS) {
      roleBinding(object);
    } else if (type == ResourceTypes.RESOURCEQUOTAS) {
      // quantities read back in canonical form, as kube-apiserver re-encodes them (cpu: 1000m is "1")
      ResourceLists.canonicalize(object.path("spec").path("hard"));
      ResourceLists.canonicalize(object.path("status").path("hard"));
      ResourceLists.canonicalize(object.path("status").path("used"));
    } else if (type == ResourceTypes.PODDISRUPTIONBUDGETS && object.get("status") instanceof ObjectNode status) {
      disruptionCounts(status);
    } else if (type == ResourceTypes.PERSISTENTVOLUMECLAIMS || type == ResourceTypes.PERSISTENTVOLUMES) {
      persistentVolume(type, object);
    } else if (type == ResourceTypes.LIMITRANGES) {
      LimitRangeDefaults.apply(object);
    } else if (type == ResourceTypes.ENDPOINTSLICES) {
      // discovery/v1 SetDefaults_EndpointPort: a nil name becomes "", a nil protocol TCP ("" stays)
      for (JsonNode port : array(object, "ports")) {
        if (port instanceof ObjectNode p) {
          putIfNull(p, "protocol", "TCP");
        }
      }
      for (JsonNode port : array(object, "ports")) {
        if (port instanceof ObjectNode p && !p.hasNonNull("name")) {
          p.put("name", "");
        }
      }
    }
  }

  /**
   * SetDefaults_PersistentVolume(Claim): the Filesystem volume mode, a Pending phase, and for a volume
   * the Retain reclaim policy.
   */
  private static void persistentVolume(ResourceType type, ObjectNode object) {
    ObjectNode spec = spec(object);
    putIfNull(spec, "volumeMode", "Filesystem");
    if (type == ResourceTypes.PERSISTENTVOLUMES) {
      putIfAbsent(spec, "persistentVolumeReclaimPolicy", "Retain");
    }
    if (object.get("status") instanceof ObjectNode status) {
      putIfAbsent(status, "phase", "Pending");
    }
  }

  /** SetDefaults_RoleBinding and SetDefaults_Subject: a role and Users and Groups of the RBAC API group. */
  private static void roleBinding(ObjectNode binding) {
    if (binding.get("roleRef") instanceof ObjectNode roleRef) {
      putIfAbsent(roleRef, "apiGroup", "rbac.authorization.k8s.io");
    }
    for (JsonNode subject : array(binding, "subjects")) {
      String kind = subject.path("kind").asText("");
      if (subject instanceof ObjectNode s && (kind.equals("User") || kind.equals("Group"))) {
        putIfAbsent(s, "apiGroup", "rbac.authorization.k8s.io");
      }
    }
  }

  /** A PodDisruptionBudget status's counts, which Go always encodes (no omitempty): 0 when unset. */
  static void disruptionCounts(ObjectNode status) {
    for (String count : new String[] {"disruptionsAllowed", "currentHealthy", "desiredHealthy", "expectedPods"}) {
      if (!status.hasNonNull(count)) {
        status.put(count, 0);
      }
    }
  }

  private static void defaultProtocols(ObjectNode parent, String list) {
    for (JsonNode port : array(parent, list)) {
      if (port instanceof ObjectNode p) {
        putIfAbsent(p, "protocol", "TCP");
      }
    }
  }

  private static void service(ObjectNode spec) {
    if (spec.has("selector") && spec.get("selector").isEmpty()) {
      spec.remove("selector"); // an empty map with omitempty: kube-apiserver stores and returns none
    }
    putIfAbsent(spec, "type", "ClusterIP");
    putIfAbsent(spec, "sessionAffinity", "None");
    String type = spec.path("type").asText();
    if (!"ExternalName".equals(type)) {
      putIfNull(spec, "internalTrafficPolicy", "Cluster"); // a pointer upstream, unlike externalTrafficPolicy
    }
    // ExternallyAccessible: NodePort, LoadBalancer, or ClusterIP with external IPs
    if ("NodePort".equals(type) || "LoadBalancer".equals(type)
        || "ClusterIP".equals(type) && !spec.path("externalIPs").isEmpty()) {
      putIfAbsent(spec, "externalTrafficPolicy", "Cluster");
    }
    switch (spec.path("sessionAffinity").asText()) {
      // a switch back to None (a PUT or patch that keeps the old config) drops the config, as upstream does
      case "None" -> spec.remove("sessionAffinityConfig");
      case "ClientIP" -> {
        ObjectNode config = object(spec, "sessionAffinityConfig");
        ObjectNode clientIp = object(config, "clientIP");
        if (!clientIp.hasNonNull("timeoutSeconds")) {
          clientIp.put("timeoutSeconds", 10800);
        }
      }
      default -> { }
    }
    for (JsonNode port : array(spec, "ports")) {
      if (port instanceof ObjectNode p) {
        putIfAbsent(p, "protocol", "TCP");
        JsonNode target = p.get("targetPort");
        boolean unset = target == null || target.isNull() || target.isIntegralNumber() && target.asLong() == 0
            || target.isTextual() && target.asText().isEmpty();
        if (unset && p.has("port")) {
          p.set("targetPort", p.get("port"));
        }
      }
    }
  }

  /** LoadBalancerIPMode: an ingress entry with an IP and no ipMode is a VIP. */
  private static void loadBalancerStatus(ObjectNode service) {
    if (!"LoadBalancer".equals(service.path("spec").path("type").asText())) {
      return;
    }
    for (JsonNode ingress : service.path("status").path("loadBalancer").path("ingress")) {
      if (ingress instanceof ObjectNode entry && !entry.path("ip").asText("").isEmpty() && !entry.hasNonNull("ipMode")) {
        entry.put("ipMode", "VIP");
      }
    }
  }

  private static void workload(ResourceType type, ObjectNode object) {
    ObjectNode spec = spec(object);
    if (!spec.has("replicas")) {
      spec.put("replicas", 1);
    }
    if (type == ResourceTypes.DEPLOYMENTS) {
      ObjectNode strategy = object(spec, "strategy");
      putIfAbsent(strategy, "type", "RollingUpdate");
      if ("RollingUpdate".equals(strategy.path("type").asText())) {
        ObjectNode rolling = object(strategy, "rollingUpdate");
        putIfAbsent(rolling, "maxUnavailable", "25%");
        putIfAbsent(rolling, "maxSurge", "25%");
      }
      if (!spec.has("revisionHistoryLimit")) {
        spec.put("revisionHistoryLimit", 10);
      }
      if (!spec.has("progressDeadlineSeconds")) {
        spec.put("progressDeadlineSeconds", 600);
      }
    }
    JsonNode template = spec.get("template");
    if (template instanceof ObjectNode t) {
      podSpec(spec(t));
    }
  }

  /**
   * apps/v1 SetDefaults_DaemonSet: RollingUpdate, one pod unavailable at a time and no surge, ten
   * revisions kept; the template's pod spec as for other workloads.
   */
  private static void daemonSet(ObjectNode object) {
    ObjectNode spec = spec(object);
    ObjectNode strategy = object(spec, "updateStrategy");
    putIfAbsent(strategy, "type", "RollingUpdate");
    if ("RollingUpdate".equals(strategy.path("type").asText())) {
      ObjectNode rolling = object(strategy, "rollingUpdate");
      if (!rolling.hasNonNull("maxUnavailable")) {
        rolling.put("maxUnavailable", 1);
      }
      if (!rolling.hasNonNull("maxSurge")) {
        rolling.put("maxSurge", 0);
      }
    }
    if (!spec.hasNonNull("revisionHistoryLimit")) {
      spec.put("revisionHistoryLimit", 10);
    }
    if (spec.get("template") instanceof ObjectNode template) {
      podSpec(spec(template));
    }
  }

  /**
   * SetDefaults_ReplicationController: the template's labels become the selector and the labels
   * when those are empty.
   */
  private static void replicationController(ObjectNode rc) {
    JsonNode labels = rc.path("spec").path("template").path("metadata").get("labels");
    if (labels == null || !labels.isObject()) {
      return;
    }
    ObjectNode spec = spec(rc);
    if (spec.path("selector").isEmpty()) {
      spec.set("selector", labels.deepCopy());
    }
    ObjectNode metadata = ObjectMeta.metadata(rc);
    if (metadata.path("labels").isEmpty()) {
      metadata.set("labels", labels.deepCopy());
    }
  }

  /**
   * apps/v1 SetDefaults_StatefulSet: OrderedReady, a RollingUpdate strategy (with partition 0 when
   * the strategy was not given, or given with a {@code rollingUpdate}), claims retained when the set is
   * deleted or scaled (StatefulSetAutoDeletePVC, on by default), one replica, ten revisions kept; the
   * pod template as other workloads', and each claim template as SetDefaults_PersistentVolumeClaim
   * (a {@code Filesystem} volume, a {@code Pending} phase) leaves it, with the {@code v1}
   * {@code PersistentVolumeClaim} type its embedded object is written with.
   */
  private static void statefulSet(ObjectNode object) {
    ObjectNode spec = spec(object);
    putIfAbsent(spec, "podManagementPolicy", "OrderedReady");
    ObjectNode strategy = object(spec, "updateStrategy");
    if (!strategy.hasNonNull("type") || strategy.get("type").asText().isEmpty()) {
      strategy.put("type", "RollingUpdate");
      object(strategy, "rollingUpdate");
    }
    if ("RollingUpdate".equals(strategy.path("type").asText()) && strategy.get("rollingUpdate") instanceof ObjectNode r
        && !r.hasNonNull("partition")) {
      r.put("partition", 0);
    }
    ObjectNode retention = object(spec, "persistentVolumeClaimRetentionPolicy");
    putIfAbsent(retention, "whenDeleted", "Retain");
    putIfAbsent(retention, "whenScaled", "Retain");
    if (!spec.hasNonNull("replicas")) {
      spec.put("replicas", 1);
    }
    if (!spec.hasNonNull("revisionHistoryLimit")) {
      spec.put("revisionHistoryLimit", 10);
    }
    if (spec.get("template") instanceof ObjectNode template) {
      podSpec(spec(template));
    }
    for (JsonNode claim : array(spec, "volumeClaimTemplates")) {
      if (claim instanceof ObjectNode c) {
        putIfAbsent(c, "apiVersion", "v1");
        putIfAbsent(c, "kind", "PersistentVolumeClaim");
        putIfNull(spec(c), "volumeMode", "Filesystem");
        putIfAbsent(object(c, "status"), "phase", "Pending");
      }
    }
  }

  /**
   * batch/v1 SetDefaults_Job: both counts 1 when neither is set (a parallelism alone leaves
   * completions unset, a work queue), six retries, NonIndexed, not suspended, replacement once a
   * pod terminates or fails; the template's pod spec as for other workloads.
   */
  private static void job(ObjectNode object) {
    ObjectNode spec = spec(object);
    if (!spec.hasNonNull("completions") && !spec.hasNonNull("parallelism")) {
      spec.put("completions", 1);
    }
    if (!spec.hasNonNull("parallelism")) {
      spec.put("parallelism", 1);
    }
    if (!spec.hasNonNull("backoffLimit")) {
      spec.put("backoffLimit", spec.hasNonNull("backoffLimitPerIndex") ? Integer.MAX_VALUE : 6);
    }
    putIfNull(spec, "completionMode", "NonIndexed");
    if (!spec.hasNonNull("suspend")) {
      spec.put("suspend", false);
    }
    putIfNull(spec, "podReplacementPolicy", spec.hasNonNull("podFailurePolicy") ? "Failed" : "TerminatingOrFailed");
    if (spec.get("template") instanceof ObjectNode template) {
      podSpec(spec(template));
    }
    jobLabels(object);
  }

  /**
   * batch/v1 SetDefaults_CronJob: Allow, not suspended, three successful and one failed Job kept. The
   * job template gets only the pod template's defaults, as the generated defaulters walk into it:
   * SetDefaults_Job (counts, backoffLimit, labels) and the selector come when the controller creates
   * the Job.
   */
  private static void cronJob(ObjectNode object) {
    ObjectNode spec = spec(object);
    putIfAbsent(spec, "concurrencyPolicy", "Allow");
    if (!spec.hasNonNull("suspend")) {
      spec.put("suspend", false);
    }
    if (!spec.hasNonNull("successfulJobsHistoryLimit")) {
      spec.put("successfulJobsHistoryLimit", 3);
    }
    if (!spec.hasNonNull("failedJobsHistoryLimit")) {
      spec.put("failedJobsHistoryLimit", 1);
    }
    if (spec.path("jobTemplate").path("spec").get("template") instanceof ObjectNode template) {
      podSpec(spec(template));
    }
  }

  /** SetDefaults_Job: a Job without labels of its own takes its pod template's. */
  static void jobLabels(ObjectNode job) {
    JsonNode templateLabels = job.path("spec").path("template").path("metadata").get("labels");
    JsonNode labels = job.path("metadata").get("labels");
    if (templateLabels instanceof ObjectNode && (labels == null || labels.isNull() || labels.isEmpty())) {
      ObjectMeta.metadata(job).set("labels", templateLabels.deepCopy());
    }
  }

  private static void podSpec(ObjectNode spec) {
    serviceAccountNames(spec);
    putIfAbsent(spec, "restartPolicy", "Always");
    putIfAbsent(spec, "dnsPolicy", "ClusterFirst");
    putIfAbsent(spec, "schedulerName", "default-scheduler");
    if (!spec.has("terminationGracePeriodSeconds")) {
      spec.put("terminationGracePeriodSeconds", 30);
    }
    if (!spec.has("securityContext")) {
      spec.putObject("securityContext");
    }
    if (!spec.hasNonNull("enableServiceLinks")) {
      spec.put("enableServiceLinks", true);
    }
    boolean hostNetwork = spec.path("hostNetwork").asBoolean(false);
    for (String list : new String[] {"containers", "initContainers"}) {
      for (JsonNode c : array(spec, list)) {
        if (c instanceof ObjectNode container) {
          container(container);
          if (hostNetwork) {
            hostNetworkPorts(container);
          }
        }
      }
    }
  }

  /**
   * SetDefaults_Pod: a resource a container limits but does not request is requested at its limit
   * (pods only: templates keep what they say).
   */
  private static void requestsFromLimits(JsonNode container) {
    if (container.get("resources") instanceof ObjectNode resources
        && resources.get("limits") instanceof ObjectNode limits && !limits.isEmpty()) {
      ObjectNode requests = resources.get("requests") instanceof ObjectNode r ? r : resources.putObject("requests");
      limits.properties().forEach(limit -> {
        if (!requests.has(limit.getKey())) {
          requests.set(limit.getKey(), limit.getValue());
        }
      });
    }
  }

  /** Upstream's {@code defaultHostNetworkPorts}: a host-network pod's container ports are host ports. */
  private static void hostNetworkPorts(ObjectNode container) {
    for (JsonNode p : container.path("ports")) {
      if (p instanceof ObjectNode port && port.path("hostPort").asInt(0) == 0) {
        port.put("hostPort", port.path("containerPort").asInt());
      }
    }
  }

  /**
   * The v1 conversion of the deprecated {@code serviceAccount}: an empty {@code serviceAccountName}
   * takes its value, and it always reads back as {@code serviceAccountName}.
   */
  static void serviceAccountNames(ObjectNode spec) {
    if (spec.path("serviceAccountName").asText("").isEmpty() && !spec.path("serviceAccount").asText("").isEmpty()) {
      spec.put("serviceAccountName", spec.path("serviceAccount").asText());
    }
    String name = spec.path("serviceAccountName").asText("");
    if (name.isEmpty()) {
      spec.remove("serviceAccountName");
      spec.remove("serviceAccount");
    } else {
      spec.put("serviceAccount", name);
    }
  }

  private static void container(ObjectNode container) {
    putIfAbsent(container, "terminationMessagePath", "/dev/termination-log");
    putIfAbsent(container, "terminationMessagePolicy", "File");
    for (JsonNode env : array(container, "env")) {
      if (env.path("valueFrom").get("fieldRef") instanceof ObjectNode fieldRef) {
        putIfAbsent(fieldRef, "apiVersion", "v1"); // SetDefaults_ObjectFieldSelector
      }
    }
    if (!container.has("imagePullPolicy")) {
      String image = container.path("image").asText();
      String tag = image.contains("@") ? "digest" : image.substring(image.lastIndexOf('/') + 1);
      boolean latest = !tag.contains(":") || tag.endsWith(":latest");
      container.put("imagePullPolicy", latest && !tag.equals("digest") ? "Always" : "IfNotPresent");
    }
    if (!container.has("resources")) {
      container.putObject("resources");
    }
    for (String kind : new String[] {"livenessProbe", "readinessProbe", "startupProbe"}) {
      if (container.get(kind) instanceof ObjectNode probe) {
        probe(probe);
      }
    }
    for (JsonNode port : array(container, "ports")) {
      if (port instanceof ObjectNode p) {
        putIfAbsent(p, "protocol", "TCP");
      }
    }
  }

  /** SetDefaults_Probe and SetDefaults_HTTPGetAction. */
  private static void probe(ObjectNode probe) {
    putIfAbsent(probe, "timeoutSeconds", 1);
    putIfAbsent(probe, "periodSeconds", 10);
    putIfAbsent(probe, "successThreshold", 1);
    putIfAbsent(probe, "failureThreshold", 3);
    if (probe.get("httpGet") instanceof ObjectNode httpGet) {
      putIfAbsent(httpGet, "path", "/");
      putIfAbsent(httpGet, "scheme", "HTTP");
    }
  }

  private static void networkPolicy(ObjectNode spec) {
    // a struct, not a pointer: Go writes it even when empty ({} selects every pod of the namespace)
    if (!(spec.get("podSelector") instanceof ObjectNode)) {
      spec.putObject("podSelector");
    }
    if (!spec.has("policyTypes") || spec.get("policyTypes").isEmpty()) {
      ArrayNode types = spec.putArray("policyTypes");
      types.add("Ingress");
      if (!spec.path("egress").isEmpty()) { // upstream: len(spec.Egress) != 0, so not for "egress: []"
        types.add("Egress");
      }
    }
    for (String direction : new String[] {"ingress", "egress"}) {
      for (JsonNode rule : array(spec, direction)) {
        for (JsonNode port : rule.path("ports")) {
          if (port instanceof ObjectNode p) {
            putIfNull(p, "protocol", "TCP"); // a pointer upstream: "" stays, and validation refuses it
          }
        }
      }
    }
  }

  /** {@code stringData} is write-only: its entries are encoded into {@code data}, overriding it. */
  private static void mergeStringData(ObjectNode secret) {
    JsonNode stringData = secret.remove("stringData");
    if (stringData == null || !stringData.isObject() || stringData.isEmpty()) {
      return;
    }
    ObjectNode data = object(secret, "data");
    stringData.properties().forEach(entry -> data.put(entry.getKey(), java.util.Base64.getEncoder()
        .encodeToString(entry.getValue().asText().getBytes(java.nio.charset.StandardCharsets.UTF_8))));
  }

  static ObjectNode spec(ObjectNode object) {
    return object(object, "spec");
  }

  private static ObjectNode object(ObjectNode parent, String field) {
    JsonNode node = parent.get(field);
    if (node instanceof ObjectNode o) {
      return o;
    }
    return parent.putObject(field);
  }

  private static Iterable<JsonNode> array(ObjectNode parent, String field) {
    JsonNode node = parent.get(field);
    return node != null && node.isArray() ? node : java.util.List.of();
  }

  /** Go's nil-or-zero check of an int32 default: 0 counts as unset, as it does upstream. */
  private static void putIfAbsent(ObjectNode node, String field, int value) {
    if (node.path(field).asInt(0) == 0) {
      node.put(field, value);
    }
  }

  /** Defaults a field that is a pointer upstream: only absent or null, not "", gets the default. */
  private static void putIfNull(ObjectNode node, String field, String value) {
    if (!node.hasNonNull(field)) {
      node.put(field, value);
    }
  }

  /** Defaults a field that is a plain string upstream: absent, null and "" get the default. */
  private static void putIfAbsent(ObjectNode node, String field, String value) {
    if (!node.hasNonNull(field) || node.get(field).asText().isEmpty()) {
      node.put(field, value);
    }
  }
}
