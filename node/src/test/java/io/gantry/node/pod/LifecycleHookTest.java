package io.gantry.node.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LifecycleHookTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private LifecycleHook.Context context(Map<String, String> env) throws Exception {
    return new LifecycleHook.Context("127.0.0.1", JSON.readTree("[{\"name\":\"web\",\"containerPort\":1}]"), env, dir,
        List.of(), "Container \"c\" in Pod \"p_ns(uid)\"");
  }

  private static JsonNode handler(String json) throws Exception {
    return JSON.readTree(json);
  }

  @Test
  void execRunsWithTheContainersEnvironmentAndWorkingDirectory() throws Exception {
    LifecycleHook.Result ok = LifecycleHook.run(handler(
        "{\"exec\":{\"command\":[\"/bin/sh\",\"-c\",\"echo $GREETING > hook.out\"]}}"),
        context(Map.of("GREETING", "hello", "PATH", "/usr/bin:/bin")));
    assertTrue(ok.success(), ok.failure());
    assertEquals("hello\n", Files.readString(dir.resolve("hook.out")));

    LifecycleHook.Result failed = LifecycleHook.run(handler(
        "{\"exec\":{\"command\":[\"/bin/sh\",\"-c\",\"echo oops; exit 3\"]}}"), context(Map.of()));
    assertFalse(failed.success());
    assertTrue(failed.failure().startsWith("Exec lifecycle hook ([/bin/sh, -c, echo oops; exit 3]) for Container \"c\""
        + " in Pod \"p_ns(uid)\" failed - error: command '/bin/sh -c echo oops; exit 3' exited with 3"), failed.failure());
    assertTrue(failed.failure().contains("oops"), failed.failure());
  }

  @Test
  void httpGetSucceedsOnAnyHttpAnswerAndFailsWithoutOne() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      CompletableFuture<String> seen = new CompletableFuture<>();
      Thread.ofVirtual().start(() -> {
        try (Socket s = server.accept()) {
          InputStream in = s.getInputStream();
          StringBuilder head = new StringBuilder();
          while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.read());
          }
          seen.complete(head.toString());
          OutputStream out = s.getOutputStream();
          out.write("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
        } catch (Exception e) {
          seen.completeExceptionally(e);
        }
      });
      LifecycleHook.Result ok = LifecycleHook.run(handler("{\"httpGet\":{\"path\":\"hook\",\"port\":" + server.getLocalPort()
          + ",\"httpHeaders\":[{\"name\":\"X-Hook\",\"value\":\"pre\"}]}}"), context(Map.of()));
      assertTrue(ok.success(), ok.failure());
      String request = seen.get(5, TimeUnit.SECONDS);
      assertTrue(request.startsWith("GET /hook HTTP/1.1\r\n"), request);
      assertTrue(request.contains("X-Hook: pre\r\n") && request.contains("User-Agent: kube-lifecycle/"), request);
    }
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    assertFalse(LifecycleHook.run(handler("{\"httpGet\":{\"port\":" + closed + "}}"), context(Map.of())).success());
    LifecycleHook.Result unknownPort = LifecycleHook.run(handler("{\"httpGet\":{\"port\":\"nope\"}}"), context(Map.of()));
    assertTrue(unknownPort.failure().contains("couldn't find port"), unknownPort.failure());
  }

  @Test
  void tcpSocketIsNotAHandlerTheKubeletRuns() throws Exception {
    LifecycleHook.Result result = LifecycleHook.run(handler("{\"tcpSocket\":{\"port\":80}}"), context(Map.of()));
    assertTrue(result.failure().startsWith("Cannot run handler: invalid handler"), result.failure());
  }

  @Test
  void sleepWaitsAndCancellingStopsASleepOrAnExecHook() throws Exception {
    long start = System.nanoTime();
    assertTrue(LifecycleHook.run(handler("{\"sleep\":{\"seconds\":1}}"), context(Map.of())).success());
    assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(990));

    for (String hook : new String[] {"{\"sleep\":{\"seconds\":60}}",
        "{\"exec\":{\"command\":[\"/bin/sh\",\"-c\",\"echo $$ > pid; exec sleep 60\"]}}"}) {
      CompletableFuture<LifecycleHook.Result> done = new CompletableFuture<>();
      LifecycleHook.Run run = LifecycleHook.start("hook", handler(hook), context(Map.of()), done::complete);
      Thread.sleep(300);
      run.cancel();
      assertFalse(done.get(5, TimeUnit.SECONDS).success(), hook);
    }
    long pid = Long.parseLong(Files.readString(dir.resolve("pid")).strip());
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the exec hook's process is killed");
  }

  @Test
  void containerStopRunsThePreStopHookBeforeSigtermAndGivesTwoSecondsAfterAnOverrun() throws Exception {
    Path log = dir.resolve("order");
    Process process = new ProcessBuilder("/bin/sh", "-c",
        "trap 'echo term >> " + log + "; exit 0' TERM; while true; do sleep 0.1; done").start();
    CompletableFuture<Void> done = new CompletableFuture<>();
    CompletableFuture<String> failure = new CompletableFuture<>();
    ContainerStop.start("stop", handler("{\"exec\":{\"command\":[\"/bin/sh\",\"-c\",\"echo pre-stop >> " + log
        + "; exit 1\"]}}"), context(Map.of()), process, Duration.ofSeconds(10), failure::complete,
        () -> done.complete(null));
    done.get(10, TimeUnit.SECONDS);
    assertEquals("pre-stop\nterm\n", Files.readString(log));
    assertTrue(failure.getNow("").startsWith("Exec lifecycle hook"), failure.getNow("none"));

    // a hook longer than the grace period: SIGTERM when the period ends, SIGKILL 2 s later
    Process stubborn = new ProcessBuilder("/bin/sh", "-c", "trap '' TERM; while true; do sleep 0.1; done").start();
    CompletableFuture<Void> killed = new CompletableFuture<>();
    long start = System.nanoTime();
    ContainerStop.start("stop", handler("{\"sleep\":{\"seconds\":30}}"), context(Map.of()), stubborn,
        Duration.ofSeconds(1), f -> { }, () -> killed.complete(null));
    killed.get(10, TimeUnit.SECONDS);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertFalse(stubborn.isAlive());
    assertTrue(millis >= 2900 && millis < 6000, "SIGKILL after the 1 s hook and 2 s more: " + millis + " ms");
  }
}
