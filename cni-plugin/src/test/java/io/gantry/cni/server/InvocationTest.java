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
  void escapesCarryBackslashesTabsAndNewlinesAndTextIsUtf8() throws Exception {
    Invocation call = read("CNI_COMMAND=ADD\tCNI_ARGS=a=1\\nb=é\\t\\\\\tstdin={}\\n\\n\t\n");
    assertEquals(Map.of("CNI_COMMAND", "ADD", "CNI_ARGS", "a=1\nb=é\t\\"), call.environment());
    assertArrayEquals("{}\n\n".getBytes(StandardCharsets.UTF_8), call.stdin());
    assertEquals(Map.of("CNI_NETNS", ""), read("CNI_NETNS=\tstdin=\t\n").environment(), "set but empty");
    assertEquals(0, read("stdin=\t\n").stdin().length);
  }

  @Test
  void anythingElseIsRefusedWithWhatWasWrong() {
    assertTrue(refusal("PATH=/bin\tstdin=\t\n").contains("unknown variable PATH"));
    assertTrue(refusal("CNI_COMMAND=ADD\tCNI_COMMAND=DEL\tstdin=\t\n").contains("CNI_COMMAND sent twice"));
    assertTrue(refusal("CNI_COMMAND\tstdin=\t\n").contains("expected NAME=VALUE"));
    assertTrue(refusal("CNI_COMMAND=ADD\t\n").contains("expected NAME=VALUE"));
    assertTrue(refusal("CNI_COMMAND=ADD\n").contains("ended without stdin"));
    assertTrue(refusal("CNI_COMMAND=A\\xD\tstdin=\t\n").contains("unknown escape in CNI_COMMAND: \\x"));
    assertTrue(refusal("stdin={}\tCNI_COMMAND=ADD\t\n").contains("stdin must be the last field"));
    assertTrue(refusal("CNI_COMMAND=ADD\tstdin={").contains("closed the connection before the end"));
    assertTrue(refusal("X".repeat(100) + "=1\t").contains("expected NAME=VALUE"));
  }
}
