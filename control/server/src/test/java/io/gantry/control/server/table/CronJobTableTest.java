package io.gantry.control.server.table;

import static io.gantry.control.server.table.Fixtures.NOW;
import static io.gantry.control.server.table.Fixtures.object;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** CronJobs, as printCronJob prints them. */
class CronJobTableTest {

  private static List<Object> cells(String json) {
    return CronJobColumns.INSTANCE.cells(object(json), NOW);
  }

  @Test
  void aScheduledCronJobShowsItsActiveJobsAndLastSchedule() {
    assertEquals(List.of("hello", "*/1 * * * *", "Europe/Berlin", "False", 1L, "30s", "5m", "hello", "busybox",
        "<none>"), cells("""
            {"apiVersion": "batch/v1", "kind": "CronJob",
             "metadata": {"name": "hello", "creationTimestamp": "2024-05-01T11:55:00Z"},
             "spec": {"schedule": "*/1 * * * *", "timeZone": "Europe/Berlin", "suspend": false,
               "jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "hello", "image": "busybox"}]}}}}},
             "status": {"lastScheduleTime": "2024-05-01T11:59:30Z",
               "active": [{"kind": "Job", "namespace": "default", "name": "hello-28577519"}]}}
            """));
  }

  @Test
  void unsetFieldsReadAsUpstreamPrintsThem() {
    assertEquals(List.of("n", "@hourly", "<none>", "<unset>", 0L, "<none>"), cells("""
        {"metadata": {"name": "n", "creationTimestamp": "2024-05-01T11:00:00Z"}, "spec": {"schedule": "@hourly"}}
        """).subList(0, 6));
    assertEquals("True", cells("{\"metadata\": {\"name\": \"s\"}, \"spec\": {\"suspend\": true}}").get(3));
  }
}
