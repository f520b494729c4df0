package io.gantry.control.server.validation;

import static io.gantry.control.server.validation.ValidationFixtures.create;
import static io.gantry.control.server.validation.ValidationFixtures.update;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ValidateStatefulSet, ValidateStatefulSetUpdate and ValidateStatefulSetStatus, in upstream's words and paths. */
class StatefulSetValidationTest {

  /** A defaulted StatefulSet's spec, as the registry validates it. */
  private static final String SPEC = """
      replicas: 3
      podManagementPolicy: OrderedReady
      updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 0}}
      persistentVolumeClaimRetentionPolicy: {whenDeleted: Retain, whenScaled: Retain}
      revisionHistoryLimit: 10
      serviceName: nginx
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec:
          restartPolicy: Always
          containers:
          - name: web
            image: nginx:1.27
            volumeMounts: [{name: www, mountPath: /usr/share/nginx/html}]
      volumeClaimTemplates:
      - metadata: {name: www}
        spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
      """;

  private static String sts(String spec) {
    return "metadata: {name: web, namespace: default}\nspec:\n" + spec.indent(2);
  }

  private static List<String> createSpec(String spec) {
    return create(ResourceTypes.STATEFULSETS, sts(spec));
  }

  @Test
  void aRealisticStatefulSetWhoseMountsNameItsClaimTemplatesPasses() {
    assertEquals(List.of(), createSpec(SPEC));
  }

  @Test
  void aMountOfNeitherAVolumeNorAClaimTemplateIsNotFound() {
    assertEquals(List.of("spec.template.spec.containers[0].volumeMounts[0].name: Not found: \"www\""),
        createSpec(SPEC.replace("- metadata: {name: www}", "- metadata: {name: data}")));
  }

  @Test
  void theNameIsADns1123Label() {
    assertEquals(List.of("metadata.name: Invalid value: \"web.v1\": must not contain dots"),
        create(ResourceTypes.STATEFULSETS, "metadata: {name: web.v1, namespace: default}\nspec:\n" + SPEC.indent(2)));
  }

  @Test
  void policiesAndStrategiesAreEnums() {
    assertEquals(List.of("spec.podManagementPolicy: Invalid value: \"Burst\": must be 'OrderedReady' or 'Parallel'"),
        createSpec(SPEC.replace("podManagementPolicy: OrderedReady", "podManagementPolicy: Burst")));
    assertEquals(List.of("spec.podManagementPolicy: Required value"),
        createSpec(SPEC.replace("podManagementPolicy: OrderedReady", "podManagementPolicy: ''")));
    assertEquals(List.of("spec.updateStrategy: Invalid value: apps.StatefulSetUpdateStrategy{Type:\"Recreate\","
        + " RollingUpdate:(*apps.RollingUpdateStatefulSetStrategy)(nil)}: must be 'RollingUpdate' or 'OnDelete'"),
        createSpec(SPEC.replace("{type: RollingUpdate, rollingUpdate: {partition: 0}}", "{type: Recreate}")));
    assertEquals(List.of("spec.updateStrategy.rollingUpdate: Invalid value: apps.RollingUpdateStatefulSetStrategy"
        + "{Partition:0, MaxUnavailable:(*intstr.IntOrString)(nil)}: only allowed for updateStrategy 'RollingUpdate'"),
        createSpec(SPEC.replace("type: RollingUpdate,", "type: OnDelete,")));
    assertEquals(List.of("spec.persistentVolumeClaimRetentionPolicy.whenScaled: Unsupported value: \"Keep\":"
        + " supported values: \"Retain\", \"Delete\""), createSpec(SPEC.replace("whenScaled: Retain", "whenScaled: Keep")));
  }

