package io.gantry.proxy.tcp;

import static io.gantry.proxy.table.ViewFactory.endpoints;
import static io.gantry.proxy.table.ViewFactory.port;
import static io.gantry.proxy.table.ViewFactory.ready;
import static io.gantry.proxy.table.ViewFactory.service;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.proxy.ProxyConfig;
import io.gantry.proxy.ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading stops the endpoint's sender: the proxy buffers a bounded amount (its
 * high-water mark; the rest sits in the sockets' kernel buffers), then resumes when the client
 * reads again. Runs on the proxy's default transport.
 */
class BackpressureTest {

  private static final long CAP = 1L << 30; // the sender stops here: far beyond anything bounded
  /**
   * What may be in flight while the client does not read: the kernel buffers of the four sockets on
   * the way (two senders' at most tcp_wmem's maximum, the proxy's receiving one at most tcp_rmem's,
   * the client's 64 KiB) plus the proxy's 512 KiB high-water mark and one read, with 4 MiB to spare.
   */
  private static final long BOUND = 2 * sysctlMax("tcp_wmem", 4 << 20) + sysctlMax("tcp_rmem", 6 << 20) + (5L << 20);

  @Test
  void aClientThatStopsReadingStopsTheEndpointsSenderUntilItReadsAgain() throws Exception {
    String vip = "127.96." + ThreadLocalRandom.current().nextInt(1, 250) + ".251";
    AtomicLong written = new AtomicLong();
    try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        ProxyServer proxy = ProxyServer.start(ProxyConfig.defaults("n1").withLimits(100, 100, 1))) {
      Thread sender = Thread.ofPlatform().daemon().name("bulk-sender").start(() -> send(server, written));
      proxy.update(List.of(service("bulk", vip, port("", "TCP", 8080, 0)).build()),
          Map.of("default/bulk", endpoints("bulk", ready("127.0.0.1", "n1", "", "TCP", server.getLocalPort()))),
          List.of()).get(10, TimeUnit.SECONDS);
      try (Socket client = new Socket()) {
        client.setReceiveBufferSize(64 * 1024);
        client.setSoTimeout(5000);
        client.connect(new InetSocketAddress(InetAddress.getByName(vip), 8080), 5000);
        Thread.sleep(3000); // the client reads nothing meanwhile
        long paused = written.get();
        assertTrue(paused > 0, "the endpoint sent nothing through the proxy");
        assertTrue(paused < BOUND, "the proxy kept reading a client that does not read: " + paused
            + " bytes sent (expected: under " + BOUND + ")");

        InputStream in = client.getInputStream();
        byte[] buf = new byte[64 * 1024];
        long read = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (read < paused + (16L << 20) && System.nanoTime() < deadline) {
          int n = in.read(buf);
          if (n < 0) {
            break;
          }
          read += n;
        }
        assertTrue(read >= paused + (16L << 20), "reading did not resume the flow: " + read + " bytes read, "
            + paused + " sent before the pause");
      }
      sender.interrupt();
    }
  }

  /** The third (maximum) field of net.ipv4.{@code name}, or {@code fallback} where it cannot be read. */
  private static long sysctlMax(String name, long fallback) {
    try {
      String[] fields = Files.readString(Path.of("/proc/sys/net/ipv4", name)).trim().split("\\s+");
      return Long.parseLong(fields[2]);
    } catch (IOException | RuntimeException e) {
      return fallback;
    }
  }

  /** Accepts one connection and writes into it until {@link #CAP} or until it breaks. */
  private static void send(ServerSocket server, AtomicLong written) {
    try (Socket s = server.accept()) {
      OutputStream out = s.getOutputStream();
      byte[] chunk = new byte[64 * 1024];
      while (written.get() < CAP && !Thread.currentThread().isInterrupted()) {
        out.write(chunk);
        written.addAndGet(chunk.length);
      }
    } catch (IOException e) {
      // the test closed the connection or the server
    }
  }
}
