package io.gantry.control.server.validation;

import static io.gantry.control.server.validation.ValidationFixtures.create;
import static io.gantry.control.server.validation.ValidationFixtures.update;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ValidateResourceQuota and its update, with upstream's messages. */
class ResourceQuotaValidationTest {

  private static final String QUOTA = """
      metadata: {name: compute, namespace: default}
      spec:
        hard: {pods: "10", requests.cpu: "4", limits.memory: 8Gi, count/deployments.apps: "2",
               requests.example.com/dongle: "3", gold.storageclass.storage.k8s.io/requests.storage: 10Gi}
      """;

  @Test
  void aQuotaOnStandardCountedAndQualifiedResourcesPasses() {
    assertEquals(List.of(), create(ResourceTypes.RESOURCEQUOTAS, QUOTA));
  }

  @Test
  void resourceNamesMustBeKnownToQuotaAndCountsWhole() {
    assertEquals(List.of(
        "spec.hard[foo]: Invalid value: foo: must be a standard resource type or fully qualified",
        "spec.hard[foo]: Invalid value: foo: must be a standard resource for quota",
        "spec.hard[pods]: Invalid value: \"1500m\": must be an integer",
        "spec.hard[requests.cpu]: Invalid value: \"-1\": must be greater than or equal to 0",
        "spec.hard[storage]: Invalid value: storage: must be a standard resource for quota"),
        create(ResourceTypes.RESOURCEQUOTAS, "metadata: {name: q, namespace: default}\n"
            + "spec: {hard: {pods: 1500m, requests.cpu: '-1', foo: '1', storage: 1Gi}}"));
  }

  @Test
  void scopesMustBeSupportedApplyToTheResourcesAndNotConflict() {
    assertEquals(List.of(
        "spec.scopes: Invalid value: []core.ResourceQuotaScope{\"BestEffort\", \"NotBestEffort\"}: unsupported scope"
            + " applied to resource",
        "spec.scopes: Invalid value: []core.ResourceQuotaScope{\"BestEffort\", \"NotBestEffort\"}: conflicting scopes"),
        create(ResourceTypes.RESOURCEQUOTAS, "metadata: {name: q, namespace: default}\n"
            + "spec: {hard: {pods: '1', cpu: '1'}, scopes: [BestEffort, NotBestEffort]}"));
    assertEquals(List.of("spec.scopes: Invalid value: []core.ResourceQuotaScope{\"Sometimes\"}: unsupported scope"),
        create(ResourceTypes.RESOURCEQUOTAS, "metadata: {name: q, namespace: default}\n"
            + "spec: {hard: {pods: '1'}, scopes: [Sometimes]}"));
  }

  @Test
  void scopeSelectorsNeedTheirOperatorsValues() {
    assertEquals(List.of(
        "spec.scopeSelector.matchExpressions.operator: Invalid value: \"In\": must be 'Exists' when scope is any of"
            + " ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort,"
            + " ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity",
        "spec.scopeSelector.matchExpressions.values: Required value: must be at least one value when `operator` is"
            + " 'In' or 'NotIn' for scope selector",
        "spec.scopeSelector.matchExpressions.values: Invalid value: []string{\"high\"}: must be no value when"
            + " `operator` is 'Exist' or 'DoesNotExist' for scope selector"),
        create(ResourceTypes.RESOURCEQUOTAS, """
            metadata: {name: q, namespace: default}
            spec:
              hard: {pods: "1"}
              scopeSelector:
                matchExpressions:
                - {scopeName: Terminating, operator: In}
                - {scopeName: PriorityClass, operator: Exists, values: [high]}
            """));
  }

  @Test
  void scopesNeverChangeButHardLimitsMay() {
    String scoped = QUOTA.replace("spec:\n", "spec:\n  scopes: [NotTerminating]\n")
        .replace(", count/deployments.apps: \"2\",\n         requests.example.com/dongle: \"3\","
            + " gold.storageclass.storage.k8s.io/requests.storage: 10Gi", "");
    assertEquals(List.of(), create(ResourceTypes.RESOURCEQUOTAS, scoped));
    assertEquals(List.of(), update(ResourceTypes.RESOURCEQUOTAS, scoped.replace("\"10\"", "\"20\""), scoped));
    assertEquals(List.of("spec.scopes: Invalid value: []core.ResourceQuotaScope{\"Terminating\"}: field is immutable"),
        update(ResourceTypes.RESOURCEQUOTAS, scoped.replace("NotTerminating", "Terminating"), scoped));
  }
}
