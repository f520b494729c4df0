package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * rbac.authorization.k8s.io/v1 Roles, ClusterRoles and their bindings, as upstream's RBAC validation
 * checks them: every rule names verbs and either resources (with API groups) or, cluster-wide only,
 * non-resource URLs; a binding refers to a role of this API group by a kind it may bind, and its
 * subjects are ServiceAccounts, Users or Groups.
 */
final class RbacValidation {

  private static final String GROUP = "rbac.authorization.k8s.io";
  private static final FieldPath RULES = FieldPath.root("rules");
  private static final FieldPath ROLE_REF = FieldPath.root("roleRef");
  private static final FieldPath SUBJECTS = FieldPath.root("subjects");

  private RbacValidation() {}

  static void validateRole(JsonNode role, boolean namespaced, List<FieldError> errs) {
    List<JsonNode> rules = Nodes.list(role, "rules");
    for (int i = 0; i < rules.size(); i++) {
      policyRule(rules.get(i), namespaced, RULES.index(i), errs);
    }
    JsonNode aggregation = Nodes.field(role, "aggregationRule");
    if (!namespaced && aggregation.isObject()) {
      FieldPath selectors = FieldPath.root("aggregationRule", "clusterRoleSelectors");
      List<JsonNode> list = Nodes.list(aggregation, "clusterRoleSelectors");
      if (list.isEmpty()) {
        errs.add(FieldError.required(selectors, "at least one clusterRoleSelector required if aggregationRule is non-nil"));
      }
      for (int i = 0; i < list.size(); i++) {
        SelectorValidation.validate(list.get(i), selectors.index(i), errs);
      }
    }
  }

  /** ValidatePolicyRule. */
  private static void policyRule(JsonNode rule, boolean namespaced, FieldPath path, List<FieldError> errs) {
    if (Nodes.list(rule, "verbs").isEmpty()) {
      errs.add(FieldError.required(path.child("verbs"), "verbs must contain at least one value"));
    }
    List<String> urls = Nodes.strings(Nodes.field(rule, "nonResourceURLs"));
    if (!urls.isEmpty()) {
      if (namespaced) {
        errs.add(FieldError.invalid(path.child("nonResourceURLs"), urls, "namespaced rules cannot apply to non-resource URLs"));
      }
      if (!Nodes.list(rule, "apiGroups").isEmpty() || !Nodes.list(rule, "resources").isEmpty()
          || !Nodes.list(rule, "resourceNames").isEmpty()) {
        errs.add(FieldError.invalid(path.child("nonResourceURLs"), urls,
            "rules cannot apply to both regular resources and non-resource URLs"));
      }
      return;
    }
    if (Nodes.list(rule, "apiGroups").isEmpty()) {
      errs.add(FieldError.required(path.child("apiGroups"), "resource rules must supply at least one api group"));
    }
    if (Nodes.list(rule, "resources").isEmpty()) {
      errs.add(FieldError.required(path.child("resources"), "resource rules must supply at least one resource"));
    }
  }

  /** ValidateRoleBinding and ValidateClusterRoleBinding. */
  static void validateBinding(JsonNode binding, boolean namespaced, List<FieldError> errs) {
    JsonNode roleRef = Nodes.field(binding, "roleRef");
    String apiGroup = Nodes.text(roleRef, "apiGroup", "");
    if (!apiGroup.equals(GROUP)) {
      errs.add(FieldError.notSupported(ROLE_REF.child("apiGroup"), apiGroup, List.of(GROUP)));
    }
    List<String> kinds = namespaced ? List.of("Role", "ClusterRole") : List.of("ClusterRole");
    String kind = Nodes.text(roleRef, "kind", "");
    if (!kinds.contains(kind)) {
      errs.add(FieldError.notSupported(ROLE_REF.child("kind"), kind, kinds));
    }
    String name = Nodes.text(roleRef, "name", "");
    if (name.isEmpty()) {
      errs.add(FieldError.required(ROLE_REF.child("name"), ""));
    } else {
      for (String msg : NameRules.pathSegmentName(name)) {
        errs.add(FieldError.invalid(ROLE_REF.child("name"), name, msg));
      }
    }
    List<JsonNode> subjects = Nodes.list(binding, "subjects");
    for (int i = 0; i < subjects.size(); i++) {
      subject(subjects.get(i), namespaced, SUBJECTS.index(i), errs);
    }
  }

  /** ValidateRoleBindingSubject. */
  private static void subject(JsonNode subject, boolean namespaced, FieldPath path, List<FieldError> errs) {
    String name = Nodes.text(subject, "name", "");
    if (name.isEmpty()) {
      errs.add(FieldError.required(path.child("name"), ""));
    }
    String apiGroup = Nodes.text(subject, "apiGroup", "");
    switch (Nodes.text(subject, "kind", "")) {
      case "ServiceAccount" -> {
        if (!name.isEmpty()) {
          for (String msg : NameRules.dns1123Subdomain(name)) {
            errs.add(FieldError.invalid(path.child("name"), name, msg));
          }
        }
        if (!apiGroup.isEmpty()) {
          errs.add(FieldError.notSupported(path.child("apiGroup"), apiGroup, List.of("")));
        }
        if (!namespaced && Nodes.text(subject, "namespace", "").isEmpty()) {
          errs.add(FieldError.required(path.child("namespace"), ""));
        }
      }
      case "User", "Group" -> {
        if (!apiGroup.equals(GROUP)) {
          errs.add(FieldError.notSupported(path.child("apiGroup"), apiGroup, List.of(GROUP)));
        }
      }
      default -> errs.add(FieldError.notSupported(path.child("kind"), Nodes.text(subject, "kind", ""),
          List.of("ServiceAccount", "User", "Group")));
    }
  }

  /** A binding's roleRef never changes: to bind another role, make another binding. */
  static void validateBindingUpdate(JsonNode binding, JsonNode old, List<FieldError> errs) {
    JsonNode roleRef = Nodes.field(binding, "roleRef");
    if (!roleRef.equals(Nodes.field(old, "roleRef"))) {
      errs.add(FieldError.invalid(ROLE_REF, roleRefLiteral(roleRef), "cannot change roleRef"));
    }
  }

  /** The roleRef as Go prints the struct with {@code %#v}. */
  private static GoLiteral roleRefLiteral(JsonNode roleRef) {
    return new GoLiteral("rbac.RoleRef{APIGroup:" + GoFormat.quote(Nodes.text(roleRef, "apiGroup", "")) + ", Kind:"
        + GoFormat.quote(Nodes.text(roleRef, "kind", "")) + ", Name:" + GoFormat.quote(Nodes.text(roleRef, "name", ""))
        + "}");
  }
}
