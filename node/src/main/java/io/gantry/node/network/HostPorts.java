package io.gantry.node.network;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The containers' {@code hostPort}s, as the CNI portmap plugin gives them: a TCP or UDP port on the
 * node ({@code hostIP}, else the node's address) that reaches the pod's {@code containerPort}.
 * Here a relay in the agent rather than NAT rules: TCP connections are piped both ways (half-close
 * passed on), UDP datagrams go out from one socket per client and the answers come back from the
 * host port, until the flow has been idle for {@value #UDP_IDLE_MILLIS} ms. So the pod sees the
 * node's address as the client's.
 *
 * <p>Concurrency: blocking sockets on virtual threads (a host port is not the data plane's hot
 * path); {@link #open} and {@link #close} are thread-safe.
 */
public final class HostPorts implements Closeable {

  private static final Logger log = LoggerFactory.getLogger(HostPorts.class);
  static final int UDP_IDLE_MILLIS = 30_000;
  private static final int BUFFER = 64 * 1024;

  /** One {@code hostPort}: where it listens and the pod's port it reaches. */
  public record Mapping(String hostIp, int hostPort, int containerPort, String protocol) {

    /** The mappings of a pod's containers (its {@code ports} with a {@code hostPort}). */
    public static List<Mapping> of(JsonNode pod) {
      List<Mapping> mappings = new ArrayList<>();
      for (JsonNode container : pod.path("spec").path("containers")) {
        for (JsonNode port : container.path("ports")) {
          int hostPort = port.path("hostPort").asInt(0);
          if (hostPort > 0) {
            mappings.add(new Mapping(port.path("hostIP").asText(""), hostPort, port.path("containerPort").asInt(),
                port.path("protocol").asText("TCP")));
          }
        }
      }
      return mappings;
    }
  }

  private final String nodeAddress;
  private final Map<String, List<Closeable>> open = new ConcurrentHashMap<>();

  /** @param nodeAddress where a mapping without {@code hostIP} listens */
  public HostPorts(String nodeAddress) {
    this.nodeAddress = nodeAddress;
  }

  /**
   * Opens the pod's host ports towards {@code podIp} (closing any it had); returns one message per
   * port that could not be opened (in use, say), for the pod's events.
   */
  public List<String> open(String uid, String podIp, List<Mapping> mappings) {
    close(uid);
    List<Closeable> relays = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (Mapping m : mappings) {
      String bind = m.hostIp().isEmpty() || m.hostIp().equals("0.0.0.0") ? nodeAddress : m.hostIp();
      InetSocketAddress target = new InetSocketAddress(podIp, m.containerPort());
      try {
        InetSocketAddress at = new InetSocketAddress(InetAddress.getByName(bind), m.hostPort());
        relays.add(m.protocol().equals("UDP") ? udp(at, target) : tcp(at, target));
      } catch (IOException e) {
        failures.add("hostPort " + bind + ":" + m.hostPort() + "/" + m.protocol() + ": " + e.getMessage());
      }
    }
    if (!relays.isEmpty()) {
      open.put(uid, relays);
    }
    return failures;
  }

  /** Closes the pod's host ports (connections through them end too); nothing when it has none. */
  public void close(String uid) {
    List<Closeable> relays = open.remove(uid);
    if (relays != null) {
      relays.forEach(HostPorts::quietly);
    }
  }

  @Override
  public void close() {
    List.copyOf(open.keySet()).forEach(this::close);
  }

  private static Closeable tcp(InetSocketAddress at, InetSocketAddress target) throws IOException {
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(at, 128);
    List<Socket> live = new java.util.concurrent.CopyOnWriteArrayList<>();
    Thread.ofVirtual().name("hostport-" + at).start(() -> {
      while (!server.isClosed()) {
        try {
          Socket client = server.accept();
          live.add(client);
          Thread.ofVirtual().start(() -> relay(client, target, live));
        } catch (IOException e) {
          if (!server.isClosed()) {
            log.debug("hostPort {}: accept failed: {}", at, e.toString());
          }
        }
      }
    });
    return () -> {
      quietly(server);
      live.forEach(HostPorts::quietly);
    };
  }

  private static void relay(Socket client, InetSocketAddress target, List<Socket> live) {
    try (client; Socket pod = new Socket()) {
      live.add(pod);
      pod.connect(target, 10_000);
      Thread back = Thread.ofVirtual().start(() -> pipe(pod, client));
      pipe(client, pod);
      back.join();
    } catch (IOException e) {
      log.debug("hostPort relay to {} ended: {}", target, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      live.removeIf(s -> s == client || s.isClosed());
    }
  }

  /** Copies until end of input, then passes the half-close on. */
  private static void pipe(Socket from, Socket to) {
    byte[] buffer = new byte[BUFFER];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
      }
      to.shutdownOutput();
    } catch (IOException e) {
      quietly(from);
      quietly(to);
    }
  }

  private static Closeable udp(InetSocketAddress at, InetSocketAddress target) throws IOException {
    DatagramSocket socket = new DatagramSocket(null);
    socket.setReuseAddress(true);
    socket.bind(at);
    Map<SocketAddress, DatagramSocket> flows = new ConcurrentHashMap<>();
    Thread.ofVirtual().name("hostport-udp-" + at).start(() -> {
      byte[] buffer = new byte[BUFFER];
      while (!socket.isClosed()) {
        try {
          DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
          socket.receive(packet);
          SocketAddress client = packet.getSocketAddress();
          DatagramSocket flow = flows.computeIfAbsent(client, c -> flow(socket, c, target, flows));
          if (flow != null) {
            flow.send(new DatagramPacket(packet.getData(), packet.getOffset(), packet.getLength()));
          }
        } catch (IOException e) {
          if (!socket.isClosed()) {
            log.debug("hostPort {}/UDP: {}", at, e.toString());
          }
        }
      }
    });
    return () -> {
      quietly(socket);
      flows.values().forEach(HostPorts::quietly);
    };
  }

  /** A socket connected to the pod for one client, whose answers go back out of the host port. */
  private static DatagramSocket flow(DatagramSocket hostPort, SocketAddress client, InetSocketAddress target,
      Map<SocketAddress, DatagramSocket> flows) {
    try {
      DatagramSocket flow = new DatagramSocket();
      flow.connect(target);
      flow.setSoTimeout(UDP_IDLE_MILLIS);
      Thread.ofVirtual().start(() -> {
        byte[] buffer = new byte[BUFFER];
        try (flow) {
          while (true) {
            DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
            flow.receive(answer);
            hostPort.send(new DatagramPacket(answer.getData(), answer.getOffset(), answer.getLength(), client));
          }
        } catch (SocketTimeoutException | SocketException e) {
          // idle, or closed with the host port
        } catch (IOException e) {
          log.debug("hostPort UDP flow {} -> {}: {}", client, target, e.toString());
        } finally {
          flows.remove(client, flow);
        }
      });
      return flow;
    } catch (IOException e) {
      log.debug("hostPort UDP flow {} -> {}: {}", client, target, e.toString());
      return null;
    }
  }

  private static void quietly(Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException ignored) {
      // closing: nothing to do about it
    }
  }
}
