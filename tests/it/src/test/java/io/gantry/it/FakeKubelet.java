package io.gantry.it;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.testing.ApiClient;
import io.gantry.testing.Json;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays the kubelet of one node for end-to-end tests, as there is no node agent yet: every
 * {@link #PERIOD} it lists the pods bound to the node, reports each one that is not Running yet as
 * Running and Ready (an IP from 127.244.0.0/16, Ready and ContainersReady conditions, running
 * container statuses), and finishes the termination of pods that carry a deletionTimestamp by
 * deleting them with grace period 0.
 *
 * <p>Concurrency: one background virtual thread does all the work; it stops at {@link #close} or
 * after its time limit, whichever comes first. {@link #errors} and {@link #started} are safe to
 * read from any thread.
 */
final class FakeKubelet implements AutoCloseable {

  private static final Duration PERIOD = Duration.ofMillis(200);

  private final ApiClient api;
  private final String node;
  private final Thread thread;
  private final AtomicInteger started = new AtomicInteger();
  private final AtomicInteger finished = new AtomicInteger();
  private final List<String> errors = new CopyOnWriteArrayList<>();
  private volatile boolean stopped;

  private FakeKubelet(ApiClient api, String node, Duration limit) {
    this.api = api;
    this.node = node;
    long deadline = System.nanoTime() + limit.toNanos();
    this.thread = Thread.ofVirtual().name("fake-kubelet-" + node).unstarted(() -> run(deadline));
  }

  /** Starts the kubelet of {@code node}; it stops by itself after {@code limit}. */
  static FakeKubelet start(ApiClient api, String node, Duration limit) {
    FakeKubelet kubelet = new FakeKubelet(requireNonNull(api, "api"), requireNonNull(node, "node"),
        requireNonNull(limit, "limit"));
    kubelet.thread.start();
    return kubelet;
  }

  /** How many pods this kubelet reported Running. */
  int started() {
    return started.get();
  }

  /** How many terminating pods this kubelet deleted. */
  int finished() {
    return finished.get();
  }

  /** Unexpected answers of the API server, oldest first (conflicts and vanished pods are expected). */
  List<String> errors() {
    return List.copyOf(errors);
  }

  private void run(long deadline) {
    while (!stopped && System.nanoTime() < deadline) {
      try {
        syncOnce();
        Thread.sleep(PERIOD);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (!stopped) {
          errors.add(e.toString());
        }
      }
    }
  }

  private void syncOnce() {
    String selector = URLEncoder.encode("spec.nodeName=" + node, StandardCharsets.UTF_8);
    HttpResponse<String> list = api.get("/api/v1/pods?fieldSelector=" + selector);
    if (list.statusCode() != 200) {
      errors.add("list pods: " + list.statusCode() + " " + list.body());
      return;
    }
    for (JsonNode pod : Json.parse(list.body()).path("items")) {
      if (!node.equals(pod.at("/spec/nodeName").asText())) {
        continue;
      }
      String path = "/api/v1/namespaces/" + pod.at("/metadata/namespace").asText()
          + "/pods/" + pod.at("/metadata/name").asText();
      if (pod.at("/metadata/deletionTimestamp").isTextual()) {
        expect(api.delete(path + "?gracePeriodSeconds=0"), "delete " + path, finished);
      } else if (!"Running".equals(pod.at("/status/phase").asText())) {
        expect(api.patch(path + "/status", "application/merge-patch+json", Json.write(running(pod))),
            "report " + path + " running", started);
      }
    }
  }

  private void expect(HttpResponse<String> response, String what, AtomicInteger counter) {
    int code = response.statusCode();
    if (code == 200 || code == 202) {
      counter.incrementAndGet();
    } else if (code != 404 && code != 409) {
      errors.add(what + ": " + code + " " + response.body());
    }
  }

  /** The status patch a kubelet would send once every container of {@code pod} runs and is ready. */
  private ObjectNode running(JsonNode pod) {
    int n = started.get();
    String ip = "127.244." + (n / 250) % 256 + "." + (n % 250 + 2);
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    ObjectNode patch = Json.object();
    ObjectNode status = patch.putObject("status");
    status.put("phase", "Running");
    status.put("hostIP", "127.0.0.11");
    status.put("podIP", ip);
    status.putArray("podIPs").addObject().put("ip", ip);
    status.put("startTime", now);
    ArrayNode conditions = status.putArray("conditions");
    for (String type : List.of("PodScheduled", "Initialized", "ContainersReady", "Ready")) {
      conditions.addObject().put("type", type).put("status", "True").put("lastTransitionTime", now);
    }
    ArrayNode containers = status.putArray("containerStatuses");
    for (JsonNode container : pod.at("/spec/containers")) {
      String image = container.path("image").asText();
      ObjectNode state = containers.addObject()
          .put("name", container.path("name").asText())
          .put("image", image)
          .put("imageID", "docker.io/library/" + image + "@sha256:" + "0".repeat(64))
          .put("containerID", "fake://" + pod.at("/metadata/uid").asText() + "/" + container.path("name").asText())
          .put("ready", true)
          .put("started", true)
          .put("restartCount", 0);
      state.putObject("state").putObject("running").put("startedAt", now);
    }
    return patch;
  }

  /** Stops the background thread and waits (briefly) for it to end. */
  @Override
  public void close() {
    stopped = true;
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
