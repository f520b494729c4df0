package io.gantry.control.server.validation;

import static io.gantry.control.server.validation.ValidationFixtures.LABEL_MSG;
import static io.gantry.control.server.validation.ValidationFixtures.LABEL_VALUE_MSG;
import static io.gantry.control.server.validation.ValidationFixtures.NAME_PART_MSG;
import static io.gantry.control.server.validation.ValidationFixtures.SUBDOMAIN_MSG;
import static io.gantry.control.server.validation.ValidationFixtures.create;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetadataValidationTest {

  private static final String DATA = "\ndata: {a: b}";

  @Test
  void nameOrGenerateNameRequired() {
    assertEquals(List.of("metadata.name: Required value: name or generateName is required"),
        create(ResourceTypes.CONFIGMAPS, "metadata: {namespace: default}" + DATA));
    assertEquals(List.of(), create(ResourceTypes.CONFIGMAPS, "metadata: {generateName: web-, namespace: default}"
        + DATA));
  }

  @Test
  void namesFollowTheKindsRule() {
    assertEquals(List.of("metadata.name: Invalid value: \"Web\": " + SUBDOMAIN_MSG),
        create(ResourceTypes.CONFIGMAPS, "metadata: {name: Web, namespace: default}" + DATA));
    assertEquals(List.of(), create(ResourceTypes.CONFIGMAPS, "metadata: {name: web.v1, namespace: default}" + DATA));
    assertEquals(List.of("metadata.name: Invalid value: \"team.a\": must not contain dots"),
        create(ResourceTypes.NAMESPACES, "metadata: {name: team.a}"));
    assertEquals(List.of("metadata.generateName: Invalid value: \"Web-\": " + SUBDOMAIN_MSG),
        create(ResourceTypes.CONFIGMAPS, "metadata: {generateName: Web-, namespace: default}" + DATA));
  }

  @Test
  void namespaceRequiredForNamespacedKindsAndForbiddenOtherwise() {
    assertEquals(List.of("metadata.namespace: Required value"),
        create(ResourceTypes.CONFIGMAPS, "metadata: {name: c}" + DATA));
    assertEquals(List.of("metadata.namespace: Forbidden: not allowed on this type"),
        create(ResourceTypes.NODES, "metadata: {name: node-1, namespace: default}"));
    assertEquals(List.of("metadata.namespace: Invalid value: \"Prod\": " + LABEL_MSG),
        create(ResourceTypes.CONFIGMAPS, "metadata: {name: c, namespace: Prod}" + DATA));
  }

  @Test
  void labelKeysAndValues() {
    assertEquals(List.of("metadata.labels: Invalid value: \"-app\": " + NAME_PART_MSG),
        create(ResourceTypes.CONFIGMAPS, "metadata: {name: c, namespace: default, labels: {-app: x}}" + DATA));
    assertEquals(List.of("metadata.labels: Invalid value: \"x y\": " + LABEL_VALUE_MSG),
        create(ResourceTypes.CONFIGMAPS, "metadata: {name: c, namespace: default, labels: {app: x y}}" + DATA));
    assertEquals(List.of("metadata.labels: Invalid value: \"" + "v".repeat(64) + "\": must be no more than 63"
        + " characters"), create(ResourceTypes.CONFIGMAPS, "metadata: {name: c, namespace: default, labels: {app: "
        + "v".repeat(64) + "}}" + DATA));
    assertEquals(List.of(), create(ResourceTypes.CONFIGMAPS,
        "metadata: {name: c, namespace: default, labels: {app.kubernetes.io/name: web, empty: \"\"}}" + DATA));
  }

  @Test
  void annotationKeysAndTotalSize() {
    assertEquals(List.of(), create(ResourceTypes.CONFIGMAPS,
        "metadata: {name: c, namespace: default, annotations: {Example.com/Note: anything at all}}" + DATA));
    assertEquals(List.of("metadata.annotations: Invalid value: \"a b\": " + NAME_PART_MSG),
        create(ResourceTypes.CONFIGMAPS, "metadata: {name: c, namespace: default, annotations: {a b: x}}" + DATA));
    String big = "x".repeat(MetadataValidation.ANNOTATIONS_MAX_BYTES);
    assertEquals(List.of("metadata.annotations: Too long: may not be more than 262144 bytes"),
        create(ResourceTypes.CONFIGMAPS, "metadata: {name: c, namespace: default, annotations: {note: " + big + "}}"
            + DATA));
  }

  @Test
  void finalizers() {
    assertEquals(List.of("metadata.finalizers: Invalid value: \"cleanup\": name is neither a standard finalizer name"
        + " nor is it fully qualified"), create(ResourceTypes.CONFIGMAPS,
        "metadata: {name: c, namespace: default, finalizers: [cleanup, example.com/cleanup]}" + DATA));
  }

  @Test
  void theGarbageCollectorsTwoFinalizersMayNotBeSetTogether() {
    assertEquals(List.of("metadata.finalizers: Invalid value: []string{\"orphan\", \"foregroundDeletion\"}: finalizer"
        + " orphan and foregroundDeletion cannot be both set"), create(ResourceTypes.CONFIGMAPS,
        "metadata: {name: c, namespace: default, finalizers: [orphan, foregroundDeletion]}" + DATA));
  }

  @Test
  void ownerReferencesNameTheirOwnerFully() {
    assertEquals(List.of("metadata.ownerReferences.apiVersion: Invalid value: \"\": version must not be empty",
        "metadata.ownerReferences.kind: Invalid value: \"\": kind must not be empty",
        "metadata.ownerReferences.name: Invalid value: \"\": name must not be empty",
        "metadata.ownerReferences.uid: Invalid value: \"\": uid must not be empty"),
        create(ResourceTypes.CONFIGMAPS, "metadata: {name: c, namespace: default, ownerReferences: [{}]}" + DATA));
    assertEquals(List.of(), create(ResourceTypes.CONFIGMAPS, "metadata: {name: c, namespace: default, ownerReferences:"
        + " [{apiVersion: apps/v1, kind: Deployment, name: web, uid: u1, controller: true}]}" + DATA));
  }

  @Test
  void anEventOwnsNothingAndOneReferenceAtMostIsTheController() {
    List<String> event = create(ResourceTypes.CONFIGMAPS, "metadata: {name: c, namespace: default, ownerReferences:"
        + " [{apiVersion: v1, kind: Event, name: e, uid: u1}]}" + DATA);
    List<String> twoControllers = create(ResourceTypes.CONFIGMAPS, "metadata: {name: c, namespace: default,"
        + " ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: a, uid: u1, controller: true},"
        + " {apiVersion: v1, kind: ConfigMap, name: b, uid: u2, controller: true}]}" + DATA);

    assertEquals(1, event.size(), event.toString());
    assertTrue(event.get(0).endsWith(": /v1, Kind=Event is disallowed from being an owner"), event.get(0));
    assertEquals(1, twoControllers.size(), twoControllers.toString());
    assertTrue(twoControllers.get(0).endsWith("Only one reference can have Controller set to true. Found \"true\" in"
        + " references for ConfigMap/a and ConfigMap/b"), twoControllers.get(0));
  }

  @Test
  void generateNameTrailingDashQuirk() {
    assertEquals("wea", MetadataValidation.maskTrailingDash("web-"));
    assertEquals("-", MetadataValidation.maskTrailingDash("-"));
  }
}
