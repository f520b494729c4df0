package io.gantry.node.registration;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.node.api.KubeClient;
import io.gantry.node.api.KubeletEvents;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's events about its Node (in namespace {@code default}, the object referred to by name
 * with the name as its uid, as the kubelet refers to it): {@code Starting}, the pressure conditions,
 * {@code NodeReady}, {@code NodeSchedulable} and {@code NodeNotSchedulable}. Posted in order on one
 * virtual thread; failures are logged, never thrown: events must not hold up the heartbeat.
 */
final class NodeEvents implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NodeEvents.class);

  private final KubeClient api;
  private final String nodeName;
  private final Clock clock;
  private final AtomicLong sequence = new AtomicLong();
  private final ExecutorService poster =
      Executors.newSingleThreadExecutor(Thread.ofVirtual().name("node-events").factory());

  NodeEvents(KubeClient api, String nodeName, Clock clock) {
    this.api = api;
    this.nodeName = nodeName;
    this.clock = clock;
  }

  /** What the kubelet records when it starts and has registered its node. */
  void started() {
    record("Starting", "Starting kubelet.");
    for (String status : new String[] {"NodeHasSufficientMemory", "NodeHasNoDiskPressure", "NodeHasSufficientPID"}) {
      statusIsNow(status);
    }
    record("NodeAllocatableEnforced", "Updated Node Allocatable limit across pods");
  }

  /** {@code Node <name> status is now: <status>}, under the reason {@code status}. */
  void statusIsNow(String status) {
    record(status, "Node " + nodeName + " status is now: " + status);
  }

  private void record(String reason, String message) {
    ObjectNode involved = JsonNodeFactory.instance.objectNode();
    involved.put("kind", "Node");
    involved.put("name", nodeName);
    involved.put("uid", nodeName);
    ObjectNode event = KubeletEvents.event(nodeName, involved, "default", nodeName, "Normal", reason, message,
        clock.instant(), sequence.getAndIncrement());
    poster.execute(() -> {
      try {
        api.create("/api/v1/namespaces/default/events", event);
      } catch (IOException | RuntimeException e) {
        log.debug("node {}: cannot record event {}: {}", nodeName, reason, e.toString());
      }
    });
  }

  @Override
  public void close() {
    poster.shutdown();
  }
}
