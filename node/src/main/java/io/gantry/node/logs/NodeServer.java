package io.gantry.node.logs;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gantry.node.NodeAgentConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The agent's own HTTP endpoint on the node address (the kubelet's port, announced in the Node's
 * {@code status.daemonEndpoints.kubeletEndpoint.Port}): {@code GET /containerLogs/{ns}/{pod}/{container}}
 * with {@code tailLines}, {@code previous} and {@code timestamps}, as the kubelet serves it to the
 * API server; and {@code /healthz}.
 */
public final class NodeServer implements AutoCloseable {

  private final HttpServer server;
  private final ExecutorService executor;

  private NodeServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  public static NodeServer start(NodeAgentConfig config, LogFiles logs) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(config.nodeAddress(), config.serverPort()), 16);
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    server.setExecutor(executor);
    server.createContext("/healthz", exchange -> reply(exchange, 200, "ok\n"));
    server.createContext("/containerLogs/", exchange -> containerLogs(exchange, logs));
    server.start();
    return new NodeServer(server, executor);
  }

  private static void containerLogs(HttpExchange exchange, LogFiles logs) throws IOException {
    String[] parts = exchange.getRequestURI().getPath().substring("/containerLogs/".length()).split("/");
    if (!"GET".equals(exchange.getRequestMethod()) || parts.length < 2 || parts.length > 3) {
      reply(exchange, 404, "expected: GET /containerLogs/{namespace}/{pod}/{container}\n");
      return;
    }
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    int tail;
    try {
      tail = Integer.parseInt(query.getOrDefault("tailLines", "-1"));
    } catch (NumberFormatException e) {
      reply(exchange, 400, "tailLines: " + query.get("tailLines") + " (expected: a number)\n");
      return;
    }
    if (Boolean.parseBoolean(query.getOrDefault("follow", "false")) && parts.length == 3) {
      follow(exchange, logs, parts, tail, Boolean.parseBoolean(query.getOrDefault("timestamps", "false")));
      return;
    }
    String text = logs.read(parts[0], parts[1], parts.length == 3 ? parts[2] : null,
        Boolean.parseBoolean(query.getOrDefault("previous", "false")), tail,
        Boolean.parseBoolean(query.getOrDefault("timestamps", "false")));
    if (text == null) {
      reply(exchange, 404, "no log for " + String.join("/", parts) + "\n");
    } else {
      reply(exchange, 200, text);
    }
  }

  /** Chunked: the log so far, then each new line, until the container stops or the reader goes. */
  private static void follow(HttpExchange exchange, LogFiles logs, String[] parts, int tail, boolean timestamps)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream out = exchange.getResponseBody()) {
      logs.follow(parts[0], parts[1], parts[2], tail, timestamps, text -> {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
      });
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> query = new HashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          query.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return query;
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
