package io.gantry.node.pod;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code spec.activeDeadlineSeconds} as the kubelet enforces it: a pod active on the node (since
 * {@code status.startTime}) for that long or longer is failed with reason {@link #REASON}; its
 * containers are stopped and not restarted. The field may be set or lowered on a running pod.
 */
final class ActiveDeadline {

  static final String REASON = "DeadlineExceeded";
  static final String MESSAGE = "Pod was active on the node longer than the specified deadline";

  private ActiveDeadline() {}

  /**
   * How long until the deadline passes ({@link Duration#ZERO} or less: it has), or null when the pod
   * has none.
   */
  static Duration remaining(JsonNode pod, Instant startTime, Instant now) {
    JsonNode seconds = pod.path("spec").path("activeDeadlineSeconds");
    if (!seconds.canConvertToLong() || startTime == null) {
      return null;
    }
    return Duration.between(now, startTime.plusSeconds(seconds.asLong()));
  }

  /** Whether the pod has been active for its deadline or longer. */
  static boolean exceeded(JsonNode pod, Instant startTime, Instant now) {
    Duration left = remaining(pod, startTime, now);
    return left != null && !left.isPositive();
  }
}
