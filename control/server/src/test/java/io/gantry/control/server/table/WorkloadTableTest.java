package io.gantry.control.server.table;

import static io.gantry.control.server.table.Fixtures.NOW;
import static io.gantry.control.server.table.Fixtures.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Deployments, ReplicaSets and ReplicationControllers. */
class WorkloadTableTest {

  @Test
  void deploymentTwoOfThreeReady() {
    assertEquals(List.of("web", "2/3", 3L, 2L, "5m10s", "nginx,sidecar", "nginx:1.25,busybox:1.36", "app=web"),
        DeploymentColumns.INSTANCE.cells(object("""
            {"apiVersion": "apps/v1", "kind": "Deployment",
             "metadata": {"name": "web", "namespace": "default", "generation": 2, "creationTimestamp": "2024-05-01T11:54:50Z"},
             "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
               "template": {"metadata": {"labels": {"app": "web"}},
                 "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}, {"name": "sidecar", "image": "busybox:1.36"}]}}},
             "status": {"observedGeneration": 2, "replicas": 3, "updatedReplicas": 3, "readyReplicas": 2, "availableReplicas": 2}}
            """), NOW));
  }

  @Test
  void deploymentDefaultsAndSelectorExpressions() {
    List<Object> cells = DeploymentColumns.INSTANCE.cells(object("""
        {"metadata": {"name": "new"},
         "spec": {"selector": {"matchLabels": {"app": "new"},
                               "matchExpressions": [{"key": "env", "operator": "In", "values": ["prod", "canary"]},
                                                    {"key": "legacy", "operator": "DoesNotExist"}]},
                  "template": {"spec": {"containers": [{"name": "c", "image": "i"}]}}}}
        """), NOW);
    // Absent replicas default to 1; absent status counts are 0; deployments print an empty selector as "".
    assertEquals(List.of("new", "0/1", 0L, 0L, "<unknown>"), cells.subList(0, 5));
    assertEquals("app=new,env in (canary,prod),!legacy", cells.get(7));
    assertEquals("", DeploymentColumns.INSTANCE.cells(object("""
        {"metadata": {"name": "x"}, "spec": {"replicas": 0}}
        """), NOW).get(7));
  }

  @Test
  void deploymentColumns() {
    List<Column> columns = DeploymentColumns.INSTANCE.columns();
    assertEquals(List.of("Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector"),
        columns.stream().map(Column::name).toList());
    assertEquals(List.of(0, 0, 0, 0, 0, 1, 1, 1), columns.stream().map(Column::priority).toList());
  }

  @Test
  void replicaSet() {
    assertEquals(List.of("web-6f9c8d7b5", 3L, 3L, 1L, "2m", "nginx", "nginx:1.25", "app=web,pod-template-hash=6f9c8d7b5"),
        ReplicaSetColumns.INSTANCE.cells(object("""
            {"apiVersion": "apps/v1", "kind": "ReplicaSet",
             "metadata": {"name": "web-6f9c8d7b5", "creationTimestamp": "2024-05-01T11:58:00Z",
               "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": "u", "controller": true}]},
             "spec": {"replicas": 3, "selector": {"matchLabels": {"pod-template-hash": "6f9c8d7b5", "app": "web"}},
               "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}]}}},
             "status": {"replicas": 3, "readyReplicas": 1, "availableReplicas": 1}}
            """), NOW));
    assertEquals(List.of("integer", "integer", "integer"),
        ReplicaSetColumns.INSTANCE.columns().subList(1, 4).stream().map(Column::type).toList());
  }

  @Test
  void replicaSetWithoutSelectorPrintsNone() {
    assertEquals("<none>", ReplicaSetColumns.INSTANCE.cells(object("""
        {"metadata": {"name": "rs"}, "spec": {"replicas": 1}}
        """), NOW).get(7));
  }

  @Test
  void replicationControllerPrintsItsSelectorMap() {
    assertEquals(List.of("web", 3L, 2L, 1L, "2m", "web,log", "nginx:1.27,busybox", "app=web,tier=front"),
        ReplicaSetColumns.REPLICATION_CONTROLLERS.cells(object("""
            {"apiVersion": "v1", "kind": "ReplicationController",
             "metadata": {"name": "web", "creationTimestamp": "2024-05-01T11:58:00Z"},
             "spec": {"replicas": 3, "selector": {"tier": "front", "app": "web"},
               "template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.27"},
                                                    {"name": "log", "image": "busybox"}]}}},
             "status": {"replicas": 2, "readyReplicas": 1}}
            """), NOW));
    assertEquals(List.of("Name", "Desired", "Current", "Ready", "Age", "Containers", "Images", "Selector"),
        ReplicaSetColumns.REPLICATION_CONTROLLERS.columns().stream().map(Column::name).toList());
    assertEquals("The number of ready replicas for this replication controller.",
        ReplicaSetColumns.REPLICATION_CONTROLLERS.columns().get(3).description());
    assertSame(ReplicaSetColumns.REPLICATION_CONTROLLERS, ColumnSets.forType(ResourceTypes.REPLICATIONCONTROLLERS));
  }

  @Test
  void replicationControllerWithoutSelectorPrintsNone() {
    assertEquals("<none>", ReplicaSetColumns.REPLICATION_CONTROLLERS.cells(object("""
        {"metadata": {"name": "rc"}, "spec": {"replicas": 1, "selector": {}}}
        """), NOW).get(7));
  }
}
