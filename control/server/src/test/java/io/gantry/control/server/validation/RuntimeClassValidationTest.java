package io.gantry.control.server.validation;

import static io.gantry.control.server.validation.ValidationFixtures.LABEL_MSG;
import static io.gantry.control.server.validation.ValidationFixtures.NAME_PART_MSG;
import static io.gantry.control.server.validation.ValidationFixtures.create;
import static io.gantry.control.server.validation.ValidationFixtures.update;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ValidateRuntimeClass and its update: handler a DNS label and immutable, overhead, scheduling. */
class RuntimeClassValidationTest {

  private static final String CLASS = """
      apiVersion: node.k8s.io/v1
      kind: RuntimeClass
      metadata: {name: gvisor}
      handler: runsc
      overhead: {podFixed: {cpu: 250m, memory: 120Mi}}
      scheduling:
        nodeSelector: {sandbox: gvisor}
        tolerations: [{key: sandbox, operator: Equal, value: gvisor, effect: NoSchedule}]
      """;

  @Test
  void aClassAsTheConformanceTestsWriteItPasses() {
    assertEquals(List.of(), create(ResourceTypes.RUNTIMECLASSES, CLASS));
    assertEquals(List.of(), create(ResourceTypes.RUNTIMECLASSES, "metadata: {name: plain}\nhandler: runc"));
  }

  @Test
  void theHandlerIsADnsLabel() {
    assertEquals(List.of("handler: Invalid value: \"\": " + LABEL_MSG),
        create(ResourceTypes.RUNTIMECLASSES, "metadata: {name: none}"));
    assertEquals(List.of("handler: Invalid value: \"a.b\": must not contain dots"),
        create(ResourceTypes.RUNTIMECLASSES, "metadata: {name: dots}\nhandler: a.b"));
  }

  @Test
  void overheadQuantitiesAreCheckedAsContainerLimits() {
    assertEquals(List.of("overhead.limits[cpu]: Invalid value: \"-1\": must be greater than or equal to 0",
        "overhead.limits[widgets]: Invalid value: \"widgets\": must be a standard resource for containers"),
        create(ResourceTypes.RUNTIMECLASSES, """
            metadata: {name: bad}
            handler: runc
            overhead: {podFixed: {cpu: "-1", widgets: "1"}}
            """));
  }

  @Test
  void schedulingHoldsLabelsAndDistinctValidTolerations() {
    List<String> errors = create(ResourceTypes.RUNTIMECLASSES, """
        metadata: {name: bad}
        handler: runc
        scheduling:
          nodeSelector: {"a b": x}
          tolerations:
          - {key: k, operator: Equal, value: v, effect: NoSchedule}
          - {key: k, operator: Equal, value: v, effect: NoSchedule}
          - {operator: Equal, value: v}
        """);
    assertEquals(List.of("scheduling.nodeSelector: Invalid value: \"a b\": " + NAME_PART_MSG,
        "scheduling.tolerations[2].operator: Invalid value: \"Equal\": operator must be Exists when `key` is empty,"
            + " which means \"match all values and all keys\"",
        "scheduling.tolerations[1]: Duplicate value: core.Toleration{Key:\"k\", Operator:\"Equal\", Value:\"v\","
            + " Effect:\"NoSchedule\", TolerationSeconds:(*int64)(nil)}"), errors);
  }

  @Test
  void theHandlerNeverChangesButTheRestMay() {
    assertEquals(List.of(), update(ResourceTypes.RUNTIMECLASSES, CLASS.replace("250m", "500m"), CLASS));
    assertEquals(List.of("handler: Invalid value: \"runc\": field is immutable"),
        update(ResourceTypes.RUNTIMECLASSES, CLASS.replace("handler: runsc", "handler: runc"), CLASS));
  }
}
