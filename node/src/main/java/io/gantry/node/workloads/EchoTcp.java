package io.gantry.node.workloads;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** The {@code gantry/echo-tcp} image: echoes every byte back, on the pod IP and each named port (default 9000). */
public final class EchoTcp {

  private EchoTcp() {}

  public static void main(String[] args) throws IOException {
    Workloads.dieWithParent();
    String address = Workloads.address();
    for (int port : Workloads.ports(args, "TCP", 9000)) {
      ServerSocket server = new ServerSocket();
      server.bind(new InetSocketAddress(address, port), 128);
      System.out.println("echo-tcp listening on " + address + ":" + port);
      Thread.ofPlatform().name("accept-" + port).start(() -> {
        while (true) {
          try {
            Socket socket = server.accept();
            Thread.ofVirtual().start(() -> echo(socket));
          } catch (IOException e) {
            return;
          }
        }
      });
    }
  }

  private static void echo(Socket socket) {
    try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
      byte[] buffer = new byte[16384];
      int n;
      while ((n = in.read(buffer)) > 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // the client went away
    }
  }
}
