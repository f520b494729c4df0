package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Test fixtures: a fixed clock and objects written as JSON text. */
final class Fixtures {

  /** The clock every test prints ages against. */
  static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");

  private Fixtures() {}

  static ObjectNode object(String json) {
    return Json.parseObject(json.getBytes(StandardCharsets.UTF_8));
  }
}
