package io.gantry.control.server.table;

import static io.gantry.control.server.table.Fixtures.NOW;
import static io.gantry.control.server.table.Fixtures.object;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Namespaces, Secrets, ConfigMaps, NetworkPolicies, Leases, PodDisruptionBudgets and RoleBindings. */
class SimpleKindsTableTest {

  @Test
  void namespace() {
    assertEquals(List.of("default", "Active", "12d"), NamespaceColumns.INSTANCE.cells(object("""
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default", "creationTimestamp": "2024-04-19T08:00:00Z"},
         "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}
        """), NOW));
    assertEquals("Terminating", NamespaceColumns.INSTANCE.cells(object("""
        {"metadata": {"name": "going", "deletionTimestamp": "2024-05-01T11:59:00Z"}, "status": {"phase": "Terminating"}}
        """), NOW).get(1));
  }

  @Test
  void secret() {
    assertEquals(List.of("db-credentials", "Opaque", 2L, "45s"), SecretColumns.INSTANCE.cells(object("""
        {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db-credentials", "creationTimestamp": "2024-05-01T11:59:15Z"},
         "type": "Opaque", "data": {"username": "YWRtaW4=", "password": "czNjcjN0"}}
        """), NOW));
    assertEquals(List.of("tls", "kubernetes.io/tls", 2L), SecretColumns.INSTANCE.cells(object("""
        {"metadata": {"name": "tls"}, "type": "kubernetes.io/tls", "data": {"tls.crt": "", "tls.key": ""}}
        """), NOW).subList(0, 3));
    // No type reads as the default Opaque; stringData keys count once each.
    assertEquals(List.of("s", "Opaque", 2L), SecretColumns.INSTANCE.cells(object("""
        {"metadata": {"name": "s"}, "data": {"a": "YQ=="}, "stringData": {"a": "a", "b": "b"}}
        """), NOW).subList(0, 3));
  }

  @Test
  void configMap() {
    assertEquals(List.of("app-config", 3L, "3h"), ConfigMapColumns.INSTANCE.cells(object("""
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "app-config", "creationTimestamp": "2024-05-01T09:00:00Z"},
         "data": {"a.properties": "x=1", "b.yaml": "y: 2"}, "binaryData": {"logo.png": "iVBORw0KGgo="}}
        """), NOW));
    assertEquals(0L, ConfigMapColumns.INSTANCE.cells(object("""
        {"metadata": {"name": "empty"}}
        """), NOW).get(1));
  }

  @Test
  void networkPolicy() {
    assertEquals(List.of("deny-all", "<none>", "5m"), NetworkPolicyColumns.INSTANCE.cells(object("""
        {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
         "metadata": {"name": "deny-all", "creationTimestamp": "2024-05-01T11:55:00Z"},
         "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}}
        """), NOW));
    assertEquals("app=db,role notin (test)", NetworkPolicyColumns.INSTANCE.cells(object("""
        {"metadata": {"name": "db"},
         "spec": {"podSelector": {"matchLabels": {"app": "db"}, "matchExpressions": [{"key": "role", "operator": "NotIn", "values": ["test"]}]}}}
        """), NOW).get(1));
    assertEquals("<error>", NetworkPolicyColumns.INSTANCE.cells(object("""
        {"metadata": {"name": "bad"}, "spec": {"podSelector": {"matchExpressions": [{"key": "k", "operator": "Near"}]}}}
        """), NOW).get(1));
  }

  @Test
  void lease() {
    assertEquals(List.of("kube-controller-manager", "gantry-node-1_0c5e7a4f", "4h"), LeaseColumns.INSTANCE.cells(object("""
        {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
         "metadata": {"name": "kube-controller-manager", "namespace": "kube-system", "creationTimestamp": "2024-05-01T08:00:00Z"},
         "spec": {"holderIdentity": "gantry-node-1_0c5e7a4f", "leaseDurationSeconds": 15,
                  "renewTime": "2024-05-01T11:59:58.000000Z"}}
        """), NOW));
    assertEquals("", LeaseColumns.INSTANCE.cells(object("""
        {"metadata": {"name": "free"}, "spec": {}}
        """), NOW).get(1));
  }

  @Test
  void podDisruptionBudget() {
    assertEquals(List.of("web", "2", "N/A", 1L, "4h"), PodDisruptionBudgetColumns.INSTANCE.cells(object("""
        {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
         "metadata": {"name": "web", "namespace": "default", "creationTimestamp": "2024-05-01T08:00:00Z"},
         "spec": {"minAvailable": 2, "selector": {"matchLabels": {"app": "web"}}},
         "status": {"disruptionsAllowed": 1, "currentHealthy": 3, "desiredHealthy": 2, "expectedPods": 3}}
        """), NOW));
    assertEquals(List.of("N/A", "25%"), PodDisruptionBudgetColumns.INSTANCE.cells(object("""
        {"metadata": {"name": "pct"}, "spec": {"maxUnavailable": "25%"}}
        """), NOW).subList(1, 3));
  }

  @Test
  void roleBinding() {
    assertEquals(List.of("read-pods", "ClusterRole/view", "4h", "jane, joe", "ops", "app/runner, /orphan"),
        RoleBindingColumns.INSTANCE.cells(object("""
            {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
             "metadata": {"name": "read-pods", "namespace": "app", "creationTimestamp": "2024-05-01T08:00:00Z"},
             "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
             "subjects": [{"kind": "User", "name": "jane"}, {"kind": "ServiceAccount", "name": "runner", "namespace": "app"},
                          {"kind": "Group", "name": "ops"}, {"kind": "User", "name": "joe"},
                          {"kind": "ServiceAccount", "name": "orphan"}]}
            """), NOW));
  }
}
