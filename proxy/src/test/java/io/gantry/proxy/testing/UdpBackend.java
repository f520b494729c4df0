package io.gantry.proxy.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A UDP backend for tests. Text datagrams get {@code name:text} back; a datagram that looks like a
 * DNS query (12+ bytes, QR bit clear) gets a DNS-style response: same ID, QR set, the question
 * echoed, and the backend's name appended.
 */
public final class UdpBackend implements AutoCloseable {

  private final String name;
  private final DatagramSocket socket;
  public final AtomicInteger received = new AtomicInteger();

  public UdpBackend(String name) throws IOException {
    this.name = name;
    this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
    socket.setReceiveBufferSize(4 << 20); // bursts are the proxy's to absorb, not this echo's
    Thread.ofVirtual().start(this::loop);
  }

  public int port() {
    return socket.getLocalPort();
  }

  private void loop() {
    byte[] buf = new byte[65535];
    while (!socket.isClosed()) {
      try {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.receive(p);
        received.incrementAndGet();
        byte[] reply;
        if (p.getLength() >= 12 && buf[0] == 'D' && buf[1] == 'N') {
          byte[] tag = name.getBytes(StandardCharsets.UTF_8);
          reply = new byte[p.getLength() + tag.length];
          System.arraycopy(buf, 0, reply, 0, p.getLength());
          reply[2] |= (byte) 0x80; // QR: a response
          System.arraycopy(tag, 0, reply, p.getLength(), tag.length);
        } else {
          reply = (name + ":" + new String(buf, 0, p.getLength(), StandardCharsets.UTF_8))
              .getBytes(StandardCharsets.UTF_8);
        }
        socket.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
      } catch (IOException e) {
        if (socket.isClosed()) {
          return;
        }
      }
    }
  }

  @Override
  public void close() {
    socket.close();
  }
}
