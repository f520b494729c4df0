package io.gantry.control.server.validation;

import static io.gantry.control.server.validation.ValidationFixtures.create;
import static io.gantry.control.server.validation.ValidationFixtures.update;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ValidatePriorityClass and its update, in upstream's words. */
class PriorityClassValidationTest {

  private static final String CLASS = """
      apiVersion: scheduling.k8s.io/v1
      kind: PriorityClass
      metadata: {name: high}
      value: 1000
      preemptionPolicy: PreemptLowerPriority
      description: important
      """;

  @Test
  void aUserClassAndTheSystemClassesAsTheyArePass() {
    assertEquals(List.of(), create(ResourceTypes.PRIORITYCLASSES, CLASS));
    assertEquals(List.of(), create(ResourceTypes.PRIORITYCLASSES,
        "metadata: {name: system-node-critical}\nvalue: 2000001000"));
  }

  @Test
  void theSystemPrefixIsReserved() {
    String prefix = "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use"
        + " only. error: ";
    assertEquals(List.of(prefix + "system-mine is not a known system priority class"),
        create(ResourceTypes.PRIORITYCLASSES, "metadata: {name: system-mine}\nvalue: 1"));
    assertEquals(List.of(prefix + "value of system-cluster-critical PriorityClass must be 2000000000"),
        create(ResourceTypes.PRIORITYCLASSES, "metadata: {name: system-cluster-critical}\nvalue: 1"));
    assertEquals(List.of(prefix + "globalDefault of system-node-critical PriorityClass must be false"),
        create(ResourceTypes.PRIORITYCLASSES,
            "metadata: {name: system-node-critical}\nvalue: 2000001000\nglobalDefault: true"));
  }

  @Test
  void userValuesAreAtMostABillionAndThePolicyKnown() {
    assertEquals(List.of("value: Forbidden: maximum allowed value of a user defined priority is 1000000000",
        "preemptionPolicy: Unsupported value: \"Sometimes\": supported values: \"PreemptLowerPriority\", \"Never\""),
        create(ResourceTypes.PRIORITYCLASSES, "metadata: {name: big}\nvalue: 1000000001\npreemptionPolicy: Sometimes"));
  }

  @Test
  void theValueAndPolicyNeverChangeButTheDescriptionMay() {
    assertEquals(List.of(), update(ResourceTypes.PRIORITYCLASSES, CLASS.replace("important", "vital"), CLASS));
    assertEquals(List.of("value: Forbidden: may not be changed in an update.",
        "preemptionPolicy: Invalid value: \"Never\": field is immutable"),
        update(ResourceTypes.PRIORITYCLASSES, CLASS.replace("1000", "10").replace("PreemptLowerPriority", "Never"),
            CLASS));
  }
}
