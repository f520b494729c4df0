package io.gantry.node.probe;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.node.PipeThreads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one probe attempt, as the kubelet's probers do: {@code httpGet} succeeds on a status of
 * 200-399 (redirects are not followed), {@code tcpSocket} on an accepted connection, {@code exec}
 * on exit code 0, each within {@code timeoutSeconds}. Stateless.
 */
public final class ProbeRunner {

  private ProbeRunner() {}

  /** The outcome: success and a short message for events and logs. */
  public record Result(boolean success, String message) {}

  public static Result run(ProbeSpec probe, String podIp, JsonNode containerPorts, ProbeSpec.ExecContext exec) {
    try {
      return switch (probe.kind()) {
        case "httpGet" -> http(probe, podIp, containerPorts);
        case "tcpSocket" -> tcp(probe, podIp, containerPorts);
        case "exec" -> exec(probe, exec);
        default -> new Result(false, probe.kind() + " probes are not supported by gantry");
      };
    } catch (IOException e) {
      return new Result(false, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(false, "interrupted");
    }
  }

  private static Result tcp(ProbeSpec probe, String podIp, JsonNode ports) throws IOException {
    String host = probe.handler().path("host").asText(podIp);
    int port = ProbeSpec.port(probe.handler().path("port"), ports);
    try (Socket socket = new Socket()) {
      connect(socket, host, port, (int) probe.timeout().toMillis());
      return new Result(true, "connected to " + host + ":" + port);
    } catch (DialException e) {
      return new Result(false, e.getMessage());
    }
  }

  /** A failed connect in the words of Go's net package, which the kubelet's probe events carry. */
  private static final class DialException extends IOException {
    private static final long serialVersionUID = 1L;

    DialException(String message) {
      super(message);
    }
  }

  private static void connect(Socket socket, String host, int port, int timeoutMillis) throws DialException {
    String address = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    try {
      socket.connect(new InetSocketAddress(host, port), timeoutMillis);
    } catch (SocketTimeoutException e) {
      throw new DialException("dial tcp " + address + ": i/o timeout");
    } catch (ConnectException e) {
      throw new DialException("dial tcp " + address + ": connect: connection refused");
    } catch (NoRouteToHostException e) {
      throw new DialException("dial tcp " + address + ": connect: no route to host");
    } catch (IOException e) {
      throw new DialException("dial tcp " + address + ": " + e.getMessage());
    }
  }

  /** A minimal HTTP/1.1 GET with {@code Connection: close}, so no pooled connection outlives the probe. */
  private static Result http(ProbeSpec probe, String podIp, JsonNode ports) throws IOException {
    JsonNode h = probe.handler();
    if ("HTTPS".equalsIgnoreCase(h.path("scheme").asText("HTTP"))) {
      return new Result(false, "HTTPS probes are not supported by gantry");
    }
    String host = h.path("host").asText(podIp);
    int port = ProbeSpec.port(h.path("port"), ports);
    String path = h.path("path").asText("/");
    if (!path.startsWith("/")) {
      path = "/" + path;
    }
    StringBuilder request = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\n");
    boolean hostHeader = false;
    boolean userAgent = false;
    for (JsonNode header : h.path("httpHeaders")) {
      String name = header.path("name").asText();
      hostHeader |= name.equalsIgnoreCase("host");
      userAgent |= name.equalsIgnoreCase("user-agent");
      request.append(name).append(": ").append(header.path("value").asText()).append("\r\n");
    }
    if (!hostHeader) {
      request.append("Host: ").append(host).append(':').append(port).append("\r\n");
    }
    if (!userAgent) {
      request.append("User-Agent: kube-probe/1.32\r\n");
    }
    request.append("Accept: */*\r\nConnection: close\r\n\r\n");
    int timeout = (int) probe.timeout().toMillis();
    String url = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + path;
    try (Socket socket = new Socket()) {
      try {
        connect(socket, host, port, timeout);
      } catch (DialException e) {
        return new Result(false, "Get \"" + url + "\": " + e.getMessage());
      }
      socket.setSoTimeout(timeout);
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] head = new byte[64];
      int n = 0;
      int r;
      while (n < head.length && (r = in.read(head, n, head.length - n)) > 0) {
        n += r;
        if (new String(head, 0, n, StandardCharsets.ISO_8859_1).contains("\r\n")) {
          break;
        }
      }
      String line = new String(head, 0, n, StandardCharsets.ISO_8859_1);
      String[] parts = line.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].matches("\\d{3}")) {
        return new Result(false, "not an HTTP answer from " + host + ":" + port);
      }
      int status = Integer.parseInt(parts[1]);
      return new Result(status >= 200 && status < 400, "HTTP probe failed with statuscode: " + status);
    } catch (SocketTimeoutException e) {
      return new Result(false, "Get \"" + url + "\": context deadline exceeded (Client.Timeout exceeded while awaiting"
          + " headers)");
    }
  }

  private static Result exec(ProbeSpec probe, ProbeSpec.ExecContext context)
      throws IOException, InterruptedException {
    List<String> command = probe.command();
    if (command.isEmpty()) {
      return new Result(false, "exec probe without a command");
    }
    Process process = context.start(command);
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    Thread drain = PipeThreads.start("exec-probe-output", () -> {
      try (InputStream in = process.getInputStream()) {
        byte[] chunk = new byte[4096];
        int n;
        while ((n = in.read(chunk)) > 0) {
          synchronized (output) {
            output.write(chunk, 0, Math.max(0, Math.min(n, MAX_EXEC_OUTPUT - output.size())));
          }
        }
      } catch (IOException e) {
        // what was read is kept
      }
    });
    if (!process.waitFor(probe.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      drain.interrupt();
      // the kubelet's exec prober: a timeout's message names the command
      return new Result(false, "command \"" + String.join(" ", command) + "\" timed out");
    }
    drain.join(1000); // a child that keeps the pipe open must not hold the result back
    String text;
    synchronized (output) {
      text = output.toString(StandardCharsets.UTF_8);
    }
    // as the kubelet's: the message is the command's output (stdout and stderr, at most 10 KiB)
    return new Result(process.exitValue() == 0, text);
  }

  /** The kubelet's exec prober keeps at most this much of a command's output. */
  private static final int MAX_EXEC_OUTPUT = 10 * 1024;
}
