package io.gantry.node.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The error stream's Status in the shape client-go's errorDecoderV4 reads. */
class ExitStatusTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void zeroIsSuccess() throws Exception {
    JsonNode status = JSON.readTree(ExitStatus.of(0));
    assertEquals("Success", status.path("status").asText());
    assertFalse(status.has("reason"));
  }

  @Test
  void nonZeroCarriesTheCodeAsAnExitCodeCause() throws Exception {
    JsonNode status = JSON.readTree(ExitStatus.of(3));
    assertEquals("Failure", status.path("status").asText());
    assertEquals("NonZeroExitCode", status.path("reason").asText());
    assertEquals("ExitCode", status.at("/details/causes/0/reason").asText());
    assertEquals("3", status.at("/details/causes/0/message").asText());
  }

  @Test
  void failureCarriesTheMessageKubectlPrints() throws Exception {
    JsonNode status = JSON.readTree(ExitStatus.failure("exec: \"x\": not found"));
    assertEquals("Failure", status.path("status").asText());
    assertEquals("exec: \"x\": not found", status.path("message").asText());
  }
}
