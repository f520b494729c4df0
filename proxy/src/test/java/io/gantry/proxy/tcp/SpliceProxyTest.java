package io.gantry.proxy.tcp;

import static io.gantry.proxy.table.ViewFactory.endpoints;
import static io.gantry.proxy.table.ViewFactory.port;
import static io.gantry.proxy.table.ViewFactory.ready;
import static io.gantry.proxy.table.ViewFactory.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gantry.common.transport.Transports;
import io.gantry.proxy.ProxyConfig;
import io.gantry.proxy.ProxyServer;
import io.gantry.proxy.testing.Backend;
import io.gantry.proxy.testing.Client;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The splice(2) relay: bytes both ways, large transfers with backpressure, half-close. */
class SpliceProxyTest {

  @Test
  void splicedRelayEchoesLargeTransfersAndPassesHalfCloseOn() throws Exception {
    assumeTrue(Transports.chosen() == Transports.EPOLL, "splice needs the epoll transport (not available here)");
    String vip = "127.96." + ThreadLocalRandom.current().nextInt(1, 250) + ".250";
    try (Backend a = new Backend("a");
        ProxyServer proxy = ProxyServer.start(ProxyConfig.defaults("n1").withSplice(true).withLimits(100, 100, 1))) {
      proxy.update(List.of(service("s", vip, port("", "TCP", 8080, 0)).build()),
          Map.of("default/s", endpoints("s", ready("127.0.0.1", "n1", "", "TCP", a.port()))), List.of())
          .get(10, TimeUnit.SECONDS);
      try (Client c = new Client(vip, 8080)) {
        assertEquals("a", c.hello());
        String big = "y".repeat(4_000_000);
        assertEquals(big, c.echo(big));
      }
      try (Socket s = new Socket(InetAddress.getByName(vip), 8080)) {
        s.setSoTimeout(5000);
        s.getOutputStream().write("end\n".getBytes(StandardCharsets.UTF_8));
        s.shutdownOutput();
        assertEquals("a\nend\nbye\n", new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      }
    }
  }
}
