package io.gantry.common.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The admin port over real loopback sockets. */
class AdminServerTest {

  @Test
  void clientsThatSendHalfARequestDoNotHoldHealthzFromOthers() throws Exception {
    try (AdminServer admin = AdminServer.start(new InetSocketAddress("127.0.0.1", 0), () -> "m 1\n", () -> true,
        () -> "{}")) {
      List<Socket> stalled = new ArrayList<>();
      try {
        for (int i = 0; i < 20; i++) {
          Socket s = new Socket("127.0.0.1", admin.localAddress().getPort());
          s.getOutputStream().write("GET /metrics HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
          stalled.add(s);
        }
        Thread.sleep(200); // let the server take them up
        try (Socket probe = new Socket("127.0.0.1", admin.localAddress().getPort())) {
          probe.setSoTimeout(5000);
          OutputStream out = probe.getOutputStream();
          out.write("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          InputStream in = probe.getInputStream();
          String response = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
          assertTrue(response.startsWith("HTTP/1.1 200"), response);
          assertTrue(response.endsWith("ok\n"), response);
        }
      } finally {
        for (Socket s : stalled) {
          s.close();
        }
      }
    }
  }

  @Test
  void otherMethodsAre405() throws Exception {
    try (AdminServer admin = AdminServer.start(new InetSocketAddress("127.0.0.1", 0), () -> "", () -> false,
        () -> "{}");
        Socket s = new Socket("127.0.0.1", admin.localAddress().getPort())) {
      s.setSoTimeout(5000);
      s.getOutputStream().write("POST /readyz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertEquals("HTTP/1.1 405", response.substring(0, 12), response);
    }
  }
}
