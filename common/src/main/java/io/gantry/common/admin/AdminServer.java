package io.gantry.common.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A daemon's admin port: {@code /metrics} (Prometheus text format), {@code /healthz},
 * {@code /readyz} and {@code /status} (a JSON document of the daemon's choosing; the control
 * component lists its data-plane daemons there). Plain HTTP, meant for loopback; not a hot
 * path, so the JDK's HTTP server does, with a virtual thread per exchange.
 */
public final class AdminServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

  private final HttpServer server;
  private final ExecutorService executor;

  private AdminServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** One answer of a daemon's own route. */
  public record Response(int status, String contentType, String body) {

    public Response {
      Objects.requireNonNull(contentType, "contentType");
      Objects.requireNonNull(body, "body");
    }
  }

  /**
   * @param metrics the Prometheus text to serve
   * @param ready   whether {@code /readyz} says ready
   * @param status  the JSON document {@code /status} serves
   */
  public static AdminServer start(InetSocketAddress address, Supplier<String> metrics, BooleanSupplier ready,
      Supplier<String> status) throws IOException {
    return start(address, metrics, ready, status, Map.of());
  }

  /**
   * As {@link #start(InetSocketAddress, Supplier, BooleanSupplier, Supplier)}, with routes of the
   * daemon's own (GET and HEAD; a route of {@code /healthz} replaces the plain {@code ok}).
   */
  public static AdminServer start(InetSocketAddress address, Supplier<String> metrics, BooleanSupplier ready,
      Supplier<String> status, Map<String, Supplier<Response>> routes) throws IOException {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(routes, "routes");
    HttpServer server;
    try {
      server = HttpServer.create(address, 16);
    } catch (IOException e) {
      throw new IOException("cannot serve the admin port on " + address + ": " + e.getMessage(), e);
    }
    // A thread per exchange: the JDK's server reads the request on the executor, so with one thread a
    // client that sends half a request would hold /healthz and /metrics for everyone else.
    ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("gantry-admin-http-", 0)
        .factory());
    server.setExecutor(executor);
    server.createContext("/metrics", exchange -> reply(exchange, 200, "text/plain; version=0.0.4; charset=utf-8",
        metrics.get()));
    if (!routes.containsKey("/healthz")) {
      server.createContext("/healthz", exchange -> reply(exchange, 200, "text/plain; charset=utf-8", "ok\n"));
    }
    routes.forEach((path, route) -> server.createContext(path, exchange -> {
      Response answer = route.get();
      reply(exchange, answer.status(), answer.contentType(), answer.body());
    }));
    server.createContext("/readyz", exchange -> {
      boolean isReady = ready.getAsBoolean();
      reply(exchange, isReady ? 200 : 503, "text/plain; charset=utf-8", isReady ? "ok\n" : "not ready\n");
    });
    server.createContext("/status", exchange -> reply(exchange, 200, "application/json", status.get()));
    server.start();
    AdminServer admin = new AdminServer(server, executor);
    log.info("admin endpoints (/metrics, /healthz, /readyz, /status) on http://{}:{}",
        admin.localAddress().getHostString(), admin.localAddress().getPort());
    return admin;
  }

  private static void reply(HttpExchange exchange, int code, String contentType, String body) throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
        byte[] bytes = "method not allowed (expected: GET)\n".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(405, bytes.length);
        exchange.getResponseBody().write(bytes);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", contentType);
      boolean head = exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(code, head ? -1 : bytes.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    } catch (RuntimeException e) {
      log.warn("admin request {} failed: {}", exchange.getRequestURI(), e.toString());
      throw e;
    }
  }

  public InetSocketAddress localAddress() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
