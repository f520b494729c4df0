package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * Jobs, after {@code printJob}: status, completions ({@code succeeded/completions}, or for a work
 * queue without completions {@code succeeded/1}, {@code succeeded/1 of parallelism}), duration;
 * wide: containers, images, selector.
 */
final class JobColumns implements ColumnSet {

  static final JobColumns INSTANCE = new JobColumns();

  /** The wide columns of printJob and printCronJob: the pod template's containers and images, the selector. */
  static final List<Column> TEMPLATE_COLUMNS = List.of(
      Column.wide("Containers", "Names of each container in the template."),
      Column.wide("Images", "Images referenced by each container in the template."),
      Column.wide("Selector", "A label query over pods that should match the pod count. Normally, the system sets"
          + " this field for you. More info:"
          + " https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"));

  private static final List<Column> COLUMNS = Stream.concat(Stream.of(
      Column.nameColumn(),
      Column.string("Status", "Status of the job."),
      Column.string("Completions", "The number of pods which reached phase Succeeded. The value increases"
          + " monotonically for a given spec. However, it may decrease in reaction to scale down of elastic indexed"
          + " jobs."),
      Column.string("Duration", "Time required to complete the job."),
      Column.ageColumn()), TEMPLATE_COLUMNS.stream()).toList();

  private JobColumns() {}

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode job, Instant now) {
    JsonNode spec = job.path("spec");
    JsonNode status = job.path("status");
    String[] containers = Fields.containerCells(spec.path("template").path("spec"));
    return List.of(
        Fields.name(job),
        status(job),
        completions(spec, Fields.integer(status, "succeeded")),
        duration(status, now),
        Fields.age(job, now),
        containers[0],
        containers[1],
        LabelSelectors.formatOrNone(spec.path("selector")));
  }

  private static String completions(JsonNode spec, long succeeded) {
    if (Fields.at(spec, "completions").canConvertToLong()) {
      return succeeded + "/" + Fields.integer(spec, "completions");
    }
    long parallelism = Fields.integer(spec, "parallelism");
    return parallelism > 1 ? succeeded + "/1 of " + parallelism : succeeded + "/1";
  }

  /** Since the start, until completion when the Job completed; empty before it started. */
  private static String duration(JsonNode status, Instant now) {
    Instant start = Fields.time(status, "startTime");
    if (start == null) {
      return "";
    }
    Instant end = Fields.time(status, "completionTime");
    return HumanDuration.format(Duration.between(start, end == null ? now : end));
  }

  private static String status(ObjectNode job) {
    JsonNode conditions = job.path("status").path("conditions");
    if (hasCondition(conditions, "Complete")) {
      return "Complete";
    } else if (hasCondition(conditions, "Failed")) {
      return "Failed";
    } else if (!Fields.text(job, "metadata", "deletionTimestamp").isEmpty()) {
      return "Terminating";
    } else if (hasCondition(conditions, "Suspended")) {
      return "Suspended";
    } else if (hasCondition(conditions, "FailureTarget")) {
      return "FailureTarget";
    }
    return "Running";
  }

  /** hasJobCondition: the first condition of the type decides. */
  private static boolean hasCondition(JsonNode conditions, String type) {
    for (JsonNode condition : conditions) {
      if (type.equals(condition.path("type").asText())) {
        return "True".equals(condition.path("status").asText());
      }
    }
    return false;
  }
}
