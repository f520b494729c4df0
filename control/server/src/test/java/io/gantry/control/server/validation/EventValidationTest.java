package io.gantry.control.server.validation;

import static io.gantry.control.server.validation.ValidationFixtures.create;
import static io.gantry.control.server.validation.ValidationFixtures.update;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ValidateEventCreate and ValidateEventUpdate: legacyValidateEvent for both groups, the strict rules for
 * events.k8s.io/v1, with errors naming the internal fields as upstream's do.
 */
class EventValidationTest {

  /** An events.k8s.io/v1 Event as the e2e test writes it. */
  private static final String EVENT = """
      apiVersion: events.k8s.io/v1
      kind: Event
      metadata: {name: event-test, namespace: demo}
      regarding: {namespace: demo}
      eventTime: "2017-09-19T13:49:16.000000Z"
      note: This is event-test
      action: Do
      reason: Test
      type: Normal
      reportingController: test-controller
      reportingInstance: test-node
      """;

  @Test
  void anEventAsTheConformanceTestWritesItPasses() {
    assertEquals(List.of(), create(ResourceTypes.EVENTS_V1, EVENT));
  }

  @Test
  void theEventsApiRequiresAnEventTimeAndTheReportingFields() {
    assertEquals(List.of("involvedObject.namespace: Invalid value: \"\": does not match event.namespace",
        "eventTime: Required value", "type: Invalid value: \"\": has invalid value: Sometimes"),
        create(ResourceTypes.EVENTS_V1, """
            metadata: {name: e, namespace: demo}
            reason: R
            type: Sometimes
            """));
    assertEquals(List.of("reportingController: Required value",
        "reportingController: Invalid value: \"\": name part must be non-empty",
        "reportingController: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.',"
            + " and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or"
            + " '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
        "reportingInstance: Required value", "action: Required value"),
        create(ResourceTypes.EVENTS_V1, EVENT.replaceAll("(?m)^(reporting\\w+|action): .*\\n", "")));
  }

  @Test
  void theNoteActionAndInstanceAreBounded() {
    assertEquals(List.of("reportingInstance: Invalid value: \"\": can have at most 128 characters",
        "action: Invalid value: \"\": can have at most 128 characters",
        "message: Invalid value: \"\": can have at most 1024 characters"),
        create(ResourceTypes.EVENTS_V1, EVENT.replace("test-node", "i".repeat(129)).replace("action: Do",
            "action: " + "a".repeat(129)).replace("note: This is event-test", "note: " + "n".repeat(1025))));
  }

  @Test
  void theDeprecatedFieldsMustBeUnsetAndASeriesValid() {
    assertEquals(List.of("series.count: Invalid value: \"\": should be at least 2", "series.lastObservedTime: Required value",
        "firstTimestamp: Invalid value: \"\": needs to be unset", "lastTimestamp: Invalid value: \"\": needs to be unset",
        "count: Invalid value: \"\": needs to be unset", "source: Invalid value: \"\": needs to be unset"),
        create(ResourceTypes.EVENTS_V1, EVENT + """
            series: {count: 1}
            deprecatedFirstTimestamp: "2024-01-01T00:00:00Z"
            deprecatedLastTimestamp: "2024-01-01T00:00:00Z"
            deprecatedCount: 2
            deprecatedSource: {component: kubelet}
            """));
  }

  @Test
  void coreEventsGetOnlyTheLegacyRules() {
    assertEquals(List.of(), create(ResourceTypes.EVENTS, """
        metadata: {name: e, namespace: demo}
        involvedObject: {namespace: demo}
        reason: R
        type: Sometimes
        count: 3
        firstTimestamp: "2024-01-01T00:00:00Z"
        """));
    assertEquals(List.of("reportingController: Required value",
        "reportingController: Invalid value: \"\": name part must be non-empty",
        "reportingController: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.',"
            + " and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or"
            + " '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
        "reportingInstance: Required value", "action: Required value", "reason: Required value"),
        create(ResourceTypes.EVENTS, """
            metadata: {name: e, namespace: demo}
            involvedObject: {namespace: demo}
            eventTime: "2024-01-01T00:00:00.000000Z"
            """));
  }

  @Test
  void anUpdateMayChangeTheSeriesAndMetadataOnly() {
    String withSeries = EVENT + "series: {count: 100, lastObservedTime: \"2017-09-19T13:49:16.000000Z\"}\n";
    assertEquals(List.of(), update(ResourceTypes.EVENTS_V1,
        withSeries.replace("namespace: demo}\nregarding", "namespace: demo, labels: {a: b}}\nregarding"), EVENT));
    assertEquals(List.of("series.count: Invalid value: \"\": should be at least 2"),
        update(ResourceTypes.EVENTS_V1, EVENT + "series: {count: 1, lastObservedTime: \"2017-09-19T13:49:16.000000Z\"}\n",
            EVENT));
    assertEquals(List.of("reason: Invalid value: \"Changed\": field is immutable",
        "reason: Invalid value: \"Changed\": field is immutable",
        "reportingController: Invalid value: \"other\": field is immutable"),
        update(ResourceTypes.EVENTS_V1, EVENT.replace("reason: Test", "reason: Changed")
            .replace("reportingController: test-controller", "reportingController: other"), EVENT));
    assertEquals(List.of("message: Invalid value: \"changed\": field is immutable"),
        update(ResourceTypes.EVENTS_V1, EVENT.replace("note: This is event-test", "note: changed"), EVENT));
    // a zero value given or left out is the same Go value
    assertEquals(List.of(), update(ResourceTypes.EVENTS_V1, EVENT + "deprecatedSource: {}\nrelated: null\n", EVENT));
    // core v1 updates change what they like
    String core = "metadata: {name: e, namespace: demo}\ninvolvedObject: {namespace: demo}\nmessage: a\n";
    assertEquals(List.of(), update(ResourceTypes.EVENTS, core.replace("message: a", "message: b")
        .replace("{namespace: demo}\n", "{namespace: demo, name: other}\n"), core));
  }
}
