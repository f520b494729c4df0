package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.control.server.controller.cronjob.CronSchedule;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Pattern;

/**
 * batch/v1 CronJobs, as {@code ValidateCronJobCreate} and {@code ValidateCronJobUpdate} check them:
 * a name the controller can suffix ({@code -<minutes>}) into a Job name, a schedule robfig/cron
 * parses without a {@code TZ=} of its own, an IANA {@code timeZone}, the concurrency policy, the
 * history limits, and the job template as a Job spec whose selector is left to be generated.
 */
final class CronJobValidation {

  private static final FieldPath SPEC = FieldPath.root("spec");
  /** DNS1035LabelMaxLength less the 11 characters of the controller's {@code -<minutes>} suffix. */
  private static final int MAX_NAME_LENGTH = 52;
  private static final List<String> CONCURRENCY_POLICIES = List.of("Allow", "Forbid", "Replace");
  private static final Pattern TIME_ZONE_PART = Pattern.compile("^[A-Za-z.\\-_0-9+]{1,14}$");
  private static final String NAME_TOO_LONG = "must be no more than " + MAX_NAME_LENGTH + " characters";
  private static final String TZ_IN_SCHEDULE = "cannot use TZ or CRON_TZ in schedule, use timeZone field instead";

  private CronJobValidation() {}

  /** ValidateCronJobCreate. */
  static void validate(JsonNode cronJob, List<FieldError> errs) {
    spec(Nodes.field(cronJob, "spec"), errs);
    String name = Nodes.text(Nodes.field(cronJob, "metadata"), "name", "");
    if (name.length() > MAX_NAME_LENGTH) {
      errs.add(FieldError.invalid(FieldPath.root("metadata", "name"), name, NAME_TOO_LONG));
    }
  }

  /**
   * ValidateCronJobUpdate, after {@link #validate} checked the new object: names longer than 52
   * characters stay updatable, a schedule stored with a TZ may keep it (but not with a timeZone), and
   * an unchanged timeZone is not checked again.
   */
  static void validateUpdate(JsonNode cronJob, JsonNode old, List<FieldError> errs) {
    errs.removeIf(e -> e.field().equals("metadata.name") && NAME_TOO_LONG.equals(e.detail()));
    JsonNode spec = Nodes.field(cronJob, "spec");
    JsonNode oldSpec = Nodes.field(old, "spec");
    if (Nodes.text(oldSpec, "schedule", "").contains("TZ")) {
      errs.removeIf(e -> e.field().equals("spec.schedule") && TZ_IN_SCHEDULE.equals(e.detail()));
      String schedule = Nodes.text(spec, "schedule", "");
      if (schedule.contains("TZ") && Nodes.present(spec, "timeZone")) {
        errs.add(FieldError.invalid(SPEC.child("schedule"), schedule,
            "cannot use both timeZone field and TZ or CRON_TZ in schedule"));
      }
    }
    if (Nodes.field(spec, "timeZone").equals(Nodes.field(oldSpec, "timeZone"))) {
      errs.removeIf(e -> e.field().equals("spec.timeZone"));
    }
  }

  /** validateCronJobSpec. */
  private static void spec(JsonNode spec, List<FieldError> errs) {
    String schedule = Nodes.text(spec, "schedule", "");
    if (schedule.isEmpty()) {
      errs.add(FieldError.required(SPEC.child("schedule"), ""));
    } else {
      try {
        CronSchedule.parse(schedule, ZoneOffset.UTC);
      } catch (IllegalArgumentException e) {
        errs.add(FieldError.invalid(SPEC.child("schedule"), schedule, e.getMessage()));
      }
      if (schedule.contains("TZ")) {
        errs.add(FieldError.invalid(SPEC.child("schedule"), schedule, TZ_IN_SCHEDULE));
      }
    }
    JobValidation.nonNegative(spec, "startingDeadlineSeconds", SPEC, errs);
    timeZone(Nodes.field(spec, "timeZone"), errs);
    concurrencyPolicy(Nodes.text(spec, "concurrencyPolicy", ""), errs);
    jobTemplate(Nodes.field(spec, "jobTemplate"), SPEC.child("jobTemplate"), errs);
    JobValidation.nonNegative(spec, "successfulJobsHistoryLimit", SPEC, errs);
    JobValidation.nonNegative(spec, "failedJobsHistoryLimit", SPEC, errs);
  }

  /** validateTimeZone: unset, or a zone Go's time.LoadLocation knows, other than Local. */
  private static void timeZone(JsonNode value, List<FieldError> errs) {
    if (value.isMissingNode() || value.isNull()) {
      return;
    }
    FieldPath path = SPEC.child("timeZone");
    String zone = value.asText();
    if (zone.isEmpty()) {
      errs.add(FieldError.invalid(path, zone, "timeZone must be nil or non-empty string"));
      return;
    }
    for (String part : zone.split("/", -1)) {
      if (part.equals(".") || part.equals("..") || part.startsWith("-") || !TIME_ZONE_PART.matcher(part).matches()) {
        errs.add(FieldError.invalid(path, zone, "unknown time zone " + zone));
        return;
      }
    }
    if (zone.equalsIgnoreCase("Local")) {
      errs.add(FieldError.invalid(path, zone,
          "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"));
    }
    try {
      CronSchedule.TimeZones.load(zone);
    } catch (IllegalArgumentException e) {
      errs.add(FieldError.invalid(path, zone, e.getMessage()));
    }
  }

  private static void concurrencyPolicy(String policy, List<FieldError> errs) {
    FieldPath path = SPEC.child("concurrencyPolicy");
    if (policy.isEmpty()) {
      errs.add(FieldError.required(path, ""));
    } else if (!CONCURRENCY_POLICIES.contains(policy)) {
      errs.add(FieldError.notSupported(path, policy, CONCURRENCY_POLICIES));
    }
  }

  /** ValidateJobTemplateSpec: a Job spec whose selector the Job strategy will generate. */
  private static void jobTemplate(JsonNode template, FieldPath path, List<FieldError> errs) {
    JsonNode spec = Nodes.field(template, "spec");
    FieldPath specPath = path.child("spec");
    JobValidation.specFields(spec, specPath, errs);
    JsonNode selector = Nodes.field(spec, "selector");
    if (!selector.isMissingNode() && !selector.isNull()) {
      errs.add(FieldError.invalid(specPath.child("selector"), GoFormat.labelSelector(selector),
          "`selector` will be auto-generated"));
    }
    if (Nodes.field(spec, "manualSelector").asBoolean(false)) {
      errs.add(FieldError.notSupported(specPath.child("manualSelector"), true, List.of("nil", "false")));
    }
  }
}
