package io.gantry.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.testing.FreePort;
import io.gantry.testing.GantryProcess;
import io.gantry.testing.Kubectl;
import io.gantry.testing.Poll;
import io.gantry.testing.RawHttps;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code kubectl exec} and {@code kubectl port-forward} through the API server to the node agent
 * ({@code gantry up --network loopback}), with the stock kubectl over both of its transports:
 * WebSocket (its default) and SPDY (its fallback, forced with {@code KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false}
 * and {@code KUBECTL_PORT_FORWARD_WEBSOCKETS=false}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExecPortForwardIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  private static final String PODS = """
      apiVersion: v1
      kind: Pod
      metadata: {name: shell, namespace: streams}
      spec:
        containers:
        - name: main
          image: gantry/probe
          env: [{name: MY_VAR, value: from-the-pod-spec}]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: streams}
      spec:
        containers:
        - name: web
          image: gantry/echo-http
          ports: [{containerPort: 8080}]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: tcp, namespace: streams}
      spec:
        containers:
        - name: tcp
          image: gantry/echo-tcp
          ports: [{containerPort: 9000}]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: localonly, namespace: streams}
      spec:
        containers:
        - name: tcp
          image: gantry/echo-tcp
          env: [{name: POD_IP, value: 127.0.0.1}]
          ports: [{containerPort: 19871}]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: waiting, namespace: streams}
      spec:
        containers:
        - name: main
          image: gantry/probe
          env: [{name: X, valueFrom: {configMapKeyRef: {name: missing, key: x}}}]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: unscheduled, namespace: streams}
      spec:
        nodeSelector: {no-such-label: "true"}
        containers:
        - name: main
          image: gantry/probe
      """;

  private GantryProcess gantry;
  private Kubectl kubectl;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeAll
  void start() {
    gantry = GantryProcess.start("--nodes", "1", "--network", "loopback");
    kubectl = gantry.kubectl();
    Poll.until("node Ready", WAIT, Duration.ofMillis(300),
        () -> kubectl.run("get", "nodes").stdout().contains(" Ready "), () -> kubectl.run("get", "nodes"));
    kubectl.run("create", "namespace", "streams").assertOk();
    kubectl.runWithInput(PODS, "apply", "-f", "-").assertOk();
    for (String pod : List.of("shell", "web", "tcp", "localonly")) {
      Poll.until(pod + " Running", WAIT, Duration.ofMillis(300), () -> "Running".equals(
          kubectl.run("-n", "streams", "get", "pod", pod, "-o", "jsonpath={.status.phase}").stdout()),
          () -> kubectl.run("-n", "streams", "get", "pods"));
    }
  }

  @AfterAll
  void stop() {
    if (gantry != null) {
      gantry.close();
    }
  }

  /** The stock kubectl over WebSocket (false) or forced onto SPDY (true). */
  private Kubectl kubectl(boolean spdy) {
    return spdy ? kubectl.withEnv("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", "false")
        .withEnv("KUBECTL_PORT_FORWARD_WEBSOCKETS", "false") : kubectl;
  }

  /**
   * {@code kubectl run -i --rm} attaches to the new pod: its output after the attach comes through
   * whole (kubectl's fallback without attach read the log once and missed everything later), the
   * client's input reaches a {@code stdin: true} container, and the container's exit code is kubectl's.
   */
  @ParameterizedTest(name = "spdy={0}")
  @ValueSource(booleans = {false, true})
  void runInteractiveAttachesForOutputInputAndTheExitCode(boolean spdy) {
    String pod = spdy ? "attach-spdy" : "attach-ws";
    Kubectl.Result result = kubectl(spdy).runWithInput("from-the-client\n", "-n", "streams", "run", pod, "-i",
        "--rm", "--restart=Never", "--image=busybox", "--command", "--", "sh", "-c",
        "read line; echo got $line; sleep 2; echo later; echo to-stderr >&2; exit 4");
    assertEquals(4, result.exitCode(), result.toString());
    assertTrue(result.stdout().contains("got from-the-client\n"), result.toString());
    assertTrue(result.stdout().contains("later\n"), result.toString());
    assertTrue(result.stdout().contains("to-stderr") || result.stderr().contains("to-stderr"), result.toString());
    assertFalse(result.stderr().contains("falling back to streaming logs"), result.toString());
  }

  /** {@code kubectl attach} to a running pod follows its output until the container ends. */
  @Test
  void attachFollowsARunningContainerUntilItEnds() {
    kubectl.run("-n", "streams", "run", "ticker", "--restart=Never", "--image=busybox", "--command", "--", "sh",
        "-c", "sleep 2; for i in 1 2 3; do echo tick $i; sleep 1; done").assertOk();
    Poll.until("ticker Running", WAIT, Duration.ofMillis(200), () -> "Running".equals(
        kubectl.run("-n", "streams", "get", "pod", "ticker", "-o", "jsonpath={.status.phase}").stdout()),
        () -> kubectl.run("-n", "streams", "get", "pods"));
    Kubectl.Result result = kubectl.run("-n", "streams", "attach", "ticker");
    assertEquals(0, result.exitCode(), result.toString());
    assertTrue(result.stdout().contains("tick 3\n"), result.toString());
    Kubectl.Result missing = kubectl.run("-n", "streams", "attach", "ticker", "-c", "nope");
    assertTrue(missing.exitCode() != 0, missing.toString());
  }

  @ParameterizedTest(name = "spdy={0}")
  @ValueSource(booleans = {false, true})
  void execCarriesStdoutStderrAndTheExitCode(boolean spdy) {
    Kubectl.Result result = kubectl(spdy).run("-n", "streams", "exec", "shell", "--", "sh", "-c",
        "echo out; echo err >&2; exit 3");
    assertEquals(3, result.exitCode(), result.toString());
    assertEquals("out\n", result.stdout(), result.toString());
    assertTrue(result.stderr().startsWith("err\n"), result.toString());
    assertTrue(result.stderr().contains("command terminated with exit code 3"), result.toString());
    kubectl(spdy).run("-n", "streams", "exec", "shell", "--", "true").assertOk();
  }

  @ParameterizedTest(name = "spdy={0}")
  @ValueSource(booleans = {false, true})
  void execPipesStandardInputToItsEnd(boolean spdy) {
    kubectl(spdy).runWithInput("line one\nline two\n", "-n", "streams", "exec", "-i", "shell", "--", "cat")
        .assertOk().assertStdoutContains("line one\nline two\n");
    // a megabyte: the command sees all of it and then the end of its input
    String big = "0123456789abcdef".repeat(65536);
    Kubectl.Result counted = kubectl(spdy).runWithInput(big, "-n", "streams", "exec", "-i", "shell", "--",
        "wc", "-c").assertOk();
    assertEquals(Integer.toString(big.length()), counted.stdout().strip(), counted.toString());
  }

  @Test
  void execSeesThePodsEnvironmentAndBuiltInTools() {
    kubectl.run("-n", "streams", "exec", "shell", "--", "printenv", "MY_VAR").assertOk()
        .assertStdoutContains("from-the-pod-spec");
    JsonNode web = kubectl.run("-n", "streams", "get", "pod", "web", "-o", "json").json();
    JsonNode shell = kubectl.run("-n", "streams", "get", "pod", "shell", "-o", "json").json();
    assertEquals(shell.at("/status/podIP").asText() + "\n",
        kubectl.run("-n", "streams", "exec", "shell", "--", "printenv", "POD_IP").assertOk().stdout());
    String webAddress = web.at("/status/podIP").asText() + ":8080";
    kubectl.run("-n", "streams", "exec", "shell", "--", "probe", "tcp", webAddress).assertOk()
        .assertStdoutContains("connected");
    kubectl.run("-n", "streams", "exec", "shell", "--", "probe", "http", "http://" + webAddress + "/via-exec")
        .assertOk().assertStdoutContains("request: GET /via-exec");
    Kubectl.Result refused = kubectl.run("-n", "streams", "exec", "shell", "--", "probe", "tcp",
        web.at("/status/podIP").asText() + ":1");
    assertEquals(1, refused.exitCode(), refused.toString());
  }

  @Test
  void execErrorsAreKubectls() {
    kubectl.run("-n", "streams", "exec", "shell", "-c", "nope", "--", "true").assertFailed()
        .assertStderrContains("container nope is not valid for pod shell");
    kubectl.run("-n", "streams", "exec", "no-such-pod", "--", "true").assertFailed()
        .assertStderrContains("pods \"no-such-pod\" not found");
    kubectl.run("-n", "streams", "exec", "unscheduled", "--", "true").assertFailed()
        .assertStderrContains("does not have a host assigned");
    Poll.until("waiting pod bound", WAIT, Duration.ofMillis(300), () -> !kubectl.run("-n", "streams", "get", "pod",
        "waiting", "-o", "jsonpath={.spec.nodeName}").stdout().isEmpty(), () -> "");
    kubectl.run("-n", "streams", "exec", "waiting", "--", "true").assertFailed()
        .assertStderrContains("container not found (\"main\")");
    kubectl.run("-n", "streams", "exec", "shell", "--", "/no/such/program").assertFailed()
        .assertStderrContains("exec: \"/no/such/program\": stat /no/such/program: no such file or directory");
    Poll.until("waiting pod's reason", WAIT, Duration.ofMillis(300), () -> kubectl.run("-n", "streams", "get", "pod",
        "waiting", "-o", "jsonpath={.status.containerStatuses[0].state.waiting.reason}").stdout()
        .equals("CreateContainerConfigError"), () -> kubectl.run("-n", "streams", "get", "pod", "waiting", "-o", "yaml"));
    kubectl.run("-n", "streams", "logs", "waiting").assertFailed()
        .assertStderrContains("container \"main\" in pod \"waiting\" is waiting to start: CreateContainerConfigError");
  }

  @Test
  void kubectlCopiesFilesIntoAndOutOfAPodThroughTar() throws Exception {
    Path local = Files.createTempDirectory("gantry-cp");
    try {
      Files.writeString(local.resolve("in.txt"), "copied in\n");
      kubectl.run("-n", "streams", "cp", local.resolve("in.txt").toString(), "shell:cp-in.txt").assertOk();
      kubectl.run("-n", "streams", "exec", "shell", "--", "cat", "cp-in.txt").assertOk().assertStdoutContains(
          "copied in");
      kubectl.run("-n", "streams", "exec", "shell", "--", "sh", "-c", "echo copied out > cp-out.txt").assertOk();
      kubectl.run("-n", "streams", "cp", "shell:cp-out.txt", local.resolve("out.txt").toString()).assertOk();
      assertEquals("copied out\n", Files.readString(local.resolve("out.txt")));
    } finally {
      try (var files = Files.list(local)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(local);
    }
  }

  @ParameterizedTest(name = "spdy={0}")
  @ValueSource(booleans = {false, true})
  void aClientThatGoesAwayTakesItsCommandWithIt(boolean spdy) {
    String marker = Integer.toString(300 + (spdy ? 1 : 0) + new Random().nextInt(500) * 2);
    try (Kubectl.Background exec = kubectl(spdy).start("-n", "streams", "exec", "shell", "--", "sleep", marker)) {
      Poll.until("sleep " + marker + " running under the agent", WAIT, Duration.ofMillis(200),
          () -> sleeper(marker) != null, exec::stderr);
    }
    Poll.until("sleep " + marker + " killed once kubectl is gone", WAIT, Duration.ofMillis(200),
        () -> sleeper(marker) == null, () -> sleeper(marker));
  }

  /** The exec'ed {@code sleep <marker>} among the gantry process's descendants, or null. */
  private ProcessHandle sleeper(String marker) {
    return ProcessHandle.of(gantry.pid()).orElseThrow().descendants()
        .filter(p -> p.info().command().orElse("").endsWith("sleep")
            && List.of(p.info().arguments().orElse(new String[0])).equals(List.of(marker)))
        .findFirst().orElse(null);
  }

  @Test
  void execWithATerminal() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")),
        "util-linux script is needed to give kubectl a terminal");
    // script gives kubectl a pseudo-terminal sized 100x30; kubectl -it passes the size on
    Path binary = kubectl.binary();
    String inner = binary + " --kubeconfig=" + gantry.kubeconfig() + " -n streams exec -it shell -- sh -c "
        + "'tty; stty size; echo term=$TERM; exit 7'";
    Process process = new ProcessBuilder("script", "-qfec", "stty cols 100 rows 30; " + inner, "/dev/null")
        .redirectErrorStream(true).start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), output);
    assertTrue(output.contains("/dev/pts/"), output);
    assertTrue(output.contains("30 100"), output);
    assertTrue(output.contains("term=xterm"), output);
    assertEquals(7, process.exitValue(), output);
  }

  @ParameterizedTest(name = "spdy={0}")
  @ValueSource(booleans = {false, true})
  void execTerminalFollowsTheClientsResizes(boolean spdy) throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/tmux")), "tmux is needed to resize a terminal");
    // a private tmux server: a terminal of 100x30 running kubectl exec -it, then resized to 120x40
    String socket = "gantry-exec-" + ProcessHandle.current().pid() + "-" + spdy;
    String command = (spdy ? "env KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false " : "") + kubectl.binary()
        + " --kubeconfig=" + gantry.kubeconfig() + " -n streams exec -it shell -- sh";
    try {
      tmux(socket, "new-session", "-d", "-s", "exec", "-x", "100", "-y", "30", command);
      Poll.until("a shell prompt", WAIT, Duration.ofMillis(200), () -> tmux(socket, "capture-pane", "-p", "-t", "exec")
          .contains("#"), () -> tmux(socket, "capture-pane", "-p", "-t", "exec"));
      tmux(socket, "send-keys", "-t", "exec", "stty size", "Enter");
      Poll.until("30 100", WAIT, Duration.ofMillis(200), () -> tmux(socket, "capture-pane", "-p", "-t", "exec")
          .contains("30 100"), () -> tmux(socket, "capture-pane", "-p", "-t", "exec"));
      tmux(socket, "resize-window", "-t", "exec", "-x", "120", "-y", "40");
      Poll.until("40 120 after the resize", WAIT, Duration.ofMillis(300), () -> {
        tmux(socket, "send-keys", "-t", "exec", "stty size", "Enter");
        return tmux(socket, "capture-pane", "-p", "-t", "exec").contains("40 120");
      }, () -> tmux(socket, "capture-pane", "-p", "-t", "exec"));
      tmux(socket, "send-keys", "-t", "exec", "exit", "Enter");
    } finally {
      tmux(socket, "kill-server");
    }
  }

  private static String tmux(String socket, String... args) {
    List<String> command = new ArrayList<>(List.of("tmux", "-L", socket));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor(10, TimeUnit.SECONDS);
      return out;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest(name = "spdy={0}")
  @ValueSource(booleans = {false, true})
  void portForwardReachesThePodOverConcurrentConnections(boolean spdy) throws Exception {
    int local = FreePort.find();
    try (Kubectl.Background forward = kubectl(spdy).start("-n", "streams", "port-forward", "pod/web",
        local + ":8080")) {
      forward.awaitStdout(s -> s.contains("Forwarding from 127.0.0.1:" + local), WAIT, "Forwarding from");
      ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
      List<Future<String>> answers = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        String path = "/concurrent-" + i;
        answers.add(pool.submit(() -> http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + local + path))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body()));
      }
      for (int i = 0; i < answers.size(); i++) {
        String body = answers.get(i).get(20, TimeUnit.SECONDS);
        assertTrue(body.startsWith("pod: web\n"), body);
        assertTrue(body.contains("request: GET /concurrent-" + i), body);
      }
      pool.shutdown();
    }
  }

  @ParameterizedTest(name = "spdy={0}")
  @ValueSource(booleans = {false, true})
  void portForwardRelaysBytesBothWaysIntact(boolean spdy) throws Exception {
    int local = FreePort.find();
    try (Kubectl.Background forward = kubectl(spdy).start("-n", "streams", "port-forward", "pod/tcp",
        local + ":9000")) {
      forward.awaitStdout(s -> s.contains("Forwarding from 127.0.0.1:" + local), WAIT, "Forwarding from");
      byte[] sent = new byte[2 << 20];
      new Random(7).nextBytes(sent);
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", local), 5000);
        socket.setSoTimeout(20_000);
        Callable<byte[]> reader = () -> socket.getInputStream().readNBytes(sent.length);
        Future<byte[]> echoed = Executors.newVirtualThreadPerTaskExecutor().submit(reader);
        OutputStream out = socket.getOutputStream();
        out.write(sent);
        out.flush();
        assertArrayEquals(sent, echoed.get(30, TimeUnit.SECONDS));
      }
    }
  }

  @Test
  void portForwardReachesAServerListeningOnTheLocalhostOfItsPod() throws Exception {
    // the upstream e2e "With a server listening on localhost": containerd dials localhost in the pod
    int local = FreePort.find();
    try (Kubectl.Background forward = kubectl.start("-n", "streams", "port-forward", "pod/localonly",
        local + ":19871")) {
      forward.awaitStdout(s -> s.contains("Forwarding from 127.0.0.1:" + local), WAIT, "Forwarding from");
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", local), 5000);
        socket.setSoTimeout(20_000);
        socket.getOutputStream().write("to localhost\n".getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
        assertEquals("to localhost\n", new String(socket.getInputStream().readNBytes(13), StandardCharsets.UTF_8));
      }
    }
  }

  @Test
  void badUpgradeRequestsGetClearErrorsAndHurtNothing() {
    String exec = "/api/v1/namespaces/streams/pods/shell/exec?command=sleep&command=30&stdout=true";
    try (RawHttps raw = RawHttps.connect(gantry)) {
      RawHttps.Response response = raw.send(request("GET", exec, "")).readResponse();
      assertEquals(400, response.status(), response.toString());
      assertTrue(response.body().contains("Upgrade request required"), response.body());
    }
    try (RawHttps raw = RawHttps.connect(gantry)) {
      RawHttps.Response response = raw.send(request("GET", exec,
          "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
              + "dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: v1.unknown\r\n")).readResponse();
      assertNotNull(response);
      assertEquals(403, response.status(), response.toString());
      assertTrue(response.body().contains("unable to negotiate protocol"), response.body());
    }
    try (RawHttps raw = RawHttps.connect(gantry)) {
      RawHttps.Response response = raw.send(request("POST", exec,
          "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
              + "dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: v5.channel.k8s.io\r\n")).readResponse();
      assertNotNull(response, "a WebSocket handshake by POST is answered, not left waiting");
      assertEquals(405, response.status(), response.toString());
    }
    try (RawHttps raw = RawHttps.connect(gantry)) {
      RawHttps.Response response = raw.send(request("POST", "/api/v1/namespaces/streams/pods/shell/exec?stdout=1",
          "Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n"))
          .readResponse();
      assertEquals(400, response.status(), response.toString());
      assertTrue(response.body().contains("at least 1 command"), response.body());
    }
    try (RawHttps raw = RawHttps.connect(gantry)) {
      // a SPDY upgrade followed by bytes that are no SPDY frame: the server hangs up
      byte[] garbage = new byte[64];
      garbage[0] = (byte) 0x80;
      garbage[1] = 3;
      garbage[3] = 1;
      java.util.Arrays.fill(garbage, 4, 8, (byte) 0xff);
      RawHttps.Response response = raw.send(request("POST", exec,
          "Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n"))
          .readHead();
      assertEquals(101, response.status(), response.toString());
      assertEquals("v4.channel.k8s.io", response.headers().get("x-stream-protocol-version"), response.toString());
      raw.trySend(new String(garbage, StandardCharsets.ISO_8859_1));
      assertTrue(raw.closedByServer(), "the server hangs up on bytes that are no SPDY frame");
    }
    // and everything still works
    kubectl.run("-n", "streams", "exec", "shell", "--", "echo", "still", "here").assertOk()
        .assertStdoutContains("still here");
  }

  private String request(String method, String path, String headers) {
    return method + " " + path + " HTTP/1.1\r\nHost: gantry\r\nAuthorization: Bearer " + gantry.token() + "\r\n"
        + headers + "\r\n";
  }
}
