package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * CronJobs, after {@code printCronJob}: schedule, time zone ({@code <none>} when unset), suspend,
 * the number of active Jobs, the last schedule's age ({@code <none>} before the first); wide: the
 * job template's containers, images and selector.
 */
final class CronJobColumns implements ColumnSet {

  static final CronJobColumns INSTANCE = new CronJobColumns();

  private static final List<Column> COLUMNS = Stream.concat(Stream.of(
      Column.nameColumn(),
      Column.string("Schedule", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
      Column.string("Timezone", "The time zone name for the given schedule, see"
          + " https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this will default to"
          + " the time zone of the kube-controller-manager process. The set of valid time zone names and the time"
          + " zone offset is loaded from the system-wide time zone database by the API server during CronJob"
          + " validation and the controller manager during execution. If no system-wide time zone database can be"
          + " found a bundled version of the database is used instead. If the time zone name becomes invalid during"
          + " the lifetime of a CronJob or due to a change in host configuration, the controller will stop creating"
          + " new new Jobs and will create a system event with the reason UnknownTimeZone. More information can be"
          + " found in https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones"),
      new Column("Suspend", "boolean", "", "This flag tells the controller to suspend subsequent executions, it does"
          + " not apply to already started executions.  Defaults to false.", 0),
      Column.integer("Active", "A list of pointers to currently running jobs."),
      Column.string("Last Schedule", "Information when was the last time the job was successfully scheduled."),
      Column.ageColumn()), JobColumns.TEMPLATE_COLUMNS.stream()).toList();

  private CronJobColumns() {}

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode cronJob, Instant now) {
    JsonNode spec = cronJob.path("spec");
    JsonNode jobSpec = spec.path("jobTemplate").path("spec");
    Instant lastSchedule = Fields.time(cronJob.path("status"), "lastScheduleTime");
    String[] containers = Fields.containerCells(jobSpec.path("template").path("spec"));
    return List.of(
        Fields.name(cronJob),
        Fields.text(spec, "schedule"),
        spec.hasNonNull("timeZone") ? spec.get("timeZone").asText() : "<none>",
        suspend(spec.get("suspend")),
        (long) Fields.size(cronJob.path("status"), "active"),
        lastSchedule == null ? "<none>" : HumanDuration.since(lastSchedule, now),
        Fields.age(cronJob, now),
        containers[0],
        containers[1],
        LabelSelectors.formatOrNone(jobSpec.path("selector")));
  }

  /** printBoolPtr. */
  private static String suspend(JsonNode suspend) {
    if (suspend == null || suspend.isNull()) {
      return "<unset>";
    }
    return suspend.asBoolean() ? "True" : "False";
  }
}
