package io.gantry.control.server.validation;

import static io.gantry.control.server.validation.ValidationFixtures.create;
import static io.gantry.control.server.validation.ValidationFixtures.update;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Roles, ClusterRoles and their bindings, as upstream's RBAC validation words it. */
class RbacValidationTest {

  private static final String BINDING = """
      metadata: {name: read-pods, namespace: app}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}
      subjects:
      - {kind: ServiceAccount, name: runner}
      - {kind: User, name: jane, apiGroup: rbac.authorization.k8s.io}
      """;

  @Test
  void realisticObjectsPassAndRbacNamesMayHoldColonsAndCapitals() {
    assertEquals(List.of(), create(ResourceTypes.CLUSTERROLES, """
        metadata: {name: "system:aggregate-to-edit:Extra"}
        rules:
        - {apiGroups: [""], resources: [pods, pods/log], verbs: [get, list]}
        - {nonResourceURLs: ["/healthz", "/version"], verbs: [get]}
        """));
    assertEquals(List.of(), create(ResourceTypes.ROLEBINDINGS, BINDING));
    assertEquals(List.of("metadata.name: Invalid value: \"a/b\": may not contain '/'"),
        create(ResourceTypes.ROLES, "metadata: {name: a/b, namespace: app}\nrules: []"));
  }

  @Test
  void rulesNameVerbsAndResourcesOrClusterWideUrls() {
    assertEquals(List.of(
        "rules[0].verbs: Required value: verbs must contain at least one value",
        "rules[0].nonResourceURLs: Invalid value: []string{\"/healthz\"}: namespaced rules cannot apply to non-resource"
            + " URLs",
        "rules[0].nonResourceURLs: Invalid value: []string{\"/healthz\"}: rules cannot apply to both regular resources"
            + " and non-resource URLs",
        "rules[1].apiGroups: Required value: resource rules must supply at least one api group",
        "rules[1].resources: Required value: resource rules must supply at least one resource"),
        create(ResourceTypes.ROLES, """
            metadata: {name: bad, namespace: app}
            rules:
            - {nonResourceURLs: ["/healthz"], apiGroups: [""]}
            - {verbs: [get]}
            """));
    assertEquals(List.of("aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector"
        + " required if aggregationRule is non-nil"),
        create(ResourceTypes.CLUSTERROLES, "metadata: {name: agg}\naggregationRule: {clusterRoleSelectors: []}"));
  }

  @Test
  void bindingsReferToARoleTheyMayBindAndKnownSubjects() {
    assertEquals(List.of(
        "roleRef.apiGroup: Unsupported value: \"example.com\": supported values: \"rbac.authorization.k8s.io\"",
        "roleRef.kind: Unsupported value: \"Role\": supported values: \"ClusterRole\"",
        "roleRef.name: Required value",
        "subjects[0].namespace: Required value",
        "subjects[1].apiGroup: Unsupported value: \"example.com\": supported values: \"rbac.authorization.k8s.io\"",
        "subjects[2].name: Required value",
        "subjects[2].kind: Unsupported value: \"Robot\": supported values: \"ServiceAccount\", \"User\", \"Group\""),
        create(ResourceTypes.CLUSTERROLEBINDINGS, """
            metadata: {name: bad}
            roleRef: {apiGroup: example.com, kind: Role}
            subjects:
            - {kind: ServiceAccount, name: runner}
            - {kind: Group, name: ops, apiGroup: example.com}
            - {kind: Robot}
            """));
  }

  @Test
  void aBindingsRoleRefCannotChange() {
    assertEquals(List.of("roleRef: Invalid value: rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", Kind:\"Role\","
        + " Name:\"other\"}: cannot change roleRef"),
        update(ResourceTypes.ROLEBINDINGS, BINDING.replace("name: pod-reader", "name: other"), BINDING));
  }
}