  @Test
  void countsAreNotNegative() {
    assertEquals(List.of("spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or"
        + " equal to 0"), createSpec(SPEC.replace("partition: 0", "partition: -1")));
    assertEquals(List.of("spec.replicas: Invalid value: -1: must be greater than or equal to 0"),
        createSpec(SPEC.replace("replicas: 3", "replicas: -1")));
    assertEquals(List.of("spec.ordinals.start: Invalid value: -2: must be greater than or equal to 0"),
        createSpec(SPEC + "ordinals: {start: -2}\n"));
  }

  @Test
  void theSelectorIsRequiredNotEmptyAndMatchesTheTemplate() {
    assertEquals(List.of("spec.selector: Required value"),
        createSpec(SPEC.replace("selector: {matchLabels: {app: web}}\n", "")));
    assertEquals(List.of("spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil),"
        + " MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for statefulset"),
        createSpec(SPEC.replace("selector: {matchLabels: {app: web}}", "selector: {}")));
    assertEquals(List.of("spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}:"
        + " `selector` does not match template `labels`"),
        createSpec(SPEC.replace("selector: {matchLabels: {app: web}}", "selector: {matchLabels: {app: db}}")));
  }

  @Test
  void podsAlwaysRestartAndHaveNoDeadline() {
    assertEquals(List.of("spec.template.spec.restartPolicy: Unsupported value: \"OnFailure\": supported values:"
        + " \"Always\""), createSpec(SPEC.replace("restartPolicy: Always", "restartPolicy: OnFailure")));
    assertEquals(List.of("spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in StatefulSet"
        + " is not Supported"), createSpec(SPEC.replace("restartPolicy: Always",
            "restartPolicy: Always\n    activeDeadlineSeconds: 5")));
  }

  @Test
  void anUpdateMayChangeOnlyTheListedSpecFields() {
    String old = sts(SPEC);
    assertEquals(List.of(), update(ResourceTypes.STATEFULSETS, sts(SPEC.replace("replicas: 3", "replicas: 5")
        .replace("nginx:1.27", "nginx:1.28").replace("partition: 0", "partition: 2")
        .replace("revisionHistoryLimit: 10", "revisionHistoryLimit: 2") + "minReadySeconds: 4\nordinals: {start: 1}\n"),
        old));
    String forbidden = "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals',"
        + " 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and"
        + " 'minReadySeconds' are forbidden";
    assertEquals(List.of(forbidden), update(ResourceTypes.STATEFULSETS,
        sts(SPEC.replace("serviceName: nginx", "serviceName: other")), old));
    assertEquals(List.of(forbidden), update(ResourceTypes.STATEFULSETS,
        sts(SPEC.replace("storage: 1Gi", "storage: 2Gi")), old));
    assertEquals(List.of(forbidden), update(ResourceTypes.STATEFULSETS,
        sts(SPEC.replace("podManagementPolicy: OrderedReady", "podManagementPolicy: Parallel")), old));
  }

  @Test
  void statusCountsAreBoundedAndTheCollisionCountNeverGoesDown() {
    assertEquals(List.of("status.readyReplicas: Invalid value: 4: cannot be greater than status.replicas"),
        create(ResourceTypes.STATEFULSETS, sts(SPEC) + "status: {replicas: 3, readyReplicas: 4}\n"));
    assertEquals(List.of("status.availableReplicas: Invalid value: 3: cannot be greater than status.readyReplicas"),
        create(ResourceTypes.STATEFULSETS, sts(SPEC) + "status: {replicas: 3, readyReplicas: 2, availableReplicas: 3}\n"));
    assertEquals(List.of("status.collisionCount: Invalid value: 1: cannot be decremented"),
        update(ResourceTypes.STATEFULSETS, sts(SPEC) + "status: {replicas: 0, collisionCount: 1}\n",
            sts(SPEC) + "status: {replicas: 0, collisionCount: 2}\n"));
    assertEquals(List.of("status.observedGeneration: Invalid value: -1: must be greater than or equal to 0"),
        create(ResourceTypes.STATEFULSETS, sts(SPEC) + "status: {replicas: 0, observedGeneration: -1}\n"));
  }
}
