package io.gantry.node.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** core/v1 Events as the kubelet writes them: source and reporting component {@code kubelet} on this node. */
public final class KubeletEvents {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private KubeletEvents() {}

  /**
   * A new Event about {@code involvedObject}, named {@code <prefix>.<hex>} as client-go names them;
   * {@code unique} tells apart events recorded in the same nanosecond.
   */
  public static ObjectNode event(String nodeName, ObjectNode involvedObject, String namespace, String prefix,
      String type, String reason, String message, Instant now, long unique) {
    String timestamp = DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS));
    long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano() + unique;
    ObjectNode event = F.objectNode();
    event.put("apiVersion", "v1");
    event.put("kind", "Event");
    ObjectNode metadata = event.putObject("metadata");
    metadata.put("name", prefix + "." + Long.toHexString(nanos));
    metadata.put("namespace", namespace);
    event.set("involvedObject", involvedObject);
    event.put("reason", reason);
    event.put("message", message);
    event.putObject("source").put("component", "kubelet").put("host", nodeName);
    event.put("firstTimestamp", timestamp);
    event.put("lastTimestamp", timestamp);
    event.put("count", 1);
    event.put("type", type);
    event.put("reportingComponent", "kubelet");
    event.put("reportingInstance", nodeName);
    return event;
  }
}
