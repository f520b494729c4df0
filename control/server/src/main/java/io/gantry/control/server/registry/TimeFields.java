package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.resource.ResourceType;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;

/**
 * The time fields of the Kubernetes types, as kube-apiserver decodes and encodes them: a
 * {@code metav1.Time} (conditions' transition times, event timestamps, container start and finish)
 * is an RFC 3339 time written back in UTC to the second, a {@code metav1.MicroTime} (an event's
 * {@code eventTime}, a Lease's renew time) one written back in UTC to the microsecond. A value that
 * is no time is a 400, as the decoder's; stored times are then always readable by Go clients,
 * whose typed decoding of one bad time fails a whole list. Fields are known by name.
 */
final class TimeFields {

  private static final Set<String> TIME = Set.of("creationTimestamp", "deletionTimestamp", "lastTransitionTime",
      "lastProbeTime", "lastUpdateTime", "lastHeartbeatTime", "startTime", "startedAt", "finishedAt",
      "firstTimestamp", "lastTimestamp", "deprecatedFirstTimestamp", "deprecatedLastTimestamp", "timeAdded");
  private static final Set<String> MICRO_TIME = Set.of("eventTime", "lastObservedTime", "acquireTime", "renewTime");
  private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssX");
  private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSX");

  private TimeFields() {}

  /** Rewrites every time field of {@code object} in its canonical form; 400 for one that is no time. */
  static void normalize(ResourceType type, JsonNode object) throws ApiException {
    if (object instanceof ObjectNode fields) {
      for (Map.Entry<String, JsonNode> field : fields.properties()) {
        boolean micro = MICRO_TIME.contains(field.getKey());
        if ((micro || TIME.contains(field.getKey())) && field.getValue().isTextual()) {
          field.setValue(fields.textNode(canonical(type, field.getValue().asText(), micro)));
        } else {
          normalize(type, field.getValue());
        }
      }
    } else if (object instanceof ArrayNode items) {
      for (JsonNode item : items) {
        normalize(type, item);
      }
    }
  }

  private static String canonical(ResourceType type, String text, boolean micro) throws ApiException {
    try {
      OffsetDateTime time = OffsetDateTime.parse(text).withOffsetSameInstant(ZoneOffset.UTC);
      return micro ? MICROS.format(time.truncatedTo(ChronoUnit.MICROS)) : SECONDS.format(time);
    } catch (DateTimeParseException e) {
      String layout = micro ? "2006-01-02T15:04:05.000000Z07:00" : "2006-01-02T15:04:05Z07:00";
      throw ApiException.badRequest(type.kind() + " in version \"" + type.version() + "\" cannot be handled as a "
          + type.kind() + ": parsing time \"" + text + "\" as \"" + layout + "\": it is not an RFC 3339 time");
    }
  }
}
