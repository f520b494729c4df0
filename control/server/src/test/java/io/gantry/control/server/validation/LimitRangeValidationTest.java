package io.gantry.control.server.validation;

import static io.gantry.control.server.validation.ValidationFixtures.create;
import static io.gantry.control.server.validation.ValidationFixtures.update;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ValidateLimitRange: types, resource names, the order of min, defaults and max, ratios and claims' storage. */
class LimitRangeValidationTest {

  private static String range(String items) {
    return "metadata: {name: limits, namespace: default}\nspec:\n  limits:\n" + items;
  }

  @Test
  void namespaceSetupAsTeamsWriteItPasses() {
    assertEquals(List.of(), create(ResourceTypes.LIMITRANGES, range("""
          - type: Container
            min: {cpu: 50m, memory: 100Mi}
            max: {cpu: "2", memory: 1Gi}
            default: {cpu: 500m, memory: 512Mi}
            defaultRequest: {cpu: 100m, memory: 200Mi}
            maxLimitRequestRatio: {cpu: "10"}
          - type: Pod
            max: {cpu: "4"}
          - type: PersistentVolumeClaim
            min: {storage: 1Gi}
            max: {storage: 10Gi}
        """)));
  }

  @Test
  void theOrderMinDefaultRequestDefaultMaxIsEnforced() {
    assertEquals(List.of(
        "spec.limits[0].defaultRequest[cpu]: Invalid value: \"800m\": default request value 800m is greater than"
            + " default limit value 500m",
        "spec.limits[0].min[ephemeral-storage]: Invalid value: \"3Gi\": min value 3Gi is greater than max value 2Gi",
        "spec.limits[0].defaultRequest[memory]: Invalid value: \"10Mi\": min value 20Mi is greater than default"
            + " request value 10Mi",
        "spec.limits[0].default[memory]: Invalid value: \"2Gi\": default value 4Gi is greater than max value 2Gi"),
        create(ResourceTypes.LIMITRANGES, range("""
              - type: Container
                min: {cpu: 100m, memory: 20Mi, ephemeral-storage: 3Gi}
                max: {cpu: "2", memory: 2Gi, ephemeral-storage: 2Gi}
                default: {cpu: 500m, memory: 4Gi}
                defaultRequest: {cpu: 800m, memory: 10Mi}
            """)));
  }

  @Test
  void ratiosAreAtLeastOneAndAtMostMaxOverMin() {
    assertEquals(List.of(
        "spec.limits[0].maxLimitRequestRatio[cpu]: Invalid value: \"500m\": ratio 500m is less than 1",
        "spec.limits[0].maxLimitRequestRatio[memory]: Invalid value: \"5\": ratio 5 is greater than max/min ="
            + " 2.000000"),
        create(ResourceTypes.LIMITRANGES, range("""
              - type: Pod
                min: {memory: 1Gi}
                max: {memory: 2Gi}
                maxLimitRequestRatio: {cpu: 500m, memory: "5"}
            """)));
  }

  @Test
  void typesAreStandardOrQualifiedAndNotRepeated() {
    assertEquals(List.of(
        "spec.limits[1].type: Duplicate value: \"Container\"",
        "spec.limits[2].type: Invalid value: \"Node\": must be a standard limit type or fully qualified"),
        create(ResourceTypes.LIMITRANGES, range("""
              - type: Container
              - type: Container
              - type: Node
              - type: example.com/Custom
            """)));
  }

  @Test
  void podItemsTakeNoDefaultsAndContainerItemsOnlyContainerResources() {
    assertEquals(List.of(
        "spec.limits[0].max[pods]: Invalid value: \"pods\": must be a standard resource for containers",
        "spec.limits[0].min[foo]: Invalid value: \"foo\": must be a standard resource type or fully qualified",
        "spec.limits[0].min[foo]: Invalid value: \"foo\": must be a standard resource for containers",
        "spec.limits[0].default: Forbidden: may not be specified when `type` is 'Pod'",
        "spec.limits[0].defaultRequest: Forbidden: may not be specified when `type` is 'Pod'"),
        create(ResourceTypes.LIMITRANGES, range("""
              - type: Pod
                max: {pods: "3"}
                min: {foo: "1"}
                default: {cpu: "1"}
                defaultRequest: {cpu: "1"}
            """)));
  }

  @Test
  void aClaimItemNeedsStorageBounds() {
    assertEquals(List.of("spec.limits[0].limits: Required value: either minimum or maximum storage value is"
            + " required, but neither was provided"),
        create(ResourceTypes.LIMITRANGES, range("""
              - type: PersistentVolumeClaim
                max: {cpu: "1"}
            """)));
  }

  @Test
  void extendedResourcesMayNotOvercommit() {
    assertEquals(List.of("spec.limits[0].defaultRequest[example.com/gpu]: Invalid value: \"1\": default value 2"
            + " must equal to defaultRequest value 1 in example.com/gpu"),
        create(ResourceTypes.LIMITRANGES, range("""
              - type: Container
                default: {example.com/gpu: "2"}
                defaultRequest: {example.com/gpu: "1"}
            """)));
  }

  @Test
  void malformedQuantitiesAreNamed() {
    assertEquals(List.of("spec.limits[0].max[cpu]: Invalid value: \"lots\": " + Quantities.FORMAT_MSG),
        create(ResourceTypes.LIMITRANGES, range("""
              - type: Container
                max: {cpu: lots}
            """)));
  }

  @Test
  void anUpdateIsValidatedAsACreate() {
    String good = range("  - {type: Container, max: {cpu: \"1\"}}\n");
    assertEquals(List.of(), update(ResourceTypes.LIMITRANGES, good.replace("\"1\"", "\"2\""), good));
    assertEquals(List.of("spec.limits[0].min[cpu]: Invalid value: \"3\": min value 3 is greater than max value 1"),
        update(ResourceTypes.LIMITRANGES, good.replace("max:", "min: {cpu: \"3\"}, max:"), good));
  }
}
