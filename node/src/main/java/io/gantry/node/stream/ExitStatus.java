package io.gantry.node.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/**
 * The {@code metav1.Status} that ends an exec on the error stream (protocol v4 and later), as
 * client-go's {@code errorDecoderV4} reads it: {@code Success}, or {@code Failure} with reason
 * {@code NonZeroExitCode} and the code as the message of a cause of type {@code ExitCode}, or a
 * plain {@code Failure} whose message kubectl prints.
 */
final class ExitStatus {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ExitStatus() {}

  static byte[] of(int code) {
    ObjectNode status = base(code == 0 ? "Success" : "Failure");
    if (code != 0) {
      status.put("message", "command terminated with non-zero exit code: exit status " + code);
      status.put("reason", "NonZeroExitCode");
      status.putObject("details").putArray("causes").addObject().put("reason", "ExitCode")
          .put("message", Integer.toString(code));
    }
    return bytes(status);
  }

  static byte[] failure(String message) {
    ObjectNode status = base("Failure");
    status.put("message", message);
    status.put("reason", "InternalError");
    return bytes(status);
  }

  private static ObjectNode base(String outcome) {
    ObjectNode status = JSON.createObjectNode();
    status.put("kind", "Status").put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", outcome);
    return status;
  }

  private static byte[] bytes(ObjectNode status) {
    return status.toString().getBytes(StandardCharsets.UTF_8);
  }
}
