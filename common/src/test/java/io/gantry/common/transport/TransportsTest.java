package io.gantry.common.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TransportsTest {

  @AfterEach
  void clearProperty() {
    System.clearProperty(Transports.PROPERTY);
  }

  @Test
  void namesParseAndOthersAreRejectedWithTheChoices() {
    assertEquals(Transports.IO_URING, Transports.parse("io_uring"));
    assertEquals(Transports.IO_URING, Transports.parse("io-uring"));
    assertEquals(Transports.EPOLL, Transports.parse("EPOLL"));
    assertEquals(Transports.NIO, Transports.parse("nio"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Transports.parse("kqueue"));
    assertEquals("transport: kqueue (expected: epoll, io_uring or nio)", e.getMessage());
    assertEquals(Transports.IO_URING, Transports.parse(Transports.IO_URING.flag()));
  }

  @Test
  void thePreferredTransportWhereItLoadsElseTheNextOne() {
    Transports expected = IoUring.isAvailable() ? Transports.IO_URING
        : Epoll.isAvailable() ? Transports.EPOLL : Transports.NIO;
    assertEquals(expected, Transports.chosen(Transports.IO_URING));
    assertEquals(Epoll.isAvailable() ? Transports.EPOLL : Transports.NIO, Transports.chosen());
  }

  @Test
  void thePropertyOverridesThePreference() {
    System.setProperty(Transports.PROPERTY, "nio");
    assertEquals(Transports.NIO, Transports.chosen(Transports.IO_URING));
    System.setProperty(Transports.PROPERTY, "bogus");
    assertThrows(IllegalArgumentException.class, () -> Transports.chosen(Transports.EPOLL));
  }

  @Test
  void eachTransportMakesChannelsOfItsKind() {
    for (Transports t : Transports.values()) {
      boolean loads = switch (t) {
        case IO_URING -> IoUring.isAvailable();
        case EPOLL -> Epoll.isAvailable();
        case NIO -> true;
      };
      if (!loads) {
        continue; // visible in the other tests' expectations; nothing to make here
      }
      var ch = t.newSocketChannel();
      try {
        assertTrue(t.socketChannel().isInstance(ch), t + " makes " + ch.getClass());
      } finally {
        ch.unsafe().closeForcibly();
      }
    }
  }
}
