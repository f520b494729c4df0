package io.gantry.control.server.table;

import static io.gantry.control.server.table.Fixtures.NOW;
import static io.gantry.control.server.table.Fixtures.object;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class EventTableTest {

  private static List<Object> cells(String json) {
    return EventColumns.INSTANCE.cells(object(json), NOW);
  }

  @Test
  void columnsInterleaveWideOnesAsUpstreamDoes() {
    List<Column> columns = EventColumns.INSTANCE.columns();
    assertEquals(List.of("Last Seen", "Type", "Reason", "Object", "Subobject", "Source", "Message", "First Seen", "Count", "Name"),
        columns.stream().map(Column::name).toList());
    assertEquals(List.of(0, 0, 0, 0, 1, 1, 0, 1, 1, 1), columns.stream().map(Column::priority).toList());
    assertEquals("name", columns.get(9).format());
  }

  @Test
  void kubeletEventRepeated() {
    assertEquals(List.of("45s", "Warning", "BackOff", "pod/crashy", "spec.containers{app}", "kubelet, node-1",
            "Back-off restarting failed container app in pod crashy_default(uid)", "10m", 7L, "crashy.17c4a1b2c3d4e5f6"),
        cells("""
            {"apiVersion": "v1", "kind": "Event",
             "metadata": {"name": "crashy.17c4a1b2c3d4e5f6", "namespace": "default", "creationTimestamp": "2024-05-01T11:50:00Z"},
             "involvedObject": {"kind": "Pod", "namespace": "default", "name": "crashy", "uid": "uid",
                                "apiVersion": "v1", "fieldPath": "spec.containers{app}"},
             "reason": "BackOff", "message": "Back-off restarting failed container app in pod crashy_default(uid)\\n",
             "source": {"component": "kubelet", "host": "node-1"},
             "firstTimestamp": "2024-05-01T11:50:00Z", "lastTimestamp": "2024-05-01T11:59:15Z", "count": 7, "type": "Warning"}
            """));
  }

  @Test
  void newApiEventWithoutTimestampsOrCount() {
    // Events written through events.k8s.io carry eventTime and reporting fields instead. 119.876544s
    // truncates to 119s, as Go's int(d.Seconds()) does.
    assertEquals(List.of("119s", "Normal", "ScalingReplicaSet", "deployment/web", "", "deployment-controller",
            "Scaled up replica set web-6f9c8d7b5 to 3", "119s", 1L, "web.1"),
        cells("""
            {"metadata": {"name": "web.1", "namespace": "default"},
             "involvedObject": {"kind": "Deployment", "name": "web"},
             "reason": "ScalingReplicaSet", "message": "Scaled up replica set web-6f9c8d7b5 to 3", "type": "Normal",
             "eventTime": "2024-05-01T11:58:00.123456Z", "reportingComponent": "deployment-controller", "source": {}}
            """));
  }

  @Test
  void seriesOverridesLastSeenAndCount() {
    List<Object> cells = cells("""
        {"metadata": {"name": "e"}, "involvedObject": {"kind": "Node"},
         "eventTime": "2024-05-01T11:00:00.000000Z", "series": {"count": 12, "lastObservedTime": "2024-05-01T11:59:30.000000Z"},
         "reportingComponent": "kubelet", "reportingInstance": "node-9"}
        """);
    assertEquals(List.of("30s", "node", "kubelet, node-9", "60m", 12L),
        List.of(cells.get(0), cells.get(3), cells.get(5), cells.get(7), cells.get(8)));
  }

  @Test
  void eventsApiEventPrintsLikeItsCoreForm() {
    assertEquals(List.of("30s", "Warning", "FailedScheduling", "pod/pending-1", "", "default-scheduler",
            "0/1 nodes are available: 1 Insufficient cpu.", "5m", 4L, "pending-1.17c4"),
        EventColumns.EVENTS_API.cells(object("""
            {"apiVersion": "events.k8s.io/v1", "kind": "Event",
             "metadata": {"name": "pending-1.17c4", "namespace": "default"},
             "eventTime": null, "reportingController": "default-scheduler", "reportingInstance": "",
             "action": "Scheduling", "reason": "FailedScheduling", "type": "Warning",
             "regarding": {"kind": "Pod", "namespace": "default", "name": "pending-1"},
             "note": "0/1 nodes are available: 1 Insufficient cpu.",
             "deprecatedFirstTimestamp": "2024-05-01T11:55:00Z", "deprecatedLastTimestamp": "2024-05-01T11:59:30Z",
             "deprecatedCount": 4}
            """), NOW));
  }
}
