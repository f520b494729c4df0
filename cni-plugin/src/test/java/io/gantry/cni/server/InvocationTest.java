package io.gantry.cni.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InvocationTest {
  static Invocation read(String wire) throws IOException {
    return Invocation.read(new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8)));
  }

  static String refusal(String wire) {
    return assertThrows(ProtocolException.class, () -> read(wire)).getMessage();
  }

  @Test
  void lengthsInBytesFrameValuesWithNewlinesAndNonAsciiText() throws Exception {
    Invocation call = read("CNI_COMMAND 3\nADDCNI_ARGS 8\na=1\nb=éstdin 4\n{}\n\n");
    assertEquals(Map.of("CNI_COMMAND", "ADD", "CNI_ARGS", "a=1\nb=é"), call.environment());
    assertArrayEquals("{}\n\n".getBytes(StandardCharsets.UTF_8), call.stdin());
    assertEquals(Map.of(), read("stdin 0\n").environment(), "unset variables are not sent");
  }

  @Test
  void anythingElseIsRefusedWithWhatWasWrong() {
    assertTrue(refusal("PATH 4\n/bin").contains("unknown variable PATH"));
    assertTrue(refusal("CNI_COMMAND 3\nADDCNI_COMMAND 3\nDEL").contains("CNI_COMMAND sent twice"));
    assertTrue(refusal("CNI_COMMAND -3\n").contains("expected NAME LENGTH"));
    assertTrue(refusal("CNI_COMMAND 1234567890\n").contains("expected NAME LENGTH"));
    assertTrue(refusal("CNI_COMMAND\n").contains("expected NAME LENGTH"));
    assertTrue(refusal("CNI_ARGS 65537\n").contains("over the limit"));
    assertTrue(refusal("stdin 16777217\n").contains("over the limit"));
    assertTrue(refusal("stdin 10\n{}").contains("after 2 of 10 bytes"));
    assertTrue(refusal("CNI_COMMAND 3\nADD").contains("in the middle of a line"), "no stdin at all");
    assertTrue(refusal("X".repeat(300) + " 1\n").contains("longer than 256"));
  }
}
