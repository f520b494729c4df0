package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.conversion.Conversions;
import io.gantry.control.server.resource.ResourceType;
import java.util.List;
import java.util.Map;

/**
 * Events, as {@code ValidateEventCreate} and {@code ValidateEventUpdate}: every Event passes
 * {@code legacyValidateEvent}; one written through {@code events.k8s.io/v1} is then held to the strict
 * rules (an {@code eventTime}, a Normal or Warning type, none of the deprecated fields, a valid series,
 * and on update nothing but the series and metadata may change). Upstream validates the internal Event,
 * so an events.k8s.io Event is checked in its core shape and errors name the internal fields
 * ({@code message}, {@code involvedObject}, {@code reportingController}), as upstream's do.
 */
final class EventValidation {

  static final int REPORTING_INSTANCE_LIMIT = 128;
  static final int ACTION_LIMIT = 128;
  static final int REASON_LIMIT = 128;
  static final int NOTE_LIMIT = 1024;

  /**
   * The internal field name of each core v1 field checked as immutable, in upstream's order (the
   * conformance test "Events API should ensure that an event can be fetched, patched, deleted, and
   * listed" changes only the series through events.k8s.io/v1 since that API became strict).
   */
  private static final List<Map.Entry<String, String>> IMMUTABLE = List.of(
      Map.entry("involvedObject", "involvedObject"), Map.entry("reason", "reason"),
      Map.entry("message", "message"), Map.entry("source", "source"), Map.entry("firstTimestamp", "firstTimestamp"),
      Map.entry("lastTimestamp", "lastTimestamp"), Map.entry("count", "count"),
      Map.entry("reason", "reason"), // upstream checks it twice
      Map.entry("type", "type"), Map.entry("eventTime", "eventTime"), Map.entry("action", "action"),
      Map.entry("related", "related"), Map.entry("reportingController", "reportingComponent"),
      Map.entry("reportingInstance", "reportingInstance"));

  private EventValidation() {}

  /** legacyValidateEvent, which every create and update passes. */
  static void validate(ResourceType type, JsonNode given, List<FieldError> errs) {
    legacy(core(type, given), errs);
  }

  /** The strict rules of a create beyond {@link #validate}. */
  static void validateCreate(ResourceType type, JsonNode given, List<FieldError> errs) {
    if (!strict(type)) {
      return;
    }
    JsonNode event = core(type, given);
    series(event, errs);
    if (JsonZero.isZero(Nodes.field(event, "eventTime"))) {
      errs.add(FieldError.required(FieldPath.root("eventTime"), ""));
    }
    String eventType = Nodes.text(event, "type", "");
    if (!eventType.equals("Normal") && !eventType.equals("Warning")) {
      errs.add(FieldError.invalid(FieldPath.root("type"), "", "has invalid value: " + eventType));
    }
    for (String deprecated : List.of("firstTimestamp", "lastTimestamp", "count")) {
      if (!JsonZero.isZero(Nodes.field(event, deprecated))) {
        errs.add(FieldError.invalid(FieldPath.root(deprecated), "", "needs to be unset"));
      }
    }
    JsonNode source = Nodes.field(event, "source");
    if (!Nodes.text(source, "component", "").isEmpty() || !Nodes.text(source, "host", "").isEmpty()) {
      errs.add(FieldError.invalid(FieldPath.root("source"), "", "needs to be unset"));
    }
  }

  /** The strict rules of an update beyond {@link #validate}: a changed series is valid, the rest unchanged. */
  static void validateUpdate(ResourceType type, JsonNode given, JsonNode givenOld, List<FieldError> errs) {
    if (!strict(type)) {
      return;
    }
    JsonNode event = core(type, given);
    JsonNode old = core(type, givenOld);
    if (!JsonZero.same(Nodes.field(event, "series"), Nodes.field(old, "series"))) {
      series(event, errs);
    }
    for (Map.Entry<String, String> field : IMMUTABLE) {
      JsonNode now = Nodes.field(event, field.getValue());
      if (!JsonZero.same(now, Nodes.field(old, field.getValue()))) {
        errs.add(FieldError.invalid(FieldPath.root(field.getKey()), Nodes.badValue(now), "field is immutable"));
      }
    }
  }

  /** Whether the request's group version gets the strict rules: events.k8s.io/v1, not core v1. */
  private static boolean strict(ResourceType type) {
    return type.group().equals("events.k8s.io");
  }

  private static JsonNode core(ResourceType type, JsonNode event) {
    return type.isView() && event instanceof ObjectNode object ? Conversions.of(type).toStorage(object) : event;
  }

  /** legacyValidateEvent: the namespaces agree, and an Event with an eventTime says who reported what. */
  private static void legacy(JsonNode event, List<FieldError> errs) {
    String namespace = Nodes.text(Nodes.field(event, "metadata"), "namespace", "");
    String involvedNamespace = Nodes.text(Nodes.field(event, "involvedObject"), "namespace", "");
    FieldPath involvedPath = FieldPath.root("involvedObject", "namespace");
    boolean newStyle = !JsonZero.isZero(Nodes.field(event, "eventTime"));
    if (!newStyle) {
      boolean agree = involvedNamespace.isEmpty()
          ? namespace.isEmpty() || namespace.equals("default") : namespace.equals(involvedNamespace);
      if (!agree) {
        errs.add(FieldError.invalid(involvedPath, involvedNamespace, "does not match event.namespace"));
      }
      return;
    }
    if (involvedNamespace.isEmpty() && !namespace.equals("default") && !namespace.equals("kube-system")) {
      errs.add(FieldError.invalid(involvedPath, involvedNamespace, "does not match event.namespace"));
    }
    String controller = Nodes.text(event, "reportingComponent", "");
    FieldPath controllerPath = FieldPath.root("reportingController");
    if (controller.isEmpty()) {
      errs.add(FieldError.required(controllerPath, ""));
    }
    NameRules.qualifiedName(controller).forEach(m -> errs.add(FieldError.invalid(controllerPath, controller, m)));
    limited(event, "reportingInstance", REPORTING_INSTANCE_LIMIT, true, errs);
    limited(event, "action", ACTION_LIMIT, true, errs);
    limited(event, "reason", REASON_LIMIT, true, errs);
    limited(event, "message", NOTE_LIMIT, false, errs);
  }

  private static void limited(JsonNode event, String field, int limit, boolean required, List<FieldError> errs) {
    String value = Nodes.text(event, field, "");
    if (required && value.isEmpty()) {
      errs.add(FieldError.required(FieldPath.root(field), ""));
    }
    if (value.length() > limit) {
      errs.add(FieldError.invalid(FieldPath.root(field), "", "can have at most " + limit + " characters"));
    }
  }

  /** validateV1EventSeries: a series has been seen at least twice, and when last. */
  private static void series(JsonNode event, List<FieldError> errs) {
    JsonNode series = Nodes.field(event, "series");
    if (!series.isObject()) {
      return;
    }
    if (Nodes.field(series, "count").asLong(0) < 2) {
      errs.add(FieldError.invalid(FieldPath.root("series", "count"), "", "should be at least 2"));
    }
    if (JsonZero.isZero(Nodes.field(series, "lastObservedTime"))) {
      errs.add(FieldError.required(FieldPath.root("series", "lastObservedTime"), ""));
    }
  }
}
