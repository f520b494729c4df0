package io.gantry.node.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProbeTest {
  private final List<String> headerNames = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private String base;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      headerNames.addAll(exchange.getRequestHeaders().keySet());
      int status = exchange.getRequestURI().getPath().equals("/down") ? 503 : 200;
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void httpExitsZeroOnSuccessAndOneOnAnErrorStatus() {
    assertEquals(0, Probe.run(new String[] {"http", base + "/"}));
    assertEquals(1, Probe.run(new String[] {"http", base + "/down"}));
  }

  /** Requests as curl sends them: servers behind the probe see plain HTTP/1.1, no h2c upgrade offer. */
  @Test
  void httpAsksForNoProtocolUpgrade() {
    assertEquals(0, Probe.run(new String[] {"http", base + "/"}));
    assertFalse(headerNames.isEmpty());
    for (String name : headerNames) {
      assertFalse(name.equalsIgnoreCase("Upgrade") || name.equalsIgnoreCase("HTTP2-Settings"), name);
    }
  }

  @Test
  void badUsageExitsTwo() {
    assertEquals(2, Probe.run(new String[] {"http"}));
    assertEquals(2, Probe.run(new String[] {"ftp", "x"}));
  }
}
