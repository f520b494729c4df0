package io.gantry.node.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LogRequestsTest {

  @Test
  void limitBytesCutsAtACharacterBoundary() {
    assertEquals("abc", LogRequests.limit("abcdef", 3));
    assertEquals("abcdef", LogRequests.limit("abcdef", 100));
    assertEquals("", LogRequests.limit("abc", 0));
    assertEquals("a", LogRequests.limit("aé", 2)); // é is two bytes: a split character is dropped
  }
}
