package io.gantry.control.server.table;

import static io.gantry.control.server.table.Fixtures.NOW;
import static io.gantry.control.server.table.Fixtures.object;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class PodTableTest {

  private static List<Object> cells(String json) {
    return PodColumns.INSTANCE.cells(object(json), NOW);
  }

  @Test
  void columnsAreUpstreamsWithWideOnesAtPriorityOne() {
    List<Column> columns = PodColumns.INSTANCE.columns();
    assertEquals(List.of("Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"),
        columns.stream().map(Column::name).toList());
    assertEquals(List.of(0, 0, 0, 0, 0, 1, 1, 1, 1), columns.stream().map(Column::priority).toList());
    assertEquals("name", columns.get(0).format());
    // Since restarts print as "2 (45s ago)", upstream declares the column a string.
    assertEquals("string", columns.get(3).type());
  }

  @Test
  void runningPodWithOneReadyContainerAndTwoRestarts() {
    assertEquals(List.of("web-7d4b9c", "1/1", "Running", "2 (45s ago)", "5m", "10.244.0.12", "node-1", "<none>", "<none>"),
        cells("""
            {"apiVersion": "v1", "kind": "Pod",
             "metadata": {"name": "web-7d4b9c", "namespace": "default", "creationTimestamp": "2024-05-01T11:55:00Z"},
             "spec": {"nodeName": "node-1", "containers": [{"name": "web", "image": "nginx:1.25"}]},
             "status": {"phase": "Running", "podIP": "10.244.0.12", "podIPs": [{"ip": "10.244.0.12"}],
               "conditions": [{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "True"},
                              {"type": "ContainersReady", "status": "True"}, {"type": "PodScheduled", "status": "True"}],
               "containerStatuses": [{"name": "web", "ready": true, "started": true, "restartCount": 2,
                 "state": {"running": {"startedAt": "2024-05-01T11:59:16Z"}},
                 "lastState": {"terminated": {"exitCode": 1, "reason": "Error",
                   "startedAt": "2024-05-01T11:57:00Z", "finishedAt": "2024-05-01T11:59:15Z"}}}]}}
            """));
  }

  @Test
  void crashLoopBackOff() {
    assertEquals(List.of("crashy", "0/1", "CrashLoopBackOff", "5 (2m ago)", "10m", "10.244.0.13", "node-1", "<none>", "<none>"),
        cells("""
            {"metadata": {"name": "crashy", "namespace": "default", "creationTimestamp": "2024-05-01T11:50:00Z"},
             "spec": {"nodeName": "node-1", "containers": [{"name": "app", "image": "busybox"}]},
             "status": {"phase": "Running", "podIPs": [{"ip": "10.244.0.13"}],
               "conditions": [{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "False"}],
               "containerStatuses": [{"name": "app", "ready": false, "started": false, "restartCount": 5,
                 "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 2m40s restarting failed container"}},
                 "lastState": {"terminated": {"exitCode": 1, "reason": "Error", "finishedAt": "2024-05-01T11:58:00Z"}}}]}}
            """));
  }

  @Test
  void terminatingPod() {
    List<Object> cells = cells("""
        {"metadata": {"name": "old", "creationTimestamp": "2024-04-29T07:00:00Z",
                      "deletionTimestamp": "2024-05-01T12:00:30Z", "deletionGracePeriodSeconds": 30},
         "spec": {"nodeName": "node-2", "containers": [{"name": "app", "image": "nginx"}]},
         "status": {"phase": "Running", "podIPs": [{"ip": "10.244.1.4"}],
           "containerStatuses": [{"name": "app", "ready": true, "restartCount": 0, "state": {"running": {}}}]}}
        """);
    assertEquals(List.of("old", "1/1", "Terminating", "0", "2d5h"), cells.subList(0, 5));
  }

  @Test
  void finishedPodIsNotTerminatingAndItsRowIsCompleted() {
    var pod = object("""
        {"metadata": {"name": "job-x", "creationTimestamp": "2024-05-01T11:00:00Z", "deletionTimestamp": "2024-05-01T12:00:00Z"},
         "spec": {"containers": [{"name": "main", "image": "busybox"}]},
         "status": {"phase": "Succeeded",
           "containerStatuses": [{"name": "main", "ready": false, "restartCount": 0,
             "state": {"terminated": {"exitCode": 0, "reason": "Completed", "finishedAt": "2024-05-01T11:01:00Z"}}}]}}
        """);
    assertEquals(List.of("job-x", "0/1", "Completed", "0", "60m"), PodColumns.INSTANCE.cells(pod, NOW).subList(0, 5));
    assertEquals(List.of(new RowCondition("Completed", "True", "Succeeded", "The pod has completed successfully.")),
        PodColumns.INSTANCE.conditions(pod));
  }

  @Test
  void podWithoutStatusIsPending() {
    assertEquals(List.of("new", "0/2", "Pending", "0", "3s", "<none>", "<none>", "<none>", "<none>"),
        cells("""
            {"metadata": {"name": "new", "creationTimestamp": "2024-05-01T11:59:57Z"},
             "spec": {"containers": [{"name": "a", "image": "a"}, {"name": "b", "image": "b"}]}}
            """));
  }

  @Test
  void waitingForFirstInitContainer() {
    assertEquals(List.of("Init:0/1", "0/1"), statusAndReady("""
        {"metadata": {"name": "p"},
         "spec": {"initContainers": [{"name": "init-db", "image": "busybox"}], "containers": [{"name": "app", "image": "app"}]},
         "status": {"phase": "Pending",
           "conditions": [{"type": "Initialized", "status": "False", "reason": "ContainersNotInitialized"}],
           "initContainerStatuses": [{"name": "init-db", "ready": false, "restartCount": 0, "state": {"running": {}}}],
           "containerStatuses": [{"name": "app", "ready": false, "restartCount": 0,
             "state": {"waiting": {"reason": "PodInitializing"}}}]}}
        """));
  }

  @Test
  void initContainerReasons() {
    assertEquals(List.of("Init:ErrImagePull", "0/1"), statusAndReady("""
        {"metadata": {"name": "p"}, "spec": {"initContainers": [{"name": "i"}], "containers": [{"name": "app"}]},
         "status": {"phase": "Pending", "initContainerStatuses": [{"name": "i", "state": {"waiting": {"reason": "ErrImagePull"}}}]}}
        """));
    assertEquals(List.of("Init:CrashLoopBackOff", "0/1"), statusAndReady("""
        {"metadata": {"name": "p"}, "spec": {"initContainers": [{"name": "i"}], "containers": [{"name": "app"}]},
         "status": {"phase": "Pending", "initContainerStatuses": [{"name": "i", "restartCount": 3,
           "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}}
        """));
    assertEquals(List.of("Init:Error", "0/1"), statusAndReady("""
        {"metadata": {"name": "p"}, "spec": {"initContainers": [{"name": "i"}], "containers": [{"name": "app"}]},
         "status": {"phase": "Failed", "initContainerStatuses": [{"name": "i", "state": {"terminated": {"exitCode": 2, "reason": "Error"}}}]}}
        """));
    assertEquals(List.of("Init:ExitCode:2", "0/1"), statusAndReady("""
        {"metadata": {"name": "p"}, "spec": {"initContainers": [{"name": "i"}], "containers": [{"name": "app"}]},
         "status": {"phase": "Pending", "initContainerStatuses": [{"name": "i", "state": {"terminated": {"exitCode": 2}}}]}}
        """));
    // The first init container finished; the second is running.
    assertEquals(List.of("Init:1/2", "0/1"), statusAndReady("""
        {"metadata": {"name": "p"}, "spec": {"initContainers": [{"name": "a"}, {"name": "b"}], "containers": [{"name": "app"}]},
         "status": {"phase": "Pending", "initContainerStatuses": [
           {"name": "a", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
           {"name": "b", "state": {"running": {}}}]}}
        """));
  }

  @Test
  void containerTerminatedWithoutReasonShowsSignalOrExitCode() {
    assertEquals(List.of("Signal:9", "0/1"), statusAndReady("""
        {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "app"}]},
         "status": {"phase": "Failed", "containerStatuses": [{"name": "app", "state": {"terminated": {"exitCode": 137, "signal": 9}}}]}}
        """));
    assertEquals(List.of("ExitCode:137", "0/1"), statusAndReady("""
        {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "app"}]},
         "status": {"phase": "Failed", "containerStatuses": [{"name": "app", "state": {"terminated": {"exitCode": 137}}}]}}
        """));
  }

  @Test
  void completedContainerBesideARunningOneIsRunningOrNotReady() {
    String template = """
        {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "a"}, {"name": "b"}]},
         "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "%s"}],
           "containerStatuses": [
             {"name": "a", "ready": true, "state": {"running": {}}},
             {"name": "b", "ready": false, "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}]}}
        """;
    assertEquals(List.of("Running", "1/2"), statusAndReady(template.formatted("True")));
    assertEquals(List.of("NotReady", "1/2"), statusAndReady(template.formatted("False")));
  }

  @Test
  void sidecarInitContainerCountsTowardReadyAndRestarts() {
    List<Object> cells = cells("""
        {"metadata": {"name": "meshed", "creationTimestamp": "2024-05-01T10:00:00Z"},
         "spec": {"initContainers": [{"name": "proxy", "image": "envoy", "restartPolicy": "Always"}],
                  "containers": [{"name": "app", "image": "app"}]},
         "status": {"phase": "Running", "conditions": [{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "True"}],
           "initContainerStatuses": [{"name": "proxy", "ready": true, "started": true, "restartCount": 1,
             "state": {"running": {}}, "lastState": {"terminated": {"exitCode": 1, "finishedAt": "2024-05-01T11:00:00Z"}}}],
           "containerStatuses": [{"name": "app", "ready": true, "started": true, "restartCount": 0, "state": {"running": {}}}]}}
        """);
    assertEquals(List.of("meshed", "2/2", "Running", "1 (60m ago)", "120m"), cells.subList(0, 5));
  }

  @Test
  void restartsWithoutAFinishTimeArePlain() {
    assertEquals("3", cells("""
        {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "app"}]},
         "status": {"phase": "Running", "containerStatuses": [{"name": "app", "ready": true, "restartCount": 3, "state": {"running": {}}}]}}
        """).get(3));
  }

  @Test
  void schedulingGatedAndNodeLost() {
    assertEquals(List.of("SchedulingGated", "0/1"), statusAndReady("""
        {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "app"}], "schedulingGates": [{"name": "example.com/gate"}]},
         "status": {"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}]}}
        """));
    assertEquals(List.of("Unknown", "0/1"), statusAndReady("""
        {"metadata": {"name": "p", "deletionTimestamp": "2024-05-01T11:00:00Z"}, "spec": {"containers": [{"name": "app"}]},
         "status": {"phase": "Running", "reason": "NodeLost"}}
        """));
  }

  @Test
  void wideColumns() {
    assertEquals(List.of("192.168.1.10", "node-3", "node-4", "1/2"), cells("""
        {"metadata": {"name": "p"},
         "spec": {"nodeName": "node-3", "containers": [{"name": "app"}],
                  "readinessGates": [{"conditionType": "example.com/lb-ready"}, {"conditionType": "example.com/warm"}]},
         "status": {"phase": "Running", "nominatedNodeName": "node-4", "podIP": "192.168.1.10",
           "conditions": [{"type": "example.com/lb-ready", "status": "True"}, {"type": "example.com/warm", "status": "False"}]}}
        """).subList(5, 9));
  }

  private static List<Object> statusAndReady(String json) {
    List<Object> cells = cells(json);
    return List.of(cells.get(2), cells.get(1));
  }
}
