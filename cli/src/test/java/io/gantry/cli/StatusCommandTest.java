package io.gantry.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StatusCommandTest {

  @Test
  void rendersOneRowPerDaemonAndTheLastNack() throws Exception {
    String json = """
        {"systemVersion":42,"resources":7,"daemons":[
          {"id":"proxy/n1","node":"n1","role":"proxy","connected":true,"ackedVersion":40,"lag":2,"pushes":5,
           "nacks":1,"lastNack":"service demo/web: bad port"}]}
        """;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StatusCommand.render(new ObjectMapper().readTree(json), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("system version 42, 7 resources"), text);
    assertTrue(text.matches("(?s).*proxy/n1\\s+proxy\\s+n1\\s+yes\\s+40\\s+2\\s+5\\s+1.*"), text);
    assertTrue(text.contains("last NACK: service demo/web: bad port"), text);
  }
}
