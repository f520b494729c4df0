package io.gantry.control.server.table;

import static io.gantry.control.server.table.Fixtures.NOW;
import static io.gantry.control.server.table.Fixtures.object;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Jobs, as printJob prints them. */
class JobTableTest {

  private static List<Object> cells(String json) {
    return JobColumns.INSTANCE.cells(object(json), NOW);
  }

  @Test
  void aCompleteJobShowsItsCompletionsAndHowLongItRan() {
    assertEquals(List.of("pi", "Complete", "1/1", "12s", "2m", "pi", "perl:5.34", "batch.kubernetes.io/controller-uid=u1"),
        cells("""
            {"apiVersion": "batch/v1", "kind": "Job",
             "metadata": {"name": "pi", "creationTimestamp": "2024-05-01T11:58:00Z"},
             "spec": {"completions": 1, "parallelism": 1,
               "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": "u1"}},
               "template": {"spec": {"containers": [{"name": "pi", "image": "perl:5.34"}]}}},
             "status": {"succeeded": 1, "startTime": "2024-05-01T11:58:01Z", "completionTime": "2024-05-01T11:58:13Z",
               "conditions": [{"type": "SuccessCriteriaMet", "status": "True"}, {"type": "Complete", "status": "True"}]}}
            """));
  }

  @Test
  void aRunningJobCountsFromItsStartUntilNow() {
    List<Object> row = cells("""
        {"metadata": {"name": "w", "creationTimestamp": "2024-05-01T11:59:00Z"},
         "spec": {"completions": 5, "parallelism": 2},
         "status": {"succeeded": 2, "active": 2, "startTime": "2024-05-01T11:59:30Z"}}
        """);
    assertEquals(List.of("w", "Running", "2/5", "30s", "60s"), row.subList(0, 5));
  }

  @Test
  void withoutCompletionsOneSuccessIsTheGoal() {
    assertEquals("0/1 of 3", cells("{\"metadata\": {\"name\": \"q\"}, \"spec\": {\"parallelism\": 3}}").get(2));
    assertEquals("1/1", cells("{\"metadata\": {\"name\": \"q\"}, \"spec\": {\"parallelism\": 1},"
        + " \"status\": {\"succeeded\": 1}}").get(2));
  }

  @Test
  void statusFollowsTheConditionsInUpstreamOrder() {
    assertEquals("Failed", cells("""
        {"metadata": {"name": "f"}, "spec": {"completions": 1},
         "status": {"failed": 2, "conditions": [{"type": "FailureTarget", "status": "True"}, {"type": "Failed", "status": "True"}]}}
        """).get(1));
    assertEquals("FailureTarget", cells("""
        {"metadata": {"name": "f"}, "spec": {"completions": 1},
         "status": {"conditions": [{"type": "FailureTarget", "status": "True"}]}}
        """).get(1));
    assertEquals("Suspended", cells("""
        {"metadata": {"name": "s"}, "spec": {"completions": 1, "suspend": true},
         "status": {"conditions": [{"type": "Suspended", "status": "True"}]}}
        """).get(1));
    assertEquals("Running", cells("""
        {"metadata": {"name": "r"}, "spec": {"completions": 1},
         "status": {"conditions": [{"type": "Suspended", "status": "False"}]}}
        """).get(1));
    assertEquals("Terminating", cells("""
        {"metadata": {"name": "t", "deletionTimestamp": "2024-05-01T11:59:00Z"}, "spec": {"completions": 1}}
        """).get(1));
    assertEquals("", cells("{\"metadata\": {\"name\": \"n\"}, \"spec\": {\"completions\": 1}}").get(3),
        "no duration before the Job started");
  }

  @Test
  void columnsAsUpstream() {
    List<Column> columns = ColumnSets.forType(ResourceTypes.JOBS).columns();
    assertEquals(List.of("Name", "Status", "Completions", "Duration", "Age", "Containers", "Images", "Selector"),
        columns.stream().map(Column::name).toList());
    assertEquals(List.of(0, 0, 0, 0, 0, 1, 1, 1), columns.stream().map(Column::priority).toList());
  }
}
