package io.gantry.control.server.controller.cronjob;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.controller.gc.OwnerReferences;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.resource.ResourceTypes;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The Job a CronJob runs at a schedule time, as upstream's {@code getJobFromTemplate2}: named
 * {@code <cronjob>-<minutes since the epoch>} so that one schedule time makes one Job however often
 * it is tried, with the template's labels and annotations, the scheduled time as an annotation
 * (RFC 3339, in the CronJob's time zone or UTC) and the CronJob as its controller.
 */
final class JobFromTemplate {

  static final String SCHEDULED_TIMESTAMP = "batch.kubernetes.io/cronjob-scheduled-timestamp";
  private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");

  private JobFromTemplate() {}

  /** getJobName. */
  static String name(ObjectNode cronJob, Instant scheduledTime) {
    return ObjectMeta.name(cronJob) + "-" + Math.floorDiv(scheduledTime.getEpochSecond(), 60);
  }

  static ObjectNode job(ObjectNode cronJob, Instant scheduledTime) {
    JsonNode template = cronJob.path("spec").path("jobTemplate");
    ObjectNode job = Json.object();
    job.put("apiVersion", ResourceTypes.JOBS.apiVersion());
    job.put("kind", ResourceTypes.JOBS.kind());
    ObjectNode metadata = job.putObject("metadata");
    metadata.put("name", name(cronJob, scheduledTime));
    if (template.path("metadata").get("labels") instanceof ObjectNode labels && !labels.isEmpty()) {
      metadata.set("labels", labels.deepCopy());
    }
    ObjectNode annotations = template.path("metadata").get("annotations") instanceof ObjectNode a
        ? a.deepCopy() : Json.object();
    String zoneName = cronJob.path("spec").path("timeZone").asText("");
    ZoneId zone;
    try {
      zone = CronSchedule.TimeZones.load(zoneName);
    } catch (IllegalArgumentException e) {
      zone = ZoneOffset.UTC;
    }
    annotations.put(SCHEDULED_TIMESTAMP, RFC3339.format(scheduledTime.atZone(zone)));
    metadata.set("annotations", annotations);
    OwnerReferences.add(job, OwnerReferences.controllerRef(ResourceTypes.CRONJOBS, cronJob));
    job.set("spec", template.get("spec") instanceof ObjectNode spec ? spec.deepCopy() : Json.object());
    return job;
  }
}
