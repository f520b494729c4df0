package io.gantry.control.server.validation;

import static io.gantry.control.server.validation.ValidationFixtures.NAME_PART_MSG;
import static io.gantry.control.server.validation.ValidationFixtures.create;
import static io.gantry.control.server.validation.ValidationFixtures.update;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ValidateStorageClass and its update, as a defaulted class reaches them, in upstream's words. */
class StorageClassValidationTest {

  private static final String CLASS = """
      apiVersion: storage.k8s.io/v1
      kind: StorageClass
      metadata: {name: fast, annotations: {storageclass.kubernetes.io/is-default-class: "true"}}
      provisioner: kubernetes.io/no-provisioner
      parameters: {type: ssd}
      reclaimPolicy: Retain
      volumeBindingMode: WaitForFirstConsumer
      allowVolumeExpansion: true
      allowedTopologies:
      - matchLabelExpressions: [{key: topology.kubernetes.io/zone, values: [a, b]}]
      """;

  private static String minimal(String provisioner) {
    return "metadata: {name: c}\nprovisioner: " + provisioner + "\nreclaimPolicy: Delete\nvolumeBindingMode: Immediate\n";
  }

  @Test
  void aClassAsChartsShipItPasses() {
    assertEquals(List.of(), create(ResourceTypes.STORAGECLASSES, CLASS));
    assertEquals(List.of(), create(ResourceTypes.STORAGECLASSES, minimal("rancher.io/local-path")));
  }

  @Test
  void theProvisionerIsARequiredQualifiedNameCheckedInLowerCase() {
    assertEquals(List.of("provisioner: Required value"), create(ResourceTypes.STORAGECLASSES, minimal("\"\"")));
    assertEquals(List.of(), create(ResourceTypes.STORAGECLASSES, minimal("Example.COM/Fast")));
    assertEquals(List.of("provisioner: Invalid value: \"a/b/c\": a valid label key must consist of alphanumeric"
            + " characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', "
            + " or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"),
        create(ResourceTypes.STORAGECLASSES, minimal("a/b/c")));
    assertEquals(List.of("provisioner: Invalid value: \"example.com/-x\": " + NAME_PART_MSG),
        create(ResourceTypes.STORAGECLASSES, minimal("example.com/-X")));
  }

  @Test
  void policiesAndModesTakeUpstreamsValues() {
    assertEquals(List.of("reclaimPolicy: Unsupported value: \"Recycle\": supported values: \"Delete\", \"Retain\"",
            "volumeBindingMode: Unsupported value: \"Later\": supported values: \"Immediate\", \"WaitForFirstConsumer\""),
        create(ResourceTypes.STORAGECLASSES,
            "metadata: {name: c}\nprovisioner: p\nreclaimPolicy: Recycle\nvolumeBindingMode: Later"));
    assertEquals(List.of("volumeBindingMode: Required value"),
        create(ResourceTypes.STORAGECLASSES, "metadata: {name: c}\nprovisioner: p\nreclaimPolicy: \"\""));
  }

  @Test
  void parametersAreBounded() {
    StringBuilder many = new StringBuilder(minimal("p") + "parameters:\n");
    for (int i = 0; i <= 512; i++) {
      many.append("  k").append(i).append(": v\n");
    }
    assertEquals(List.of("parameters: Too long: may not be more than 512 bytes"),
        create(ResourceTypes.STORAGECLASSES, many.toString()));
    assertEquals(List.of("parameters: Too long: may not be more than 262144 bytes"),
        create(ResourceTypes.STORAGECLASSES, minimal("p") + "parameters: {big: " + "x".repeat(262_144) + "}"));
    assertEquals(List.of("parameters: Invalid value: \"\": field can not be empty."),
        create(ResourceTypes.STORAGECLASSES, minimal("p") + "parameters: {\"\": v}"));
  }

  @Test
  void allowedTopologiesAreDistinctTermsOfDistinctKeys() {
    assertEquals(List.of(
            "allowedTopologies[0].matchLabelExpressions[0].values: Required value",
            "allowedTopologies[0].matchLabelExpressions[1].values[1]: Duplicate value: \"a\"",
            "allowedTopologies[0].matchLabelExpressions[1].key: Duplicate value: \"zone\"",
            "allowedTopologies[1].matchLabelExpressions[0].key: Invalid value: \"-bad\": " + NAME_PART_MSG),
        create(ResourceTypes.STORAGECLASSES, minimal("p") + """
            allowedTopologies:
            - matchLabelExpressions: [{key: zone}, {key: zone, values: [a, a]}]
            - matchLabelExpressions: [{key: "-bad", values: [x]}]
            """));
    assertEquals(List.of("allowedTopologies[1].matchLabelExpressions: Duplicate value: \"\""),
        create(ResourceTypes.STORAGECLASSES, minimal("p") + """
            allowedTopologies:
            - matchLabelExpressions: [{key: zone, values: [a, b]}]
            - matchLabelExpressions: [{key: zone, values: [b, a]}]
            """));
    // upstream compares each term with one empty placeholder per term too, so an empty term is reported so often
    assertEquals(List.of("allowedTopologies[0].matchLabelExpressions: Duplicate value: \"\""),
        create(ResourceTypes.STORAGECLASSES, minimal("p") + "allowedTopologies: [{}]"));
  }

  @Test
  void provisionerParametersPolicyAndModeNeverChange() {
    assertEquals(List.of(), update(ResourceTypes.STORAGECLASSES,
        CLASS.replace("\"true\"", "\"false\"").replace("allowVolumeExpansion: true", "allowVolumeExpansion: false"),
        CLASS));
    assertEquals(List.of("parameters: Forbidden: updates to parameters are forbidden.",
            "provisioner: Forbidden: updates to provisioner are forbidden.",
            "reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.",
            "volumeBindingMode: Invalid value: \"Immediate\": field is immutable"),
        update(ResourceTypes.STORAGECLASSES, CLASS.replace("type: ssd", "type: hdd")
            .replace("kubernetes.io/no-provisioner", "example.com/other").replace("Retain", "Delete")
            .replace("WaitForFirstConsumer", "Immediate"), CLASS));
  }
}
