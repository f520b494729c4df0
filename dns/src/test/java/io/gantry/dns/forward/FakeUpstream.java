package io.gantry.dns.forward;

import io.gantry.dns.zone.Wire;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny authoritative server on 127.0.0.1 for the forwarding tests (no traffic leaves the
 * machine): {@code *.nx.*} names are NXDOMAIN with an SOA (TTL 30, minimum 10); names with
 * "silent" get no answer; names with "slowN" are answered after N ms; every other A query gets
 * {@code address} with TTL 60.
 */
public final class FakeUpstream implements AutoCloseable {

  private final DatagramSocket socket;
  private final Thread thread;
  private final byte[] address;
  public final AtomicInteger queries = new AtomicInteger();
  final AtomicBoolean down = new AtomicBoolean();
  public final AtomicInteger tcpQueries = new AtomicInteger();
  private final ServerSocket tcp;
  private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "fake-upstream-later");
    t.setDaemon(true);
    return t;
  });

  public FakeUpstream(String address) throws IOException {
    this.address = InetAddress.getByName(address).getAddress();
    // UDP and TCP on one port number (TCP for answers that do not fit UDP): a port whose TCP side is
    // taken is given back and another one tried
    DatagramSocket udp = null;
    ServerSocket stream = null;
    for (int attempt = 0; stream == null; attempt++) {
      udp = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
      stream = new ServerSocket();
      stream.setReuseAddress(true);
      try {
        stream.bind(new InetSocketAddress("127.0.0.1", udp.getLocalPort()));
      } catch (java.net.BindException e) {
        udp.close();
        stream.close();
        stream = null;
        if (attempt == 20) {
          throw e;
        }
      }
    }
    this.socket = udp;
    this.tcp = stream;
    this.thread = new Thread(this::serve, "fake-upstream");
    thread.setDaemon(true);
    thread.start();
    Thread tcpThread = new Thread(this::serveTcp, "fake-upstream-tcp");
    tcpThread.setDaemon(true);
    tcpThread.start();
  }

  private void serveTcp() {
    while (!tcp.isClosed()) {
      try (Socket client = tcp.accept()) {
        tcpQueries.incrementAndGet();
        DataInputStream in = new DataInputStream(client.getInputStream());
        byte[] query = new byte[in.readUnsignedShort()];
        in.readFully(query);
        byte[] response = respond(query, name(query), true);
        DataOutputStream out = new DataOutputStream(client.getOutputStream());
        out.writeShort(response.length);
        out.write(response);
        out.flush();
      } catch (IOException e) {
        // closed, or a client that went away
      }
    }
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  private void serve() {
    byte[] buffer = new byte[4096];
    while (!socket.isClosed()) {
      try {
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        socket.receive(packet);
        queries.incrementAndGet();
        byte[] query = Arrays.copyOf(buffer, packet.getLength());
        String name = name(query);
        if (down.get() || name.contains("silent")) {
          continue;
        }
        byte[] response = respond(query, name, false);
        DatagramPacket answer = new DatagramPacket(response, response.length, packet.getSocketAddress());
        int slow = name.indexOf("slow");
        if (slow >= 0) {
          int millis = Integer.parseInt(name.substring(slow + 4, name.indexOf('.', slow)));
          later.schedule(() -> {
            try {
              socket.send(answer);
            } catch (IOException e) {
              // closed meanwhile
            }
          }, millis, TimeUnit.MILLISECONDS);
          continue;
        }
        socket.send(answer);
      } catch (SocketException e) {
        return;
      } catch (IOException e) {
        // keep serving
      }
    }
  }

  private static String name(byte[] query) {
    StringBuilder name = new StringBuilder();
    int pos = 12;
    while (query[pos] != 0) {
      name.append(new String(query, pos + 1, query[pos], StandardCharsets.US_ASCII)).append('.');
      pos += query[pos] + 1;
    }
    return name.toString();
  }

  /** {@code big} names have 100 A records: over UDP only a truncated answer (TC, no records). */
  private byte[] respond(byte[] query, String name, boolean overTcp) {
    int questionEnd = 12 + Wire.name(name).length + 4;
    if (name.contains("big")) {
      int records = overTcp ? 100 : 0;
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(query[0]);
      out.write(query[1]);
      out.write(overTcp ? 0x81 : 0x83); // QR, RD, and TC over UDP
      out.write(0x80);
      out.writeBytes(new byte[] {0, 1, 0, (byte) records, 0, 0, 0, 0});
      out.write(query, 12, questionEnd - 12);
      for (int i = 0; i < records; i++) {
        out.writeBytes(Wire.record(null, Wire.TYPE_A, 60, new byte[] {(byte) 192, 0, 2, (byte) (i + 1)}));
      }
      return out.toByteArray();
    }
    boolean nx = name.contains(".nx.");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(query[0]);
    out.write(query[1]);
    out.write(0x81); // QR, RD
    out.write(0x80 | (nx ? 3 : 0)); // RA
    out.writeBytes(new byte[] {0, 1, 0, nx ? (byte) 0 : (byte) 1, 0, nx ? (byte) 1 : (byte) 0, 0, 0});
    out.write(query, 12, questionEnd - 12);
    if (nx) {
      out.writeBytes(Wire.record("example.org.", Wire.TYPE_SOA, 30,
          Wire.soa("ns.example.org.", "root.example.org.", 1, 60, 60, 60, 10)));
    } else {
      out.writeBytes(Wire.record(null, Wire.TYPE_A, 60, address));
    }
    return out.toByteArray();
  }

  @Override
  public void close() throws InterruptedException {
    later.shutdownNow();
    socket.close();
    try {
      tcp.close();
    } catch (IOException e) {
      // closing anyway
    }
    thread.join(2000);
  }
}
