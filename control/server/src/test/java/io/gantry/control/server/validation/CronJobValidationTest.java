package io.gantry.control.server.validation;

import static io.gantry.control.server.validation.ValidationFixtures.create;
import static io.gantry.control.server.validation.ValidationFixtures.update;
import static io.gantry.control.server.validation.ValidationFixtures.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** batch/v1 CronJobs: SetDefaults_CronJob on create, ValidateCronJobCreate and ValidateCronJobUpdate. */
class CronJobValidationTest {

  /** A CronJob as stored after defaulting, with a replaceable schedule line. */
  private static final String VALID = """
      metadata: {name: hello, namespace: default}
      spec:
        schedule: "*/1 * * * *"
        concurrencyPolicy: Allow
        suspend: false
        successfulJobsHistoryLimit: 3
        failedJobsHistoryLimit: 1
        jobTemplate:
          spec:
            template:
              spec:
                restartPolicy: OnFailure
                containers: [{name: hello, image: busybox}]
      """;

  @TempDir
  Path dir;
  private SqliteStore store;
  private ObjectRegistry registry;

  @BeforeEach
  void open() throws ApiException {
    store = SqliteStore.open(dir.resolve("store.db"));
    registry = new ObjectRegistry(store, Clock.systemUTC());
    registry.create(ResourceTypes.NAMESPACES, null, yaml("metadata: {name: default}"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void createDefaultsThePoliciesAndThePodTemplateButNotTheJob() throws ApiException {
    ObjectNode created = registry.create(ResourceTypes.CRONJOBS, "default", yaml("""
        metadata: {name: hello}
        spec:
          schedule: "@hourly"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: OnFailure
                  containers: [{name: hello, image: busybox}]
        status: {lastScheduleTime: "2020-01-01T00:00:00Z"}
        """));
    JsonNode spec = created.path("spec");
    assertEquals("Allow", spec.path("concurrencyPolicy").asText());
    assertFalse(spec.path("suspend").asBoolean(true));
    assertEquals(3, spec.path("successfulJobsHistoryLimit").asInt());
    assertEquals(1, spec.path("failedJobsHistoryLimit").asInt());
    assertEquals("ClusterFirst", spec.at("/jobTemplate/spec/template/spec/dnsPolicy").asText());
    assertTrue(spec.at("/jobTemplate/spec/selector").isMissingNode(), "the selector comes with the Job");
    assertTrue(spec.at("/jobTemplate/spec/backoffLimit").isMissingNode());
    assertEquals(1, created.at("/metadata/generation").asInt());
    assertEquals(yaml("{}"), created.path("status"));
  }

  @Test
  void aValidCronJobPasses() {
    assertEquals(List.of(), create(ResourceTypes.CRONJOBS, VALID));
    assertEquals(List.of(), create(ResourceTypes.CRONJOBS, VALID.replace("\"*/1 * * * *\"", "\"0 9 * JAN-MAR MON-FRI\"")
        + "  timeZone: Europe/Berlin\n"));
  }

  @Test
  void theNameLeavesRoomForTheJobSuffix() {
    String name = "a".repeat(53);
    assertEquals(List.of("metadata.name: Invalid value: \"" + name + "\": must be no more than 52 characters"),
        create(ResourceTypes.CRONJOBS, VALID.replace("name: hello,", "name: " + name + ",")));
    assertEquals(List.of(), create(ResourceTypes.CRONJOBS, VALID.replace("name: hello,", "name: " + "a".repeat(52) + ",")));
    String long53 = VALID.replace("name: hello,", "name: " + name + ",");
    assertEquals(List.of(), update(ResourceTypes.CRONJOBS, long53.replace("resourceVersion", "x"), long53),
        "an existing long name stays updatable");
  }

  @Test
  void theScheduleIsRequiredAndParsed() {
    assertEquals(List.of("spec.schedule: Required value"),
        create(ResourceTypes.CRONJOBS, VALID.replace("schedule: \"*/1 * * * *\"", "schedule: \"\"")));
    assertEquals(List.of("spec.schedule: Invalid value: \"* * *\": expected exactly 5 fields, found 3: [* * *]"),
        create(ResourceTypes.CRONJOBS, VALID.replace("\"*/1 * * * *\"", "\"* * *\"")));
    assertEquals(List.of("spec.schedule: Invalid value: \"0 25 * * *\": end of range (25) above maximum (23): 25"),
        create(ResourceTypes.CRONJOBS, VALID.replace("\"*/1 * * * *\"", "\"0 25 * * *\"")));
    assertEquals(List.of(), create(ResourceTypes.CRONJOBS, VALID.replace("\"*/1 * * * *\"", "\"@every 5m\"")),
        "robfig/cron's ParseStandard takes @every");
  }

  @Test
  void aTimeZoneBelongsInTheTimeZoneField() {
    assertEquals(List.of("spec.schedule: Invalid value: \"TZ=UTC 0 * * * *\": cannot use TZ or CRON_TZ in schedule,"
        + " use timeZone field instead"),
        create(ResourceTypes.CRONJOBS, VALID.replace("\"*/1 * * * *\"", "\"TZ=UTC 0 * * * *\"")));
    assertEquals(List.of("spec.timeZone: Invalid value: \"Mars/Olympus\": unknown time zone Mars/Olympus"),
        create(ResourceTypes.CRONJOBS, VALID + "  timeZone: Mars/Olympus\n"));
    assertEquals(List.of("spec.timeZone: Invalid value: \"../etc\": unknown time zone ../etc"),
        create(ResourceTypes.CRONJOBS, VALID + "  timeZone: ../etc\n"));
    assertEquals(List.of("spec.timeZone: Invalid value: \"Local\": timeZone must be an explicit time zone as defined in"
        + " https://www.iana.org/time-zones"), create(ResourceTypes.CRONJOBS, VALID + "  timeZone: Local\n"));
    for (String tzdataOnly : List.of("EST", "MST", "HST", "Factory")) {
      assertEquals(List.of(), create(ResourceTypes.CRONJOBS, VALID + "  timeZone: " + tzdataOnly + "\n"),
          tzdataOnly + " is in Go's tzdata, though not in the JDK's region list");
    }
  }

  @Test
  void policiesAndLimitsAreChecked() {
    assertEquals(List.of("spec.concurrencyPolicy: Unsupported value: \"Sometimes\": supported values: \"Allow\","
        + " \"Forbid\", \"Replace\""),
        create(ResourceTypes.CRONJOBS, VALID.replace("concurrencyPolicy: Allow", "concurrencyPolicy: Sometimes")));
    assertEquals(List.of(
        "spec.startingDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0",
        "spec.successfulJobsHistoryLimit: Invalid value: -3: must be greater than or equal to 0",
        "spec.failedJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0"),
        create(ResourceTypes.CRONJOBS, VALID.replace("successfulJobsHistoryLimit: 3", "successfulJobsHistoryLimit: -3")
            .replace("failedJobsHistoryLimit: 1", "failedJobsHistoryLimit: -1") + "  startingDeadlineSeconds: -1\n"));
  }

  @Test
  void theJobTemplateIsAJobSpecWithoutASelector() {
    assertEquals(List.of("spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values:"
        + " \"OnFailure\", \"Never\""),
        create(ResourceTypes.CRONJOBS, VALID.replace("restartPolicy: OnFailure", "restartPolicy: Always")));
    assertEquals(List.of("spec.jobTemplate.spec.selector: Invalid value: v1.LabelSelector{MatchLabels:"
        + "map[string]string{\"app\":\"x\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` will be"
        + " auto-generated"),
        create(ResourceTypes.CRONJOBS, VALID.replace("    spec:\n      template:",
            "    spec:\n      selector: {matchLabels: {app: x}}\n      template:")));
  }

  @Test
  void anInvalidCronJobIsRefusedInUpstreamWords() {
    ApiException e = assertThrows(ApiException.class, () -> registry.create(ResourceTypes.CRONJOBS, "default", yaml("""
        metadata: {name: bad}
        spec: {schedule: "61 * * * *", jobTemplate: {spec: {template: {spec: {restartPolicy: Never,
          containers: [{name: c, image: i}]}}}}}
        """)));
    assertEquals(422, e.code());
    assertEquals("CronJob.batch \"bad\" is invalid: spec.schedule: Invalid value: \"61 * * * *\": end of range (61)"
        + " above maximum (59): 61", e.getMessage());
  }
}
