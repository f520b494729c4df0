package io.gantry.node.workloads;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code gantry/echo-http} image: an HTTP server on the pod IP that answers every request with
 * the pod's name and the request it saw ({@code pod: NAME} first, then namespace, pod IP, node,
 * client, request line and headers). {@code /healthz} answers the current health code (200), and
 * {@code POST /healthz?code=503} changes it, so probes can be made to fail.
 */
public final class EchoHttp {

  private EchoHttp() {}

  private static volatile boolean draining;

  public static void main(String[] args) throws IOException {
    Workloads.dieWithParent();
    AtomicInteger health = new AtomicInteger(200);
    String address = Workloads.address();
    List<HttpServer> servers = new java.util.concurrent.CopyOnWriteArrayList<>();
    long drainMillis = drainMillis();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      draining = true;
      System.out.println("SIGTERM: draining for " + drainMillis + " ms");
      try {
        Thread.sleep(drainMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      servers.forEach(server -> server.stop(1));
    }, "drain"));
    for (int port : Workloads.ports(args, "TCP", 8080)) {
      HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 128);
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.createContext("/healthz", exchange -> {
        drain(exchange);
        String query = exchange.getRequestURI().getQuery();
        if ("POST".equals(exchange.getRequestMethod()) && query != null && query.matches("code=\\d{3}")) {
          health.set(Integer.parseInt(query.substring(5)));
          System.out.println("health set to " + health.get());
        }
        reply(exchange, health.get(), "health: " + health.get() + "\n");
      });
      server.createContext("/", exchange -> {
        drain(exchange);
        StringBuilder body = new StringBuilder();
        body.append("pod: ").append(Workloads.env("POD_NAME")).append('\n');
        body.append("namespace: ").append(Workloads.env("POD_NAMESPACE")).append('\n');
        body.append("podIP: ").append(Workloads.env("POD_IP")).append('\n');
        body.append("node: ").append(Workloads.env("NODE_NAME")).append('\n');
        body.append("client: ").append(exchange.getRemoteAddress().getAddress().getHostAddress()).append(':')
            .append(exchange.getRemoteAddress().getPort()).append('\n');
        body.append("request: ").append(exchange.getRequestMethod()).append(' ')
            .append(exchange.getRequestURI()).append(' ').append(exchange.getProtocol()).append('\n');
        for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
          for (String value : header.getValue()) {
            body.append(header.getKey().toLowerCase(java.util.Locale.ROOT)).append(": ").append(value).append('\n');
          }
        }
        System.out.println(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " from "
            + exchange.getRemoteAddress());
        reply(exchange, 200, body.toString());
      });
      server.start();
      servers.add(server);
      System.out.println("echo-http listening on " + address + ":" + port);
    }
  }

  private static long drainMillis() {
    String v = Workloads.env("ECHO_DRAIN_SECONDS");
    return v.matches("\\d{1,3}") ? Long.parseLong(v) * 1000 : 3000;
  }

  private static void drain(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      in.skip(1 << 20);
    }
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    if (draining) {
      exchange.getResponseHeaders().set("Connection", "close");
    }
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
