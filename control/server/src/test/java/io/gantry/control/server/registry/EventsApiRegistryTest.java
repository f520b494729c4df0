package io.gantry.control.server.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.MutableClock;
import io.gantry.control.server.conversion.EventsV1Conversion;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.patch.PatchType;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.selector.FieldSelector;
import io.gantry.control.server.store.Watch;
import io.gantry.control.server.store.sqlite.SqliteStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * events.k8s.io/v1 Events through the registry: stored once, as core v1 Events, and converted at the
 * edges of every verb, so that either group reads what the other wrote.
 */
class EventsApiRegistryTest {

  private static final String EVENT = """
      {"metadata":{"name":"event-test","namespace":"demo","labels":{"testevent-constant":"true"}},
       "regarding":{"namespace":"demo","kind":"Pod","name":"web"},"eventTime":"2017-09-19T13:49:16Z",
       "note":"This is event-test","action":"Do","reason":"Test","type":"Normal",
       "reportingController":"test-controller","reportingInstance":"test-node"}""";

  @TempDir
  Path dir;
  private SqliteStore store;
  private ObjectRegistry registry;

  @BeforeEach
  void open() throws ApiException {
    store = SqliteStore.open(dir.resolve("store.db"));
    registry = new ObjectRegistry(store, new MutableClock(Instant.parse("2026-01-02T03:04:05Z")));
    registry.create(ResourceTypes.NAMESPACES, null, json("{\"metadata\":{\"name\":\"demo\"}}"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void anEventCreatedThroughTheEventsApiIsACoreEvent() throws ApiException {
    ObjectNode created = registry.create(ResourceTypes.EVENTS_V1, "demo", json(EVENT));
    assertEquals("events.k8s.io/v1", created.path("apiVersion").asText());
    assertEquals("This is event-test", created.path("note").asText());
    assertEquals("2017-09-19T13:49:16.000000Z", created.path("eventTime").asText());
    assertFalse(created.has("message"));

    assertEquals(List.of("/registry/core/events/demo/event-test"),
        store.range("/registry/", null, 0).kvs().stream().map(kv -> kv.key()).filter(k -> k.contains("event")).toList());
    ObjectNode core = registry.get(ResourceTypes.EVENTS, "demo", "event-test");
    assertEquals("v1", core.path("apiVersion").asText());
    assertEquals("This is event-test", core.path("message").asText());
    assertEquals("web", core.at("/involvedObject/name").asText());
    assertEquals("test-controller", core.path("reportingComponent").asText());
    assertFalse(core.has("note"));
    assertEquals(created.at("/metadata/resourceVersion"), core.at("/metadata/resourceVersion"));
    assertEquals(created.at("/metadata/uid"), core.at("/metadata/uid"));
  }

  @Test
  void aCoreEventIsReadAndListedThroughTheEventsApi() throws ApiException {
    registry.create(ResourceTypes.EVENTS, "demo", json("""
        {"metadata":{"name":"old"},"involvedObject":{"namespace":"demo","name":"web"},"reason":"Pulled",
         "message":"pulled","source":{"component":"kubelet"},"count":2,"firstTimestamp":"2024-01-01T00:00:00Z"}"""));
    ObjectNode event = registry.get(ResourceTypes.EVENTS_V1, "demo", "old");
    assertEquals("pulled", event.path("note").asText());
    assertEquals("kubelet", event.at("/deprecatedSource/component").asText());
    assertEquals(2, event.path("deprecatedCount").asInt());
    assertEquals("2024-01-01T00:00:00Z", event.path("deprecatedFirstTimestamp").asText());
    registry.create(ResourceTypes.EVENTS_V1, "demo", json(EVENT));
    ListResult all = registry.list(ResourceTypes.EVENTS_V1, null, null, null, 0, null);
    assertEquals(List.of("event-test", "old"), all.items().stream().map(ObjectMeta::name).toList());
    assertTrue(all.items().stream().allMatch(e -> e.path("apiVersion").asText().equals("events.k8s.io/v1")));
    // selectors name the stored fields, as the API maps reportingController onto reportingComponent
    ListResult selected = registry.list(ResourceTypes.EVENTS_V1, "demo", null,
        FieldSelector.parse("reportingComponent=test-controller"), 0, null);
    assertEquals(List.of("event-test"), selected.items().stream().map(ObjectMeta::name).toList());
    assertEquals(List.of("event-test", "old"), registry.list(ResourceTypes.EVENTS, "demo", null,
        FieldSelector.parse("involvedObject.name=web"), 0, null).items().stream().map(ObjectMeta::name).toList());
  }

  @Test
  void patchesApplyToTheEventsApiFields() throws Exception {
    registry.create(ResourceTypes.EVENTS_V1, "demo", json(EVENT));
    registry.patch(ResourceTypes.EVENTS_V1, "demo", "event-test", PatchType.STRATEGIC_MERGE_PATCH,
        json("{\"series\":{\"count\":2,\"lastObservedTime\":\"2017-09-19T13:49:11.000000Z\"}}"), null);
    assertEquals(2, registry.get(ResourceTypes.EVENTS, "demo", "event-test").at("/series/count").asInt());
    registry.patch(ResourceTypes.EVENTS_V1, "demo", "event-test", PatchType.MERGE_PATCH,
        json("{\"metadata\":{\"labels\":{\"merged\":\"yes\"}}}"), null);
    registry.patch(ResourceTypes.EVENTS_V1, "demo", "event-test", PatchType.JSON_PATCH,
        Json.parse("[{\"op\":\"replace\",\"path\":\"/series/count\",\"value\":100}]".getBytes(StandardCharsets.UTF_8)),
        null);
    ObjectNode core = registry.get(ResourceTypes.EVENTS, "demo", "event-test");
    assertEquals(100, core.at("/series/count").asInt());
    assertEquals("yes", core.at("/metadata/labels/merged").asText());
    // the note stays as written through the events API, as upstream's ValidateEventUpdate
    ApiException noteChanged = assertThrows(ApiException.class, () -> registry.patch(ResourceTypes.EVENTS_V1, "demo",
        "event-test", PatchType.STRATEGIC_MERGE_PATCH, json("{\"note\":\"patched\"}"), null));
    assertEquals(422, noteChanged.code());
    // the strict rules hold for patches too: the regarding object may not change
    ApiException refused = assertThrows(ApiException.class, () -> registry.patch(ResourceTypes.EVENTS_V1, "demo",
        "event-test", PatchType.MERGE_PATCH, json("{\"regarding\":{\"name\":\"other\"}}"), null));
    assertEquals(422, refused.code());
    assertTrue(refused.getMessage().startsWith("Event.events.k8s.io \"event-test\" is invalid: involvedObject: Invalid"
        + " value: "), refused.getMessage());
  }

  @Test
  void serverSideApplyCreatesAndUpdatesThroughTheEventsApi() throws ApiException {
    ObjectNode applied = json(EVENT).put("apiVersion", "events.k8s.io/v1").put("kind", "Event");
    assertTrue(registry.as("tester").patch(ResourceTypes.EVENTS_V1, "demo", "event-test", PatchType.APPLY_PATCH,
        applied, null, "tester", false).created());
    applied.putObject("series").put("count", 2).put("lastObservedTime", "2017-09-19T13:50:00.000000Z");
    registry.as("tester").patch(ResourceTypes.EVENTS_V1, "demo", "event-test", PatchType.APPLY_PATCH, applied, null,
        "tester", false);
    ObjectNode core = registry.get(ResourceTypes.EVENTS, "demo", "event-test");
    assertEquals(2, core.at("/series/count").asInt());
    assertEquals("events.k8s.io/v1", core.at("/metadata/managedFields/0/apiVersion").asText());
  }

  @Test
  void updatesChangeTheSeriesAndDeletesRemoveTheCoreEvent() throws ApiException {
    ObjectNode created = registry.create(ResourceTypes.EVENTS_V1, "demo", json(EVENT));
    created.putObject("series").put("count", 100).put("lastObservedTime", "2017-09-19T13:49:16.000000Z");
    registry.update(ResourceTypes.EVENTS_V1, "demo", "event-test", created, null);
    assertEquals(100, registry.get(ResourceTypes.EVENTS, "demo", "event-test").at("/series/count").asInt());
    registry.delete(ResourceTypes.EVENTS_V1, "demo", "event-test", DeleteOptions.from(null, null));
    assertTrue(registry.find(ResourceTypes.EVENTS, "demo", "event-test").isEmpty());
  }

  @Test
  void theEventsApiIsStricterThanTheCoreOne() throws ApiException {
    String withoutTime = EVENT.replace("\"eventTime\":\"2017-09-19T13:49:16Z\",", "");
    ApiException refused = assertThrows(ApiException.class,
        () -> registry.create(ResourceTypes.EVENTS_V1, "demo", json(withoutTime)));
    assertEquals("Event.events.k8s.io \"event-test\" is invalid: eventTime: Required value", refused.getMessage());
    assertEquals("This is event-test",
        registry.create(ResourceTypes.EVENTS, "demo", core(json(withoutTime))).path("message").asText());
  }

  @Test
  void fieldsTheEventsApiLacksAreUnknownThereAndDropped() throws ApiException {
    ObjectNode body = json(EVENT).put("message", "not the note");
    ((ObjectNode) body.get("regarding")).put("bogus", 1);
    assertEquals(List.of("message", "regarding.bogus"),
        UnknownFields.find(ResourceTypes.EVENTS_V1, body).stream().map(UnknownFields.Field::toString).toList());
    registry.create(ResourceTypes.EVENTS_V1, "demo", body);
    ObjectNode core = registry.get(ResourceTypes.EVENTS, "demo", "event-test");
    assertEquals("This is event-test", core.path("message").asText());
    assertFalse(core.at("/involvedObject").has("bogus"));
  }

  @Test
  void aFieldOfTheWrongTypeIsNamedAsTheEventsApiNamesIt() {
    ApiException refused = assertThrows(ApiException.class, () -> registry.create(ResourceTypes.EVENTS_V1, "demo",
        json(EVENT).put("deprecatedCount", "many")));
    assertEquals(400, refused.code());
    assertEquals("Event in version \"v1\" cannot be handled as a Event: json: cannot unmarshal string into Go struct"
        + " field deprecatedCount of type int32", refused.getMessage());
  }

  @Test
  void watchesThroughTheEventsApiSeeItsRepresentation() throws Exception {
    LinkedBlockingQueue<ObjectEvent> seen = new LinkedBlockingQueue<>();
    try (Watch watch = new ObjectWatcher(store).watch(ResourceTypes.EVENTS_V1, "demo", null,
        FieldSelector.parse("reason=Test"), Long.toString(store.currentRevision()), seen::add)) {
      registry.create(ResourceTypes.EVENTS, "demo", core(json(EVENT)));
      ObjectEvent added = seen.poll(10, TimeUnit.SECONDS);
      assertEquals(ObjectEvent.Type.ADDED, added.type());
      assertEquals("This is event-test", added.object().path("note").asText());
      assertEquals("events.k8s.io/v1", added.object().path("apiVersion").asText());
      registry.delete(ResourceTypes.EVENTS, "demo", "event-test", DeleteOptions.from(null, null));
      ObjectEvent deleted = seen.poll(10, TimeUnit.SECONDS);
      assertEquals(ObjectEvent.Type.DELETED, deleted.type());
      assertEquals("web", deleted.object().at("/regarding/name").asText());
    }
  }

  private static ObjectNode json(String text) {
    return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The core form of an events.k8s.io body, as a core client would write the same Event. */
  private static ObjectNode core(ObjectNode event) {
    return EventsV1Conversion.INSTANCE.toStorage(event);
  }
}
