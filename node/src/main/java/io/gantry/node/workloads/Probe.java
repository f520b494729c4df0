package io.gantry.node.workloads;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The {@code gantry/probe} image: a reachability client. {@code probe tcp HOST:PORT},
 * {@code probe udp HOST:PORT} (sends a datagram, expects one back), {@code probe http URL}
 * (prints the body); {@code --timeout SECONDS} (default 2). Exit code 0 when reachable, 1 when
 * not, 2 on bad usage. Without arguments it sleeps, so a pod can run it and be exec'ed into.
 */
public final class Probe {

  private Probe() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length == 0) {
      Workloads.dieWithParent();
      System.out.println("probe: idle; usage: probe tcp|udp HOST:PORT | probe http URL [--timeout S]");
      Thread.sleep(Long.MAX_VALUE);
    }
    System.exit(run(args));
  }

  static int run(String[] args) {
    Duration timeout = Duration.ofSeconds(2);
    String mode = null;
    String target = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--timeout") && i + 1 < args.length) {
        timeout = Duration.ofMillis((long) (Double.parseDouble(args[++i]) * 1000));
      } else if (mode == null) {
        mode = args[i];
      } else if (target == null) {
        target = args[i];
      }
    }
    if (mode == null || target == null) {
      System.err.println("usage: probe tcp|udp HOST:PORT | probe http URL [--timeout SECONDS]");
      return 2;
    }
    try {
      return switch (mode) {
        case "tcp" -> tcp(hostPort(target), timeout);
        case "udp" -> udp(hostPort(target), timeout);
        case "http" -> http(target, timeout);
        default -> {
          System.err.println("probe: " + mode + " (expected: tcp, udp or http)");
          yield 2;
        }
      };
    } catch (IllegalArgumentException e) {
      System.err.println("probe: " + e.getMessage());
      return 2;
    }
  }

  private static InetSocketAddress hostPort(String target) {
    int colon = target.lastIndexOf(':');
    if (colon < 1) {
      throw new IllegalArgumentException(target + " (expected: HOST:PORT)");
    }
    return new InetSocketAddress(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)));
  }

  private static int tcp(InetSocketAddress address, Duration timeout) {
    try (Socket socket = new Socket()) {
      socket.connect(address, (int) timeout.toMillis());
      System.out.println("tcp " + address.getHostString() + ":" + address.getPort() + ": connected");
      return 0;
    } catch (IOException e) {
      System.out.println("tcp " + address.getHostString() + ":" + address.getPort() + ": " + e.getMessage());
      return 1;
    }
  }

  private static int udp(InetSocketAddress address, Duration timeout) {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout((int) timeout.toMillis());
      byte[] ping = "gantry-probe".getBytes(StandardCharsets.US_ASCII);
      socket.send(new DatagramPacket(ping, ping.length, address));
      DatagramPacket answer = new DatagramPacket(new byte[2048], 2048);
      socket.receive(answer);
      System.out.println("udp " + address.getHostString() + ":" + address.getPort() + ": "
          + new String(answer.getData(), 0, answer.getLength(), StandardCharsets.UTF_8));
      return 0;
    } catch (SocketTimeoutException e) {
      System.out.println("udp " + address.getHostString() + ":" + address.getPort() + ": no answer within "
          + timeout.toMillis() + " ms");
      return 1;
    } catch (IOException e) {
      System.out.println("udp " + address.getHostString() + ":" + address.getPort() + ": " + e.getMessage());
      return 1;
    }
  }

  private static int http(String url, Duration timeout) {
    // HTTP/1.1 as curl and wget speak it: the JDK's default would ask every server for an h2c upgrade
    try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
        .build()) {
      HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
          .build(), HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = response.body()) {
        System.out.write(in.readNBytes(1 << 20));
      }
      System.out.println();
      System.out.println("http " + url + ": " + response.statusCode());
      return response.statusCode() < 400 ? 0 : 1;
    } catch (IOException e) {
      System.out.println("http " + url + ": " + e);
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }
}
