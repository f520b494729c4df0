package io.gantry.node.workloads;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;

/** The {@code gantry/echo-udp} image: sends every datagram back to its sender, on the pod IP and each named port (default 9001). */
public final class EchoUdp {

  private EchoUdp() {}

  public static void main(String[] args) throws IOException {
    Workloads.dieWithParent();
    String address = Workloads.address();
    for (int port : Workloads.ports(args, "UDP", 9001)) {
      DatagramSocket socket = new DatagramSocket(new InetSocketAddress(address, port));
      System.out.println("echo-udp listening on " + address + ":" + port);
      Thread.ofPlatform().name("udp-" + port).start(() -> {
        byte[] buffer = new byte[65535];
        while (true) {
          try {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            socket.receive(packet);
            socket.send(new DatagramPacket(packet.getData(), packet.getLength(), packet.getSocketAddress()));
          } catch (IOException e) {
            return;
          }
        }
      });
    }
  }
}
