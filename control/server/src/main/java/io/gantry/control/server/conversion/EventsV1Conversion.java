package io.gantry.control.server.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * events.k8s.io/v1 Events to and from the core v1 Events they are stored as, as upstream's
 * {@code Convert_v1_Event_To_core_Event} and {@code Convert_core_Event_To_v1_Event}: {@code note} is
 * the core {@code message}, {@code regarding} the {@code involvedObject}, {@code reportingController}
 * the {@code reportingComponent}, {@code deprecatedSource}, {@code deprecatedFirstTimestamp},
 * {@code deprecatedLastTimestamp} and {@code deprecatedCount} the core {@code source},
 * {@code firstTimestamp}, {@code lastTimestamp} and {@code count}; the other fields have the same names.
 * Field selectors on the events API name its fields ({@code regarding.name}) and are mapped as
 * {@code AddFieldLabelConversionsForEvent} maps them.
 */
public final class EventsV1Conversion implements ObjectConversion {

  public static final EventsV1Conversion INSTANCE = new EventsV1Conversion();

  /** events.k8s.io/v1 field to core v1 field, in events.k8s.io/v1's field order. */
  private static final Map<String, String> TO_CORE = orderedPairs(
      "metadata", "metadata",
      "eventTime", "eventTime",
      "series", "series",
      "reportingController", "reportingComponent",
      "reportingInstance", "reportingInstance",
      "action", "action",
      "reason", "reason",
      "regarding", "involvedObject",
      "related", "related",
      "note", "message",
      "type", "type",
      "deprecatedSource", "source",
      "deprecatedFirstTimestamp", "firstTimestamp",
      "deprecatedLastTimestamp", "lastTimestamp",
      "deprecatedCount", "count");

  /** The core v1 fields in core v1's field order. */
  private static final List<String> CORE_ORDER = List.of("metadata", "involvedObject", "reason", "message", "source",
      "firstTimestamp", "lastTimestamp", "count", "type", "eventTime", "series", "action", "related",
      "reportingComponent", "reportingInstance");

  private static final Map<String, String> FROM_CORE = inverse(TO_CORE);

  private static final Set<String> TYPE_META = Set.of("apiVersion", "kind");

  private static final Map<String, String> FIELD_LABELS = orderedPairs(
      "reason", "reason",
      "regarding.kind", "involvedObject.kind",
      "regarding.namespace", "involvedObject.namespace",
      "regarding.name", "involvedObject.name",
      "regarding.uid", "involvedObject.uid",
      "regarding.apiVersion", "involvedObject.apiVersion",
      "regarding.resourceVersion", "involvedObject.resourceVersion",
      "regarding.fieldPath", "involvedObject.fieldPath",
      "reportingController", "reportingComponent",
      "source", "source",
      "type", "type",
      "metadata.namespace", "metadata.namespace",
      "metadata.name", "metadata.name");

  private EventsV1Conversion() {}

  @Override
  public ObjectNode toStorage(ObjectNode event) {
    ObjectNode core = JsonNodeFactory.instance.objectNode();
    core.put("apiVersion", "v1");
    core.put("kind", "Event");
    for (String field : CORE_ORDER) {
      JsonNode value = event.get(FROM_CORE.get(field));
      if (value != null) {
        core.set(field, value.deepCopy());
      }
    }
    return core;
  }

  @Override
  public ObjectNode fromStorage(ObjectNode core) {
    ObjectNode event = JsonNodeFactory.instance.objectNode();
    event.put("apiVersion", "events.k8s.io/v1");
    event.put("kind", "Event");
    TO_CORE.forEach((field, coreField) -> {
      JsonNode value = core.get(coreField);
      if (value != null) {
        event.set(field, value.deepCopy());
      }
    });
    return event;
  }

  @Override
  public boolean hasField(String field) {
    return TYPE_META.contains(field) || TO_CORE.containsKey(field);
  }

  @Override
  public String fieldFromStorage(String storedField) {
    return FROM_CORE.getOrDefault(storedField, storedField);
  }

  @Override
  public String fieldLabel(String label) {
    String core = FIELD_LABELS.get(label);
    if (core == null) {
      throw new IllegalArgumentException("field label not supported: " + label);
    }
    return core;
  }

  private static Map<String, String> orderedPairs(String... pairs) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i], pairs[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(map);
  }

  private static Map<String, String> inverse(Map<String, String> map) {
    Map<String, String> inverse = new LinkedHashMap<>();
    map.forEach((k, v) -> inverse.put(v, k));
    return Map.copyOf(inverse);
  }
}
