package io.gantry.dns.server;

import static io.gantry.dns.server.Queries.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.control.api.v1.ServiceView;
import io.gantry.dns.metrics.DnsMetrics;
import io.gantry.dns.zone.DnsZoneSnapshot;
import io.gantry.dns.zone.Wire;
import io.gantry.dns.zone.ZoneConfig;
import io.gantry.dns.zone.ZoneHolder;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real server fed random and mutated packets over UDP and TCP (seeded, so failures replay):
 * it must keep answering a good query after each batch, and every packet with a query header
 * must get an answer or silence, never kill the server.
 */
class DnsServerFuzzTest {

  private static final long SEED = 20261123L;
  private DnsServer server;
  private final DnsMetrics metrics = new DnsMetrics("dns://:0");

  @BeforeEach
  void start() throws InterruptedException {
    DnsZoneSnapshot zone = DnsZoneSnapshot.build(ZoneConfig.defaults(), 1,
        List.of(ServiceView.newBuilder().setNamespace("default").setName("web").setType("ClusterIP")
            .addClusterIps("127.96.0.10").build()), List.of(), List.of());
    server = DnsServer.start(new InetSocketAddress("127.0.0.1", 0), 1,
        new DnsQueryHandler(new ZoneHolder(zone), null, new Autopath(), metrics));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void randomAndMutatedPacketsNeverStopTheServer() throws IOException {
    Random random = new Random(SEED);
    byte[] good = query(7, "web.default.svc.cluster.local", Wire.TYPE_A, 1232);
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      socket.setSoTimeout(2000);
      for (int batch = 0; batch < 20; batch++) {
        for (int i = 0; i < 500; i++) {
          byte[] packet = switch (random.nextInt(4)) {
            case 0 -> randomBytes(random, random.nextInt(600));
            case 1 -> mutate(random, good);
            case 2 -> truncate(random, good);
            default -> absurdCounts(random, good);
          };
          socket.send(new DatagramPacket(packet, packet.length, server.address()));
        }
        assertAnswered(socket, good, server.address());
      }
    }
    assertTrue(metrics.responses(1) > 0, "some packets were answered with FORMERR");
  }

  @Test
  void garbageOverTcpClosesThatConnectionOnly() throws IOException {
    Random random = new Random(SEED);
    for (int i = 0; i < 50; i++) {
      try (Socket socket = new Socket(server.address().getAddress(), server.address().getPort())) {
        socket.setSoTimeout(2000);
        byte[] garbage = mutate(random, query(9, "web.default.svc.cluster.local", Wire.TYPE_A, 0));
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.writeShort(random.nextBoolean() ? garbage.length : random.nextInt(65536));
        out.write(garbage);
        out.flush();
        socket.shutdownOutput();
        socket.getInputStream().readAllBytes(); // an answer, or the close
      } catch (SocketTimeoutException e) {
        // a length prefix promising more than was sent: the idle timeout will close it
      }
    }
    try (Socket socket = new Socket(server.address().getAddress(), server.address().getPort())) {
      socket.setSoTimeout(2000);
      byte[] good = query(9, "web.default.svc.cluster.local", Wire.TYPE_A, 0);
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      out.writeShort(good.length);
      out.write(good);
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      byte[] response = new byte[in.readUnsignedShort()];
      in.readFully(response);
      assertEquals(9, ((response[0] & 0xFF) << 8) | (response[1] & 0xFF));
      assertEquals(0, response[3] & 0xF);
      assertEquals(1, ((response[6] & 0xFF) << 8) | (response[7] & 0xFF), "one answer");
    }
  }

  private static void assertAnswered(DatagramSocket socket, byte[] good, InetSocketAddress to) throws IOException {
    socket.send(new DatagramPacket(good, good.length, to));
    byte[] buffer = new byte[4096];
    long deadline = System.nanoTime() + 3_000_000_000L;
    while (System.nanoTime() < deadline) {
      DatagramPacket response = new DatagramPacket(buffer, buffer.length);
      socket.receive(response);
      if (response.getLength() >= 12 && buffer[0] == 0 && buffer[1] == 7 && (buffer[3] & 0xF) == 0
          && buffer[7] == 1) {
        return; // responses to the garbage before it are skipped
      }
    }
    throw new AssertionError("no answer to a good query after the garbage");
  }

  private static byte[] randomBytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  private static byte[] mutate(Random random, byte[] good) {
    byte[] copy = good.clone();
    int flips = 1 + random.nextInt(6);
    for (int i = 0; i < flips; i++) {
      copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
    }
    return copy;
  }

  private static byte[] truncate(Random random, byte[] good) {
    return java.util.Arrays.copyOf(good, random.nextInt(good.length));
  }

  private static byte[] absurdCounts(Random random, byte[] good) {
    byte[] copy = good.clone();
    for (int i = 4; i < 12; i++) {
      copy[i] = (byte) random.nextInt(256);
    }
    if (random.nextBoolean()) {
      copy[12] = (byte) 0xC0; // a pointer to itself
      copy[13] = 12;
    }
    return copy;
  }
}
