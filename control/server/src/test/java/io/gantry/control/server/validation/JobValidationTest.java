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

/** batch/v1 Jobs: SetDefaults_Job and the generated selector on create, ValidateJob, ValidateJobSpecUpdate. */
class JobValidationTest {

  private static final String UID = "0b6f5d4c-1111-2222-3333-444455556666";
  /** A Job as stored after defaulting and selector generation, spliced with a spec fragment. */
  private static final String VALID = """
      metadata: {name: pi, namespace: default, uid: %s}
      spec:
        parallelism: 1
        completions: 1
        backoffLimit: 6
        completionMode: NonIndexed
        suspend: false
        selector: {matchLabels: {batch.kubernetes.io/controller-uid: %s}}
        template:
          metadata:
            labels: {batch.kubernetes.io/controller-uid: %s, batch.kubernetes.io/job-name: pi, controller-uid: %s, job-name: pi}
          spec:
            restartPolicy: Never
            containers: [{name: pi, image: perl}]
      %s
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

  private static String job(String extra) {
    return VALID.formatted(UID, UID, UID, UID, extra);
  }

  @Test
  void createDefaultsTheSpecAndGeneratesTheSelectorFromTheUid() throws ApiException {
    ObjectNode created = registry.create(ResourceTypes.JOBS, "default", yaml("""
        metadata: {name: hello}
        spec:
          template:
            spec:
              restartPolicy: Never
              containers: [{name: hello, image: busybox, command: [echo, hi]}]
        """));
    String uid = created.at("/metadata/uid").asText();
    JsonNode spec = created.path("spec");
    assertEquals(1, spec.path("parallelism").asInt());
    assertEquals(1, spec.path("completions").asInt());
    assertEquals(6, spec.path("backoffLimit").asInt());
    assertEquals("NonIndexed", spec.path("completionMode").asText());
    assertFalse(spec.path("suspend").asBoolean(true));
    assertEquals("TerminatingOrFailed", spec.path("podReplacementPolicy").asText());
    assertFalse(spec.has("manualSelector"));
    assertEquals(yaml("matchLabels: {batch.kubernetes.io/controller-uid: " + uid + "}"), spec.path("selector"));
    JsonNode generated = yaml("{batch.kubernetes.io/controller-uid: " + uid + ", batch.kubernetes.io/job-name: hello,"
        + " controller-uid: " + uid + ", job-name: hello}");
    assertEquals(generated, spec.at("/template/metadata/labels"));
    assertEquals(generated, created.at("/metadata/labels"), "a Job without labels takes its template's");
    assertEquals("ClusterFirst", spec.at("/template/spec/dnsPolicy").asText(), "the pod template is defaulted");
    assertEquals(1, created.at("/metadata/generation").asInt());
    assertEquals(yaml("{}"), created.path("status"));
  }

  @Test
  void parallelismAloneLeavesCompletionsUnset() throws ApiException {
    ObjectNode created = registry.create(ResourceTypes.JOBS, "default", yaml("""
        metadata: {name: queue, labels: {team: a}}
        spec:
          parallelism: 3
          template: {spec: {restartPolicy: OnFailure, containers: [{name: w, image: worker}]}}
        """));
    assertEquals(3, created.at("/spec/parallelism").asInt());
    assertTrue(created.at("/spec/completions").isMissingNode());
    assertEquals(yaml("{team: a}"), created.at("/metadata/labels"), "the Job's own labels are kept");
  }

  @Test
  void aStatusSentOnCreateIsDropped() throws ApiException {
    ObjectNode created = registry.create(ResourceTypes.JOBS, "default", yaml("""
        metadata: {name: s}
        spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: i}]}}}
        status: {succeeded: 3}
        """));
    assertEquals(yaml("{}"), created.path("status"));
  }

  @Test
  void theDefaultRestartPolicyIsRefusedInUpstreamWords() {
    ApiException e = assertThrows(ApiException.class, () -> registry.create(ResourceTypes.JOBS, "default", yaml("""
        metadata: {name: bad}
        spec: {template: {spec: {containers: [{name: c, image: i}]}}}
        """)));
    assertEquals(422, e.code());
    assertEquals("Job.batch \"bad\" is invalid: spec.template.spec.restartPolicy: Required value: valid values:"
        + " \"OnFailure\", \"Never\"", e.getMessage());
  }

  @Test
  void aValidJobPasses() {
    assertEquals(List.of(), create(ResourceTypes.JOBS, job("")));
  }

  @Test
  void countsAndDeadlinesMayNotBeNegative() {
    String spec = job("").replace("backoffLimit: 6", "backoffLimit: -1\n  parallelism: -2\n  activeDeadlineSeconds: -5"
        + "\n  ttlSecondsAfterFinished: -1").replace("  parallelism: 1\n", "");
    assertEquals(List.of(
        "spec.parallelism: Invalid value: -2: must be greater than or equal to 0",
        "spec.activeDeadlineSeconds: Invalid value: -5: must be greater than or equal to 0",
        "spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0",
        "spec.ttlSecondsAfterFinished: Invalid value: -1: must be greater than or equal to 0"),
        create(ResourceTypes.JOBS, spec));
  }

  @Test
  void restartPolicyAndCompletionModeAreChecked() {
    // the pod template's own check, then the Job's
    assertEquals(List.of("spec.template.spec.restartPolicy: Unsupported value: \"Sometimes\": supported values:"
        + " \"Always\", \"OnFailure\", \"Never\"",
        "spec.template.spec.restartPolicy: Unsupported value: \"Sometimes\": supported values:"
        + " \"OnFailure\", \"Never\""),
        create(ResourceTypes.JOBS, job("").replace("restartPolicy: Never", "restartPolicy: Sometimes")));
    assertEquals(List.of("spec.completionMode: Unsupported value: \"Random\": supported values: \"NonIndexed\","
        + " \"Indexed\""), create(ResourceTypes.JOBS, job("").replace("NonIndexed", "Random")));
    assertEquals(List.of("spec.completions: Required value: when completion mode is Indexed"),
        create(ResourceTypes.JOBS, job("").replace("NonIndexed", "Indexed").replace("  completions: 1\n", "")));
  }

  @Test
  void theSelectorMustBeTheGeneratedOneAndMatchTheTemplate() {
    assertEquals(List.of("spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"x\"},"
        + " MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` not auto-generated",
        "spec.template.metadata.labels: Invalid value: map[string]string{\"batch.kubernetes.io/controller-uid\":\"" + UID
            + "\", \"batch.kubernetes.io/job-name\":\"pi\", \"controller-uid\":\"" + UID + "\", \"job-name\":\"pi\"}:"
            + " `selector` does not match template `labels`"),
        create(ResourceTypes.JOBS, job("").replace("selector: {matchLabels: {batch.kubernetes.io/controller-uid: " + UID
            + "}}", "selector: {matchLabels: {app: x}}")));
    assertEquals(List.of("spec.template.metadata.labels[job-name]: Invalid value: map[string]string{"
        + "\"batch.kubernetes.io/controller-uid\":\"" + UID + "\", \"batch.kubernetes.io/job-name\":\"pi\","
        + " \"controller-uid\":\"" + UID + "\", \"job-name\":\"other\"}: must be 'pi'"),
        create(ResourceTypes.JOBS, job("").replace("job-name: pi}", "job-name: other}")));
  }

  @Test
  void aManualSelectorNeedsOnlyToMatchTheTemplate() {
    assertEquals(List.of(), create(ResourceTypes.JOBS, job("").replace("suspend: false", "suspend: false\n"
        + "  manualSelector: true").replace("selector: {matchLabels: {batch.kubernetes.io/controller-uid: " + UID + "}}",
        "selector: {matchLabels: {job-name: pi}}")));
  }

  @Test
  void selectorTemplateCompletionsAndModeAreImmutable() {
    String old = job("");
    assertEquals(List.of(), update(ResourceTypes.JOBS, job("").replace("backoffLimit: 6", "backoffLimit: 2"), old));
    assertEquals(List.of("spec.completions: Invalid value: 5: field is immutable"),
        update(ResourceTypes.JOBS, job("").replace("completions: 1", "completions: 5"), old));
    List<String> template = update(ResourceTypes.JOBS, job("").replace("image: perl", "image: perl:5"), old);
    assertEquals(1, template.size());
    assertTrue(template.get(0).startsWith("spec.template: Invalid value: ") && template.get(0)
        .endsWith(": field is immutable"), template.get(0));
    assertEquals(List.of("spec.completionMode: Invalid value: \"Indexed\": field is immutable"),
        update(ResourceTypes.JOBS, job("").replace("NonIndexed", "Indexed"), old));
  }

  @Test
  void aSuspendedJobThatNeverStartedMayChangeItsSchedulingDirectives() {
    String old = job("").replace("suspend: false", "suspend: true");
    String moved = old.replace("restartPolicy: Never", "restartPolicy: Never\n      nodeSelector: {zone: a}");
    assertEquals(List.of(), update(ResourceTypes.JOBS, moved, old));
    assertEquals(List.of("spec.template: Invalid value: "), update(ResourceTypes.JOBS, moved,
        old + "status: {startTime: \"2026-01-01T00:00:00Z\"}\n").stream()
        .map(m -> m.substring(0, m.indexOf("Invalid value: ") + 15)).toList());
  }

  @Test
  void anIndexedJobMayScaleCompletionsWithParallelism() {
    String old = job("").replace("NonIndexed", "Indexed");
    assertEquals(List.of(), update(ResourceTypes.JOBS, old.replace("completions: 1", "completions: 2")
        .replace("parallelism: 1", "parallelism: 2"), old));
    assertEquals(List.of("spec.completions: Invalid value: 2: can only be modified in tandem with spec.parallelism"),
        update(ResourceTypes.JOBS, old.replace("completions: 1", "completions: 2"), old));
  }

  @Test
  void aSuccessPolicyIsForIndexedJobsAndNamesReachableIndexesOrCounts() {
    String base = job("").replace("completions: 1", "completions: 3");
    String indexed = base.replace("completionMode: NonIndexed", "completionMode: Indexed");

    assertEquals(List.of(
        "spec.successPolicy: Invalid value: \"NonIndexed\": requires indexed completion mode",
        "spec.successPolicy.rules: Required value: at least one rules must be specified when the successPolicy is"
            + " specified"),
        create(ResourceTypes.JOBS, base.replace("suspend: false", "suspend: false\n  successPolicy: {rules: []}")));
    assertEquals(List.of(
        "spec.successPolicy.rules[0].succeededIndexes: Invalid value: \"1,5-7\": error parsing succeededIndexes: too"
            + " large index: \"5\"",
        "spec.successPolicy.rules[1].succeededCount: Invalid value: 9: must be less than or equal to 3 (the number of"
            + " specified completions)",
        "spec.successPolicy.rules[2].succeededCount: Invalid value: 2: must be less than or equal to 1 (the number of"
            + " indexes in the specified succeededIndexes field)",
        "spec.successPolicy.rules[3]: Required value: at least one of succeededCount or succeededIndexes must be"
            + " specified"),
        create(ResourceTypes.JOBS, indexed.replace("suspend: false", "suspend: false\n  successPolicy: {rules:"
            + " [{succeededIndexes: \"1,5-7\"}, {succeededCount: 9}, {succeededIndexes: \"2\", succeededCount: 2}, {}]}")));
    assertEquals(List.of(), create(ResourceTypes.JOBS, indexed.replace("suspend: false", "suspend: false\n  successPolicy:"
        + " {rules: [{succeededIndexes: \"0,1-2\", succeededCount: 2}]}")));
  }
}
