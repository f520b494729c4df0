package io.gantry.control.server.conversion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.resource.ResourceTypes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** events.k8s.io/v1 Events to and from core v1 Events, as upstream's Event conversion functions. */
class EventsV1ConversionTest {

  private static final String EVENTS_V1 = """
      {"apiVersion":"events.k8s.io/v1","kind":"Event",
       "metadata":{"name":"e","namespace":"demo","resourceVersion":"7","labels":{"a":"b"}},
       "eventTime":"2024-01-01T00:00:00.000000Z","series":{"count":3,"lastObservedTime":"2024-01-01T00:01:00.000000Z"},
       "reportingController":"ctl","reportingInstance":"node-1","action":"Do","reason":"Test",
       "regarding":{"kind":"Pod","namespace":"demo","name":"web"},"related":{"kind":"Node","name":"n"},
       "note":"hello","type":"Normal","deprecatedSource":{"component":"kubelet","host":"h"},
       "deprecatedFirstTimestamp":"2024-01-01T00:00:00Z","deprecatedLastTimestamp":"2024-01-01T00:02:00Z",
       "deprecatedCount":4}""";

  private static final String CORE = """
      {"apiVersion":"v1","kind":"Event",
       "metadata":{"name":"e","namespace":"demo","resourceVersion":"7","labels":{"a":"b"}},
       "involvedObject":{"kind":"Pod","namespace":"demo","name":"web"},"reason":"Test","message":"hello",
       "source":{"component":"kubelet","host":"h"},"firstTimestamp":"2024-01-01T00:00:00Z",
       "lastTimestamp":"2024-01-01T00:02:00Z","count":4,"type":"Normal","eventTime":"2024-01-01T00:00:00.000000Z",
       "series":{"count":3,"lastObservedTime":"2024-01-01T00:01:00.000000Z"},"action":"Do",
       "related":{"kind":"Node","name":"n"},"reportingComponent":"ctl","reportingInstance":"node-1"}""";

  private final EventsV1Conversion conversion = EventsV1Conversion.INSTANCE;

  @Test
  void everyFieldMapsToItsCoreCounterpartInCoreOrder() {
    ObjectNode core = conversion.toStorage(json(EVENTS_V1));
    assertEquals(json(CORE), core);
    assertEquals(fieldNames(json(CORE)), fieldNames(core));
  }

  @Test
  void everyCoreFieldMapsBackInTheEventsApiOrder() {
    ObjectNode event = conversion.fromStorage(json(CORE));
    assertEquals(json(EVENTS_V1), event);
    assertEquals(fieldNames(json(EVENTS_V1)), fieldNames(event));
  }

  @Test
  void roundTripsInBothDirectionsLeaveTheArgumentsAlone() {
    ObjectNode event = json(EVENTS_V1);
    ObjectNode core = json(CORE);
    assertEquals(json(EVENTS_V1), conversion.fromStorage(conversion.toStorage(event)));
    assertEquals(json(CORE), conversion.toStorage(conversion.fromStorage(core)));
    assertEquals(json(EVENTS_V1), event);
    assertEquals(json(CORE), core);
  }

  @Test
  void fieldsTheOtherRepresentationLacksAreDropped() {
    // a core name in an events.k8s.io body is unknown there: it neither overrides the note nor survives
    ObjectNode core = conversion.toStorage(json("""
        {"metadata":{"name":"e"},"note":"n","message":"not the note","involvedObject":{"name":"x"},"bogus":1}"""));
    assertEquals(json("""
        {"apiVersion":"v1","kind":"Event","metadata":{"name":"e"},"message":"n"}"""), core);
    assertFalse(conversion.hasField("message"));
    assertTrue(conversion.hasField("note"));
    assertTrue(conversion.hasField("apiVersion"));
    assertEquals("regarding", conversion.fieldFromStorage("involvedObject"));
    assertEquals("metadata", conversion.fieldFromStorage("metadata"));
  }

  @Test
  void fieldLabelsMapAsAddFieldLabelConversionsForEvent() {
    assertEquals("involvedObject.name", conversion.fieldLabel("regarding.name"));
    assertEquals("reportingComponent", conversion.fieldLabel("reportingController"));
    assertEquals("source", conversion.fieldLabel("source"));
    assertEquals("metadata.name", conversion.fieldLabel("metadata.name"));
    assertEquals("field label not supported: involvedObject.name",
        assertThrows(IllegalArgumentException.class, () -> conversion.fieldLabel("involvedObject.name")).getMessage());
  }

  @Test
  void onlyTheEventsApiIsConverted() {
    assertSame(conversion, Conversions.of(ResourceTypes.EVENTS_V1));
    assertSame(ObjectConversion.IDENTITY, Conversions.of(ResourceTypes.EVENTS));
    ObjectNode core = json(CORE);
    assertSame(core, Conversions.of(ResourceTypes.EVENTS).fromStorage(core));
  }

  private static List<String> fieldNames(ObjectNode object) {
    return object.properties().stream().map(java.util.Map.Entry::getKey).toList();
  }

  private static ObjectNode json(String text) {
    return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
  }
}
