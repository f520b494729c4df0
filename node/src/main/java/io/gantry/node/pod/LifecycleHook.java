package io.gantry.node.pod;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.node.PipeThreads;
import io.gantry.node.probe.ProbeSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One {@code postStart} or {@code preStop} handler of a container, run as the kubelet's
 * {@code handlerRunner} runs it: {@code exec} runs the command with the container's environment
 * and working directory inside the pod's network and fails on a non-zero exit; {@code httpGet}
 * sends a GET to the pod's address (or {@code host}) and fails only when no HTTP answer comes (the
 * status code does not matter); {@code sleep} waits {@code seconds}; {@code tcpSocket}, accepted by
 * the API for compatibility only, fails as an invalid handler.
 *
 * <p>Concurrency: {@link #start} runs the handler on a virtual thread and hands the result to a
 * callback on that thread; {@link Run#cancel} interrupts it, which kills an exec hook's process
 * tree and closes an HTTP hook's socket. The kubelet gives hooks no timeout of their own: a
 * postStart hook ends when it returns or its container stops, a preStop hook when the grace
 * period ends ({@link ContainerStop}).
 */
final class LifecycleHook {

  /** How long an HTTP hook waits to connect; the answer itself may take as long as the hook may run. */
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /** Output of an exec hook kept for the failure message. */
  private static final int MAX_OUTPUT = 4096;

  /** The outcome: null {@code failure} on success, else the message the kubelet logs and reports. */
  record Result(String failure) {
    boolean success() {
      return failure == null;
    }
  }

  /**
   * Where a hook runs.
   *
   * @param podIp      the pod's address, the default host of an HTTP hook
   * @param ports      the container's {@code ports}, for named ports
   * @param env        the container's environment
   * @param workingDir the container's working directory
   * @param prefix     the argv prefix that enters the pod's network
   * @param who        {@code Container "c" in Pod "name_ns(uid)"}, for messages
   */
  record Context(String podIp, JsonNode ports, Map<String, String> env, java.nio.file.Path workingDir,
      List<String> prefix, String who) {}

  /** A hook in flight. */
  static final class Run {
    private final Thread thread;

    private Run(Thread thread) {
      this.thread = thread;
    }

    void cancel() {
      thread.interrupt();
    }

    /** Waits up to {@code timeout} for the hook; true when it finished. */
    boolean await(Duration timeout) throws InterruptedException {
      return thread.join(timeout);
    }
  }

  private LifecycleHook() {}

  static Run start(String threadName, JsonNode handler, Context context, Consumer<Result> done) {
    return new Run(Thread.ofVirtual().name(threadName).start(() -> done.accept(run(handler, context))));
  }

  static Result run(JsonNode handler, Context context) {
    try {
      if (handler.has("exec")) {
        return exec(handler.path("exec"), context);
      }
      if (handler.has("httpGet")) {
        return http(handler.path("httpGet"), context);
      }
      if (handler.has("sleep")) {
        long seconds = handler.path("sleep").path("seconds").asLong(0);
        Thread.sleep(Duration.ofSeconds(Math.max(0, seconds)));
        return new Result(null);
      }
      return new Result("Cannot run handler: invalid handler: " + handler);
    } catch (InterruptedException e) {
      return new Result("lifecycle hook for " + context.who() + " cancelled");
    } catch (IOException | RuntimeException e) {
      String kind = handler.has("exec") ? "Exec" : "HTTP";
      return new Result(kind + " lifecycle hook for " + context.who() + " failed - error: " + e);
    }
  }

  private static Result exec(JsonNode exec, Context context) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    exec.path("command").forEach(c -> command.add(c.asText()));
    if (command.isEmpty()) {
      return new Result("Exec lifecycle hook ([]) for " + context.who() + " failed - error: no command");
    }
    Process process = new ProbeSpec.ExecContext(context.env(), context.workingDir(), context.prefix()).start(command);
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    Thread drain = PipeThreads.start("exec-hook-output", () -> {
      try (InputStream in = process.getInputStream()) {
        byte[] buffer = new byte[4096];
        int n;
        while ((n = in.read(buffer)) > 0) {
          synchronized (output) {
            output.write(buffer, 0, Math.min(n, Math.max(0, MAX_OUTPUT - output.size())));
          }
        }
      } catch (IOException e) {
        // the output is for the message only
      }
    });
    int exit;
    try {
      exit = process.waitFor();
    } finally {
      if (process.isAlive()) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.onExit().completeOnTimeout(process, 2, TimeUnit.SECONDS).join(); // reaped before we report
      }
    }
    drain.join(Duration.ofSeconds(1));
    if (exit == 0) {
      return new Result(null);
    }
    String text;
    synchronized (output) {
      text = output.toString(StandardCharsets.UTF_8);
    }
    return new Result("Exec lifecycle hook (" + command + ") for " + context.who() + " failed - error: command '"
        + String.join(" ", command) + "' exited with " + exit + ": , message: \"" + text + "\"");
  }

  private static Result http(JsonNode get, Context context) throws IOException {
    String host = get.path("host").asText("");
    if (host.isEmpty()) {
      host = context.podIp();
    }
    int port = get.path("port").asText("").isEmpty() ? 80 : ProbeSpec.port(get.path("port"), context.ports());
    if (port <= 0) {
      throw new IOException("couldn't find port: " + get.path("port").asText() + " in the container's ports");
    }
    String path = get.path("path").asText("");
    if (!path.startsWith("/")) {
      path = "/" + path;
    }
    StringBuilder request = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\n");
    boolean hostHeader = false;
    for (JsonNode header : get.path("httpHeaders")) {
      String name = header.path("name").asText();
      hostHeader |= name.equalsIgnoreCase("host");
      request.append(name).append(": ").append(header.path("value").asText()).append("\r\n");
    }
    if (!hostHeader) {
      request.append("Host: ").append(host.contains(":") ? "[" + host + "]" : host).append(':').append(port)
          .append("\r\n");
    }
    request.append("User-Agent: kube-lifecycle/1.32\r\nAccept: */*\r\nConnection: close\r\n\r\n");
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), (int) CONNECT_TIMEOUT.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      byte[] head = new byte[16];
      int n = 0;
      int r;
      InputStream in = socket.getInputStream();
      while (n < head.length && (r = in.read(head, n, head.length - n)) > 0) {
        n += r;
      }
      if (!new String(head, 0, n, StandardCharsets.ISO_8859_1).startsWith("HTTP/")) {
        throw new IOException("no HTTP answer from " + host + ":" + port);
      }
      return new Result(null);
    }
  }
}
