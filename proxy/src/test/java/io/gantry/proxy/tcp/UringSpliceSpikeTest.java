package io.gantry.proxy.tcp;

import static io.gantry.proxy.table.ViewFactory.endpoints;
import static io.gantry.proxy.table.ViewFactory.port;
import static io.gantry.proxy.table.ViewFactory.ready;
import static io.gantry.proxy.table.ViewFactory.service;
import static org.junit.jupiter.api.Assertions.assertEquals;

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

class UringSpliceSpikeTest {
  @Test
  void spike() throws Exception {
    System.setProperty(Transports.PROPERTY, "io_uring");
    System.setProperty("gantry.spliceInline", System.getProperty("inl", "false"));
    String vip = "127.96." + ThreadLocalRandom.current().nextInt(1, 250) + ".249";
    try (Backend a = new Backend("a");
        ProxyServer proxy = ProxyServer.start(ProxyConfig.defaults("n1").withSplice(true).withLimits(100, 100, 1))) {
      proxy.update(List.of(service("s", vip, port("", "TCP", 8080, 0)).build()),
          Map.of("default/s", endpoints("s", ready("127.0.0.1", "n1", "", "TCP", a.port()))), List.of())
          .get(10, TimeUnit.SECONDS);
      try (Client c = new Client(vip, 8080)) {
        assertEquals("a", c.hello());
        String big = "y".repeat(4_000_000);
        long t0 = System.nanoTime();
        assertEquals(big, c.echo(big));
        System.err.println("SPIKE echo ms " + (System.nanoTime() - t0) / 1e6 + " inline=" + UringSplicePump.INLINE);
      }
      try (Socket s = new Socket(InetAddress.getByName(vip), 8080)) {
        s.setSoTimeout(5000);
        s.getOutputStream().write("end\n".getBytes(StandardCharsets.UTF_8));
        long t1 = System.nanoTime();
        s.shutdownOutput();
        assertEquals("a\nend\nbye\n", new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        System.err.println("SPIKE halfclose ms " + (System.nanoTime() - t1) / 1e6);
      }
    } finally {
      System.clearProperty(Transports.PROPERTY);
    }
  }
}
