package io.gantry.control.server.validation;

import static io.gantry.control.server.validation.ValidationFixtures.LABEL_MSG;
import static io.gantry.control.server.validation.ValidationFixtures.NAME_PART_MSG;
import static io.gantry.control.server.validation.ValidationFixtures.SUBDOMAIN_MSG;
import static io.gantry.control.server.validation.ValidationFixtures.create;
import static io.gantry.control.server.validation.ValidationFixtures.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodSpecValidationTest {

  private static final String POD = """
      apiVersion: v1
      kind: Pod
      metadata: {name: web-0, namespace: default, labels: {app: web}}
      spec:
        restartPolicy: Always
        volumes:
        - {name: config, configMap: {name: web-config}}
        initContainers:
        - {name: init, image: busybox:1.36, command: [sh, -c, "true"]}
        containers:
        - name: web
          image: nginx:1.27
          ports: [{name: http, containerPort: 80}]
          env: [{name: MODE, value: prod}]
          volumeMounts: [{name: config, mountPath: /etc/web}]
          resources:
            requests: {cpu: 250m, memory: 64Mi}
            limits: {cpu: "1", memory: 128Mi}
          readinessProbe: {httpGet: {path: /healthz, port: http}, periodSeconds: 5}
          livenessProbe: {tcpSocket: {port: 80}, initialDelaySeconds: 10}
      """;

  private static List<String> pod(String spec) {
    return create(ResourceTypes.PODS, "metadata: {name: p, namespace: default}\nspec:\n" + spec.indent(2));
  }

  @Test
  void realisticPodPasses() {
    assertEquals(List.of(), create(ResourceTypes.PODS, POD));
  }

  @Test
  void dnsConfigAsUpstreamValidatesIt() {
    String containers = "containers: [{name: web, image: nginx}]\n";
    assertEquals(List.of(), pod(containers + "dnsPolicy: None\ndnsConfig: {nameservers: [1.2.3.4], searches: "
        + "[ns1.svc.cluster-domain.example., my.dns.search.suffix], options: [{name: ndots, value: \"2\"}, "
        + "{name: edns0}]}"));
    assertEquals(List.of("spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None"),
        pod(containers + "dnsPolicy: None"));
    assertEquals(List.of("spec.dnsConfig.nameservers: Required value: must provide at least one DNS nameserver "
        + "when `dnsPolicy` is None"), pod(containers + "dnsPolicy: None\ndnsConfig: {searches: [a.b]}"));
    assertEquals(List.of("spec.dnsConfig.nameservers: Invalid value: []string{\"1.1.1.1\", \"dns.example\", "
        + "\"1.1.1.3\", \"1.1.1.4\"}: must not have more than 3 nameservers",
        "spec.dnsConfig.nameservers[1]: Invalid value: \"dns.example\": must be a valid IP address, (e.g. 10.9.8.7 "
        + "or 2001:db8::ffff)",
        "spec.dnsConfig.searches[0]: Invalid value: \"Bad_Name\": " + SUBDOMAIN_MSG,
        "spec.dnsConfig.options[0]: Required value: Option.Name must not be empty"),
        pod(containers + "dnsConfig: {nameservers: [1.1.1.1, dns.example, 1.1.1.3, 1.1.1.4], searches: [Bad_Name], "
            + "options: [{value: x}]}"));
  }

  @Test
  void hostAliasesNeedAnIpAndSubdomainHostnames() {
    String containers = "containers: [{name: web, image: nginx}]\n";
    assertEquals(List.of(), pod(containers + "hostAliases: [{ip: 127.0.0.1, hostnames: [foo.local, bar.local]}]"));
    assertEquals(List.of("spec.hostAliases[0].ip: Invalid value: \"local\": must be a valid IP address, (e.g. "
        + "10.9.8.7 or 2001:db8::ffff)", "spec.hostAliases[0].hostnames[1]: Invalid value: \"Bar_\": " + SUBDOMAIN_MSG),
        pod(containers + "hostAliases: [{ip: local, hostnames: [foo.local, Bar_]}]"));
  }

  @Test
  void containersRequired() {
    assertEquals(List.of("spec.containers: Required value"), pod("restartPolicy: Always"));
  }

  @Test
  void containerNamesAreUniqueLabelsAcrossInitContainers() {
    assertEquals(List.of("spec.containers[0].name: Invalid value: \"Web\": " + LABEL_MSG),
        pod("containers: [{name: Web, image: nginx}]"));
    assertEquals(List.of("spec.initContainers[0].name: Duplicate value: \"web\""),
        pod("containers: [{name: web, image: nginx}]\ninitContainers: [{name: web, image: busybox}]"));
    assertEquals(List.of("spec.containers[0].name: Required value"), pod("containers: [{image: nginx}]"));
  }

  @Test
  void imageRequired() {
    assertEquals(List.of("spec.containers[0].image: Required value"), pod("containers: [{name: web}]"));
  }

  @Test
  void containerPorts() {
    assertEquals(List.of("spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and"
        + " 65535, inclusive"), pod("containers: [{name: web, image: nginx, ports: [{containerPort: 70000}]}]"));
    assertEquals(List.of("spec.containers[0].ports[0].containerPort: Required value"),
        pod("containers: [{name: web, image: nginx, ports: [{name: http}]}]"));
    assertEquals(List.of("spec.containers[0].ports[0].protocol: Unsupported value: \"ICMP\": supported values:"
        + " \"SCTP\", \"TCP\", \"UDP\""),
        pod("containers: [{name: web, image: nginx, ports: [{containerPort: 80, protocol: ICMP}]}]"));
    assertEquals(List.of("spec.containers[0].ports[0].name: Invalid value: \"http-management-x\": must be no more than"
        + " 15 characters"),
        pod("containers: [{name: web, image: nginx, ports: [{name: http-management-x, containerPort: 80}]}]"));
    assertEquals(List.of("spec.containers[0].ports[1].name: Duplicate value: \"http\""),
        pod("containers: [{name: web, image: nginx, ports: [{name: http, containerPort: 80},"
            + " {name: http, containerPort: 81}]}]"));
  }

  @Test
  void restartPolicy() {
    assertEquals(List.of("spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\","
        + " \"OnFailure\", \"Never\""), pod("restartPolicy: Sometimes\ncontainers: [{name: web, image: nginx}]"));
  }

  @Test
  void envNames() {
    assertEquals(List.of("spec.containers[0].env[0].name: Invalid value: \"A=B\": a valid environment variable name"
        + " must consist only of printable ASCII characters other than '='"),
        pod("containers: [{name: web, image: nginx, env: [{name: A=B, value: x}]}]"));
    assertEquals(List.of("spec.containers[0].env[0].name: Required value",
            "spec.containers[0].env[0].name: Invalid value: \"\": environment variable name must be non-empty"),
        pod("containers: [{name: web, image: nginx, env: [{value: x}]}]"));
  }

  @Test
  void tolerationsAsValidateTolerations() {
    String head = "containers: [{name: web, image: nginx}]\ntolerations: [%s]";
    assertEquals(List.of(), pod(head.formatted("{key: a, operator: Exists, effect: NoExecute, tolerationSeconds: 5},"
        + " {operator: Exists}, {key: b, value: c, effect: NoSchedule}")));
    assertEquals(List.of("spec.tolerations[0].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when"
        + " `tolerationSeconds` is set"), pod(head.formatted("{key: a, operator: Exists, effect: NoSchedule,"
        + " tolerationSeconds: 5}")));
    assertEquals(List.of("spec.tolerations[0].operator: Invalid value: core.Toleration{Key:\"a\", Operator:\"Exists\","
        + " Value:\"b\", Effect:\"\", TolerationSeconds:(*int64)(nil)}: value must be empty when `operator` is"
        + " 'Exists'"), pod(head.formatted("{key: a, operator: Exists, value: b}")));
    assertEquals(List.of("spec.tolerations[0].operator: Invalid value: \"Equal\": operator must be Exists when `key`"
        + " is empty, which means \"match all values and all keys\""), pod(head.formatted("{operator: Equal}")));
    assertEquals(List.of("spec.tolerations[0].operator: Unsupported value: \"Bogus\": supported values: \"Equal\","
        + " \"Exists\""), pod(head.formatted("{key: a, operator: Bogus}")));
    assertEquals(List.of("spec.tolerations[0].effect: Unsupported value: \"Sometimes\": supported values:"
        + " \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\""), pod(head.formatted("{key: a, effect: Sometimes}")));
  }

  @Test
  void topologySpreadConstraintsAsValidateTopologySpreadConstraints() {
    String head = "containers: [{name: web, image: nginx}]\ntopologySpreadConstraints: [%s]";
    String zone = "maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule";
    assertEquals(List.of(), pod(head.formatted("{" + zone + ", minDomains: 2, nodeAffinityPolicy: Ignore,"
        + " nodeTaintsPolicy: Honor, labelSelector: {matchLabels: {app: web}}, matchLabelKeys: [pod-template-hash]},"
        + " {maxSkew: 2, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway}")));
    assertEquals(List.of("spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero",
        "spec.topologySpreadConstraints[0].topologyKey: Required value: can not be empty",
        "spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: \"Sometimes\": supported values:"
            + " \"DoNotSchedule\", \"ScheduleAnyway\""),
        pod(head.formatted("{maxSkew: 0, whenUnsatisfiable: Sometimes}")));
    assertEquals(List.of("spec.topologySpreadConstraints[0].{topologyKey, whenUnsatisfiable}: Duplicate value:"
        + " \"{zone, DoNotSchedule}\""), pod(head.formatted("{" + zone + "}, {" + zone.replace("1", "2") + "}")));
    assertEquals(List.of("spec.topologySpreadConstraints[0].minDomains: Invalid value: 0: must be greater than zero"),
        pod(head.formatted("{" + zone + ", minDomains: 0}")));
    assertEquals(List.of("spec.topologySpreadConstraints[0].minDomains: Invalid value: 3: can only use minDomains if"
        + " whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway"),
        pod(head.formatted("{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway, minDomains: 3}")));
    assertEquals(List.of("spec.topologySpreadConstraints[0].nodeAffinityPolicy: Unsupported value: \"Always\":"
        + " supported values: \"Honor\", \"Ignore\"",
        "spec.topologySpreadConstraints[0].nodeTaintsPolicy: Unsupported value: \"honor\": supported values:"
            + " \"Honor\", \"Ignore\""),
        pod(head.formatted("{" + zone + ", nodeAffinityPolicy: Always, nodeTaintsPolicy: honor}")));
    assertEquals(List.of("spec.topologySpreadConstraints[0].matchLabelKeys[0]: Invalid value: \"app\": exists in both"
        + " matchLabelKeys and labelSelector",
        "spec.topologySpreadConstraints[0].matchLabelKeys[1]: Invalid value: \"-bad\": " + NAME_PART_MSG),
        pod(head.formatted("{" + zone + ", labelSelector: {matchExpressions: [{key: app, operator: Exists}]},"
            + " matchLabelKeys: [app, -bad]}")));
    assertEquals(List.of("spec.topologySpreadConstraints[0].matchLabelKeys: Forbidden: must not be specified when"
        + " labelSelector is not set"), pod(head.formatted("{" + zone + ", matchLabelKeys: [pod-template-hash]}")));
    assertEquals(List.of("spec.topologySpreadConstraints[0].labelSelector.matchExpressions[0].operator: Invalid"
        + " value: \"Near\": not a valid selector operator"),
        pod(head.formatted("{" + zone + ", labelSelector: {matchExpressions: [{key: app, operator: Near}]}}")));
  }

  @Test
  void restartPoliciesProbesAndMessagePoliciesOfContainers() {
    assertEquals(List.of("spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers"),
        pod("containers: [{name: web, image: nginx, restartPolicy: Always}]"));
    assertEquals(List.of("spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers"
        + " without restartPolicy=Always"), pod("containers: [{name: web, image: nginx}]\ninitContainers: [{name: i,"
        + " image: busybox, readinessProbe: {exec: {command: [\"true\"]}}}]"));
    assertEquals(List.of(), pod("containers: [{name: web, image: nginx}]\ninitContainers: [{name: side,"
        + " image: busybox, restartPolicy: Always, readinessProbe: {exec: {command: [\"true\"]}}}]"));
    assertEquals(List.of("spec.initContainers[0].restartPolicy: Unsupported value: \"Never\": supported values:"
        + " \"Always\""), pod("containers: [{name: web, image: nginx}]\ninitContainers: [{name: i, image: busybox,"
        + " restartPolicy: Never}]"));
    assertEquals(List.of("spec.containers[0].terminationMessagePolicy: Unsupported value: \"Bogus\": supported"
        + " values: \"File\", \"FallbackToLogsOnError\""),
        pod("containers: [{name: web, image: nginx, terminationMessagePolicy: Bogus}]"));
  }

  @Test
  void envFieldRefsAsValidateObjectFieldSelector() {
    String head = "containers: [{name: web, image: nginx, env: [{name: X, valueFrom: {fieldRef: %s}}]}]";
    String at = "spec.containers[0].env[0].valueFrom.fieldRef";
    for (String ok : List.of("metadata.name", "status.podIPs", "spec.host", "metadata.labels['app']",
        "metadata.annotations['Example.com/Note']")) {
      assertEquals(List.of(), pod(head.formatted("{apiVersion: v1, fieldPath: \"" + ok + "\"}")), ok);
    }
    assertEquals(List.of(at + ".fieldPath: Unsupported value: \"metadata.labels\": supported values: \"metadata.name\","
        + " \"metadata.namespace\", \"metadata.uid\", \"spec.nodeName\", \"spec.serviceAccountName\", \"status.hostIP\","
        + " \"status.hostIPs\", \"status.podIP\", \"status.podIPs\""),
        pod(head.formatted("{apiVersion: v1, fieldPath: metadata.labels}")));
    assertEquals(List.of(at + ".fieldPath: Invalid value: \"metadata.generateName\": error converting fieldPath:"
        + " field label not supported: metadata.generateName"),
        pod(head.formatted("{apiVersion: v1, fieldPath: metadata.generateName}")));
    assertEquals(List.of(at + ".fieldPath: Invalid value: \"spec.nodeName['x']\": error converting fieldPath:"
        + " field label does not support subscript: spec.nodeName['x']"),
        pod(head.formatted("{apiVersion: v1, fieldPath: \"spec.nodeName['x']\"}")));
    assertEquals(List.of(at + ".apiVersion: Required value"), pod(head.formatted("{fieldPath: metadata.name}")));
    assertTrue(pod(head.formatted("{apiVersion: v1, fieldPath: \"metadata.labels['bad key!']\"}")).get(0)
        .startsWith(at + ": Invalid value: \"bad key!\": name part must consist of"));
  }

  @Test
  void probes() {
    assertEquals(List.of("spec.containers[0].readinessProbe.periodSeconds: Invalid value: -1: must be greater than"
        + " or equal to 0"), pod("containers: [{name: web, image: nginx, readinessProbe: {exec: {command: [true]},"
        + " periodSeconds: -1}}]"));
    assertEquals(List.of("spec.containers[0].livenessProbe: Required value: must specify a handler type"),
        pod("containers: [{name: web, image: nginx, livenessProbe: {periodSeconds: 5}}]"));
    assertEquals(List.of("spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"),
        pod("containers: [{name: web, image: nginx, livenessProbe: {tcpSocket: {port: 80}, successThreshold: 2}}]"));
    assertEquals(List.of("spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1"
        + " handler type"), pod("containers: [{name: web, image: nginx, livenessProbe: {httpGet: {port: 80},"
        + " tcpSocket: {port: 80}}}]"));
  }

  @Test
  void resources() {
    assertEquals(List.of("spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal to"
        + " cpu limit of 1"), pod("containers: [{name: web, image: nginx, resources: {requests: {cpu: \"2\"},"
        + " limits: {cpu: \"1\"}}}]"));
    assertEquals(List.of(), pod("containers: [{name: web, image: nginx, resources: {requests: {memory: 1Gi},"
        + " limits: {memory: 1024Mi}}}]"));
    assertEquals(List.of("spec.containers[0].resources.limits[memory]: Invalid value: \"lots\": "
        + Quantities.FORMAT_MSG), pod("containers: [{name: web, image: nginx, resources: {limits: {memory: lots}}}]"));
    assertEquals(List.of("spec.containers[0].resources.limits[gpu]: Invalid value: \"gpu\": must be a standard"
        + " resource for containers"), pod("containers: [{name: web, image: nginx, resources: {limits: {gpu: 1}}}]"));
  }

  @Test
  void volumesAndMounts() {
    assertEquals(List.of("spec.containers[0].volumeMounts[0].name: Not found: \"data\""),
        pod("containers: [{name: web, image: nginx, volumeMounts: [{name: data, mountPath: /data}]}]"));
    assertEquals(List.of("spec.volumes[0]: Required value: must specify a volume type"),
        pod("volumes: [{name: data}]\ncontainers: [{name: web, image: nginx}]"));
  }

  @Test
  void quantitiesParse() {
    assertEquals(0, Quantities.parse("500m").compareTo(new java.math.BigDecimal("0.5")));
    assertEquals(0, Quantities.parse("1Ki").compareTo(new java.math.BigDecimal("1024")));
    assertEquals(0, Quantities.parse("1e3").compareTo(new java.math.BigDecimal("1000")));
    assertEquals(0, Quantities.parse("1.5G").compareTo(new java.math.BigDecimal("1500000000")));
    assertEquals(null, Quantities.parse("1Gb"));
    assertEquals(null, Quantities.parse("abc"));
    assertEquals(null, Quantities.parse(com.fasterxml.jackson.databind.node.DoubleNode.valueOf(
        Double.POSITIVE_INFINITY)), "a JSON 1e400 read as a double is no quantity, and no 500");
  }

  @Test
  void podUpdatesMayChangeImagesButNotPorts() {
    String old = POD.replace("name: web-0, namespace: default,", "name: web-0, namespace: default, uid: u1,");
    assertEquals(List.of(), update(ResourceTypes.PODS, POD.replace("nginx:1.27", "nginx:1.28"), old));
    List<String> errs = update(ResourceTypes.PODS, POD.replace("containerPort: 80", "containerPort: 81"), old);
    assertEquals(1, errs.size());
    assertTrue(errs.get(0).startsWith("spec: Forbidden: " + PodUpdateValidation.FORBIDDEN), errs.get(0));
    assertTrue(errs.get(0).contains("spec.containers[0].ports[0].containerPort"), errs.get(0));
  }

  @Test
  void aPodUpdateThatDropsAFieldChangesIt() {
    String old = "metadata: {name: p, namespace: default}\nspec: {nodeName: n1, containers:"
        + " [{name: a, image: x, args: [serve]}]}";
    List<String> withoutArgs = update(ResourceTypes.PODS, "metadata: {name: p, namespace: default}\n"
        + "spec: {nodeName: n1, containers: [{name: a, image: x}]}", old);
    List<String> withoutNode = update(ResourceTypes.PODS, "metadata: {name: p, namespace: default}\n"
        + "spec: {containers: [{name: a, image: x, args: [serve]}]}", old);

    assertEquals(1, withoutArgs.size(), withoutArgs.toString());
    assertTrue(withoutArgs.get(0).contains("changed: spec.containers[0].args"), withoutArgs.get(0));
    assertEquals(1, withoutNode.size(), withoutNode.toString());
    assertTrue(withoutNode.get(0).contains("changed: spec.nodeName"), withoutNode.get(0));
  }

  @Test
  void absentNullAndZeroValuesAreTheSameToAPodUpdate() {
    String old = "metadata: {name: p, namespace: default}\nspec: {hostNetwork: false, volumes: [],"
        + " containers: [{name: a, image: x}]}";

    assertEquals(List.of(), update(ResourceTypes.PODS, "metadata: {name: p, namespace: default}\n"
        + "spec: {nodeSelector: {}, hostname: '', containers: [{name: a, image: x, args: null}]}", old));
  }

  @Test
  void podUpdatesMayNotAddContainersOrRaiseTheDeadline() {
    String old = "metadata: {name: p, namespace: default}\nspec: {activeDeadlineSeconds: 30, containers:"
        + " [{name: a, image: x}]}";
    assertEquals(List.of("spec.containers: Forbidden: pod updates may not add or remove containers"),
        update(ResourceTypes.PODS, "metadata: {name: p, namespace: default}\nspec: {activeDeadlineSeconds: 30,"
            + " containers: [{name: a, image: x}, {name: b, image: y}]}", old));
    assertEquals(List.of("spec.activeDeadlineSeconds: Invalid value: 60: must be less than or equal to previous"
        + " value"), update(ResourceTypes.PODS, "metadata: {name: p, namespace: default}\n"
        + "spec: {activeDeadlineSeconds: 60, containers: [{name: a, image: x}]}", old));
  }
}
