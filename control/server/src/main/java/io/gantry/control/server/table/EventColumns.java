package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.conversion.EventsV1Conversion;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Events, after {@code printEvent}: last seen, type, reason, object, message; wide: subobject, source,
 * first seen, count, name (in upstream's interleaved order). kube-apiserver prints {@code events.k8s.io}
 * Events with the same printer after converting them to the core shape; {@link #EVENTS_API} converts
 * them first, as the registry stores them.
 */
final class EventColumns implements ColumnSet {

  /** Core {@code v1} Events. */
  static final EventColumns INSTANCE = new EventColumns(false);

  /** {@code events.k8s.io/v1} Events. */
  static final EventColumns EVENTS_API = new EventColumns(true);

  private static final List<Column> COLUMNS = List.of(
      Column.string("Last Seen", "The time at which the most recent occurrence of this event was recorded."),
      Column.string("Type", "Type of this event (Normal, Warning), new types could be added in the future"),
      Column.string("Reason", "This should be a short, machine understandable string that gives the reason for the"
          + " transition into the object's current status."),
      Column.string("Object", "The object that this event is about."),
      Column.wide("Subobject", "If referring to a piece of an object instead of an entire object, this string"
          + " should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]."),
      Column.wide("Source", "The component reporting this event. Should be a short machine understandable string."),
      Column.string("Message", "A human-readable description of the status of this operation."),
      Column.wide("First Seen", "The time at which the event was first recorded. (Time of server receipt is in"
          + " TypeMeta.)"),
      Column.wide("Count", "The number of times this event has occurred."),
      new Column("Name", "string", "name", Column.NAME_DESCRIPTION, 1));

  private final boolean eventsApi;

  private EventColumns(boolean eventsApi) {
    this.eventsApi = eventsApi;
  }

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode object, Instant now) {
    ObjectNode event = eventsApi ? EventsV1Conversion.INSTANCE.toStorage(object) : object;
    Instant first = Fields.time(event, "firstTimestamp");
    String firstSeen = first != null
        ? HumanDuration.since(first, now)
        : HumanDuration.since(Fields.time(event, "eventTime"), now);
    Instant last = Fields.time(event, "lastTimestamp");
    String lastSeen = last != null ? HumanDuration.since(last, now) : firstSeen;

    long count = Fields.integer(event, "count");
    if (Fields.present(event, "series")) {
      lastSeen = HumanDuration.since(Fields.time(event, "series", "lastObservedTime"), now);
      count = Fields.integer(event, "series", "count");
    } else if (count == 0) {
      count = 1; // singleton events of the new API have no count
    }

    JsonNode involved = event.path("involvedObject");
    String kind = Fields.text(involved, "kind").toLowerCase(Locale.ROOT);
    String name = Fields.text(involved, "name");
    String target = name.isEmpty() ? kind : kind + "/" + name;

    return List.of(
        lastSeen,
        Fields.text(event, "type"),
        Fields.text(event, "reason"),
        target,
        Fields.text(involved, "fieldPath"),
        source(event),
        Fields.text(event, "message").strip(),
        firstSeen,
        count,
        Fields.name(event));
  }

  /** {@code formatEventSource}: component (or reportingComponent), then {@code ", "} and host (or reportingInstance). */
  private static String source(JsonNode event) {
    String component = firstNonEmpty(Fields.text(event, "source", "component"), Fields.text(event, "reportingComponent"));
    String instance = firstNonEmpty(Fields.text(event, "source", "host"), Fields.text(event, "reportingInstance"));
    return instance.isEmpty() ? component : component + ", " + instance;
  }

  private static String firstNonEmpty(String a, String b) {
    return a.isEmpty() ? b : a;
  }
}
