package io.gantry.node.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ActiveDeadlineTest {

  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private static JsonNode pod(String spec) throws Exception {
    return new ObjectMapper().readTree("{\"spec\": " + spec + "}");
  }

  @Test
  void aPodWithoutDeadlineNeverExceedsIt() throws Exception {
    assertNull(ActiveDeadline.remaining(pod("{}"), START, START.plusSeconds(1_000_000)));
    assertFalse(ActiveDeadline.exceeded(pod("{}"), START, START.plusSeconds(1_000_000)));
  }

  @Test
  void theDeadlineCountsFromTheStartTimeAndIsReachedAtExactlyTheSeconds() throws Exception {
    JsonNode pod = pod("{\"activeDeadlineSeconds\": 30}");
    assertEquals(Duration.ofSeconds(20), ActiveDeadline.remaining(pod, START, START.plusSeconds(10)));
    assertFalse(ActiveDeadline.exceeded(pod, START, START.plusMillis(29_999)));
    assertTrue(ActiveDeadline.exceeded(pod, START, START.plusSeconds(30)));
    assertTrue(ActiveDeadline.exceeded(pod, START, START.plusSeconds(31)));
  }

  @Test
  void theReasonAndMessageAreTheKubelets() {
    assertEquals("DeadlineExceeded", ActiveDeadline.REASON);
    assertEquals("Pod was active on the node longer than the specified deadline", ActiveDeadline.MESSAGE);
  }
}
