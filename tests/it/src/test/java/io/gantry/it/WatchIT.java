package io.gantry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.testing.ApiClient;
import io.gantry.testing.GantryProcess;
import io.gantry.testing.Json;
import io.gantry.testing.RawHttps;
import io.gantry.testing.WatchStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Watch streams over raw HTTP, as informers use them. The server keeps only 2 s of history
 * ({@code --watch-history PT2S}) so that an old resourceVersion is compacted quickly; every other
 * test watches from a list taken right after its own writes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WatchIT {

  private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(10);

  private GantryProcess gantry;
  private ApiClient api;

  @BeforeAll
  void start() {
    gantry = GantryProcess.start("--watch-history", "PT2S");
    api = gantry.api();
  }

  @AfterAll
  void stop() {
    if (gantry != null) {
      gantry.close();
    }
  }

  @Test
  void watchFromAListSeesAddedModifiedDeletedInOrder() {
    String ns = createNamespace("watch-order");
    created(api.post(configMaps(ns), configMap("before", "app", "x")));
    String listVersion = listResourceVersion(ns);

    try (WatchStream watch = api.watch(configMaps(ns) + "?watch=true&resourceVersion=" + listVersion)) {
      JsonNode created = created(api.post(configMaps(ns), configMap("one", "app", "x")));
      HttpResponse<String> patched = api.patch(configMaps(ns) + "/one", "application/merge-patch+json",
          "{\"data\":{\"k\":\"2\"}}");
      assertEquals(200, patched.statusCode(), patched::body);
      HttpResponse<String> deleted = api.delete(configMaps(ns) + "/one");
      assertEquals(200, deleted.statusCode(), deleted::body);

      Set<String> ours = Set.of("before", "one");
      JsonNode added = nextFor(watch, ours);
      assertEvent(added, "ADDED", "one");
      assertEquals(created.at("/metadata/resourceVersion").asText(), version(added), added::toString);
      JsonNode modified = nextFor(watch, ours);
      assertEvent(modified, "MODIFIED", "one");
      assertEquals("2", modified.at("/object/data/k").asText(), modified::toString);
      JsonNode gone = nextFor(watch, ours);
      assertEvent(gone, "DELETED", "one");
      assertTrue(Long.parseLong(version(added)) > Long.parseLong(listVersion), added::toString);
      assertTrue(Long.parseLong(version(modified)) > Long.parseLong(version(added)), modified::toString);
      assertTrue(Long.parseLong(version(gone)) >= Long.parseLong(version(modified)), gone::toString);
    }
  }

  @Test
  void watchWithALabelSelectorSeesOnlyMatchingObjects() {
    String ns = createNamespace("watch-labels");
    String listVersion = listResourceVersion(ns);

    try (WatchStream watch = api.watch(configMaps(ns) + "?watch=true&labelSelector=app%3Dyes&resourceVersion="
        + listVersion)) {
      created(api.post(configMaps(ns), configMap("no-1", "app", "no")));
      created(api.post(configMaps(ns), configMap("yes-1", "app", "yes")));
      created(api.post(configMaps(ns), configMap("unlabelled", "other", "yes")));
      created(api.post(configMaps(ns), configMap("yes-2", "app", "yes")));

      assertEvent(watch.next(EVENT_TIMEOUT), "ADDED", "yes-1");
      assertEvent(watch.next(EVENT_TIMEOUT), "ADDED", "yes-2");

      // an object that stops matching leaves as DELETED, in the state it last matched, at the new version
      HttpResponse<String> relabelled = api.patch(configMaps(ns) + "/yes-1", "application/merge-patch+json",
          "{\"metadata\":{\"labels\":{\"app\":\"no\"}}}");
      assertEquals(200, relabelled.statusCode(), relabelled::body);
      JsonNode left = watch.next(EVENT_TIMEOUT);
      assertEvent(left, "DELETED", "yes-1");
      assertEquals("yes", left.at("/object/metadata/labels/app").asText(), left::toString);
      assertEquals(Json.parse(relabelled.body()).at("/metadata/resourceVersion").asText(), version(left));
    }
  }

  @Test
  void sendInitialEventsListsTheObjectsThenEndsThemWithABookmark() {
    String ns = createNamespace("watch-initial");
    created(api.post(configMaps(ns), configMap("first", "app", "x")));
    JsonNode second = created(api.post(configMaps(ns), configMap("second", "app", "x")));

    // the selector leaves out the namespace's kube-root-ca.crt, which the root CA publisher writes
    try (WatchStream watch = api.watch(configMaps(ns) + "?watch=true&sendInitialEvents=true"
        + "&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&labelSelector=app%3Dx")) {
      assertEvent(watch.next(EVENT_TIMEOUT), "ADDED", "first");
      assertEvent(watch.next(EVENT_TIMEOUT), "ADDED", "second");
      JsonNode end = watch.next(EVENT_TIMEOUT);
      assertEquals("BOOKMARK", end.path("type").asText(), end::toString);
      assertEquals("true", end.at("/object/metadata/annotations/k8s.io~1initial-events-end").asText(), end::toString);
      assertTrue(Long.parseLong(version(end)) >= second.at("/metadata/resourceVersion").asLong(), end::toString);

      created(api.post(configMaps(ns), configMap("third", "app", "x")));
      assertEvent(nextFor(watch, Set.of("third")), "ADDED", "third");
    }
  }

  @Test
  void sendInitialEventsWithoutNotOlderThanIsInvalid() {
    HttpResponse<String> response = api.get(configMaps("default") + "?watch=true&sendInitialEvents=true");

    assertEquals(422, response.statusCode(), response::body);
    assertEquals("Invalid", Json.parse(response.body()).path("reason").asText(), response::body);
  }

  @Test
  void watchWithATimeoutEndsTheStream() {
    String ns = createNamespace("watch-timeout");
    String listVersion = listResourceVersion(ns);
    long started = System.nanoTime();

    try (WatchStream watch = api.watch(configMaps(ns) + "?watch=true&timeoutSeconds=2&resourceVersion=" + listVersion)) {
      assertTrue(watch.awaitEnd(Duration.ofSeconds(10)), "the stream must end after timeoutSeconds=2");
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertTrue(took.compareTo(Duration.ofMillis(1500)) >= 0, () -> "ended too early: " + took);
    }
  }

  @Test
  void aWatchWithATimeoutGetsABookmarkBeforeItEnds() {
    String ns = createNamespace("watch-deadline");
    String other = createNamespace("watch-deadline-other");
    String listVersion = listResourceVersion(ns);

    try (WatchStream watch = api.watch(configMaps(ns) + "?watch=true&timeoutSeconds=4&allowWatchBookmarks=true"
        + "&resourceVersion=" + listVersion)) {
      // a change this watch does not see still moves its bookmark on, as the cacher's progress does
      JsonNode elsewhere = created(api.post(configMaps(other), configMap("elsewhere", "app", "x")));
      JsonNode bookmark = watch.next(Duration.ofSeconds(4));
      assertEquals("BOOKMARK", bookmark.path("type").asText(), bookmark::toString);
      assertTrue(Long.parseLong(version(bookmark)) >= elsewhere.at("/metadata/resourceVersion").asLong(),
          bookmark::toString);
      assertTrue(watch.awaitEnd(Duration.ofSeconds(10)), "the stream must end after timeoutSeconds=4");
    }
  }

  @Test
  void watchFromACompactedVersionGetsA410ErrorEvent() throws InterruptedException {
    String ns = createNamespace("watch-expired");
    for (int i = 0; i < 3; i++) {
      created(api.post(configMaps(ns), configMap("old-" + i, "app", "x")));
    }
    Thread.sleep(Duration.ofSeconds(5)); // more than twice the 2 s history

    try (WatchStream watch = api.watch(configMaps(ns) + "?watch=true&resourceVersion=1")) {
      JsonNode event = watch.next(EVENT_TIMEOUT);
      assertEquals("ERROR", event.path("type").asText(), event::toString);
      assertEquals("Status", event.at("/object/kind").asText(), event::toString);
      assertEquals(410, event.at("/object/code").asInt(), event::toString);
      assertEquals("Expired", event.at("/object/reason").asText(), event::toString);
    }
  }

  @Test
  void connectionOfAnEndedWatchServesTheNextRequestUnlessMarkedClose() {
    String ns = createNamespace("watch-reuse");

    try (RawHttps connection = RawHttps.connect(gantry)) {
      RawHttps.Response watch = connection.send(get(configMaps(ns) + "?watch=true&timeoutSeconds=1")).readResponse();
      assertNotNull(watch, "no answer to the watch");
      assertEquals(200, watch.status(), watch::toString);
      if ("close".equalsIgnoreCase(watch.headers().get("connection"))) {
        assertTrue(connection.closedByServer(), "Connection: close was announced, so the server must close");
        return;
      }
      // HTTP/1.1: without "Connection: close" the connection stays usable; clients pool it.
      RawHttps.Response next = connection.send(get("/version")).readResponse();
      assertNotNull(next, () -> "the server closed the connection after the watch ended although the watch response "
          + "did not say Connection: close (headers " + watch.headers() + "); a pooled client's next request fails");
      assertEquals(200, next.status(), next::toString);
    }
  }

  private String get(String path) {
    return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + gantry.token() + "\r\n\r\n";
  }

  private String createNamespace(String name) {
    created(api.post("/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\""
        + name + "\"}}"));
    return name;
  }

  private String listResourceVersion(String ns) {
    HttpResponse<String> list = api.get(configMaps(ns));
    assertEquals(200, list.statusCode(), list::body);
    String version = Json.parse(list.body()).at("/metadata/resourceVersion").asText();
    assertTrue(version.matches("\\d+"), list::body);
    return version;
  }

  private static String configMaps(String ns) {
    return "/api/v1/namespaces/" + ns + "/configmaps";
  }

  private static String configMap(String name, String labelKey, String labelValue) {
    return """
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"%s","labels":{"%s":"%s"}},"data":{"k":"1"}}"""
        .formatted(name, labelKey, labelValue);
  }

  private static JsonNode created(HttpResponse<String> response) {
    assertEquals(201, response.statusCode(), response::body);
    return Json.parse(response.body());
  }

  /** The next event about one of {@code names}, skipping objects the server may add on its own. */
  private static JsonNode nextFor(WatchStream watch, Set<String> names) {
    while (true) {
      JsonNode event = watch.next(EVENT_TIMEOUT);
      if (names.contains(event.at("/object/metadata/name").asText()) || event.path("type").asText().equals("ERROR")) {
        return event;
      }
    }
  }

  private static void assertEvent(JsonNode event, String type, String name) {
    assertEquals(type + " " + name, event.path("type").asText() + " " + event.at("/object/metadata/name").asText(),
        event::toString);
  }

  private static String version(JsonNode event) {
    return event.at("/object/metadata/resourceVersion").asText();
  }
}
