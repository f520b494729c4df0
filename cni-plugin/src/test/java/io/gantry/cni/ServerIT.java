package io.gantry.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.cni.CniProcess.Outcome;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin's server ({@code gantry-cni --serve}) through the real launcher: calls run there with the
 * answers a process gives, in parallel without a duplicate address; a pointer that leads nowhere, or to
 * a program without the server's token, leaves the call to the launcher's own JVM; a caller without the
 * client token or with a malformed call runs nothing and the server stays up.
 */
class ServerIT {
  private static final Pattern ADDRESS = Pattern.compile("\"address\":\"([0-9.]+)/");
  @TempDir Path temp;
  private ServedPlugin served;

  @AfterEach
  void stop() {
    if (served != null) {
      served.close();
    }
  }

  String conf(String version, Path data, String subnet) {
    return "{\"cniVersion\":\"" + version + "\",\"name\":\"served\",\"type\":\"bridge\",\"ipam\":{\"type\":\"gantry-cni\","
        + "\"dataDir\":\"" + data + "\",\"ranges\":[[{\"subnet\":\"" + subnet + "\"}]]}}";
  }

  Map<String, String> env(String command, String id) throws Exception {
    Path netns = temp.resolve("netns");
    if (Files.notExists(netns)) {
      Files.createFile(netns); // the IPAM mode needs the path to exist only
    }
    return CniProcess.env(command, id, netns.toString(), "eth0");
  }

  /** "PID START-TIME" of this JVM, as a live server's pointer names its process. */
  static String thisProcess() throws Exception {
    String stat = Files.readString(Path.of("/proc/self/stat"));
    return ProcessHandle.current().pid() + " " + stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19];
  }

  static Outcome call(Path launcher, Map<String, String> env, String stdin) throws Exception {
    return CniProcess.finish(CniProcess.start(launcher, env, stdin));
  }

  @Test
  void callsRunInTheServerWithTheAnswersOfAProcess() throws Exception {
    served = ServedPlugin.start(Files.createDirectory(temp.resolve("served")));
    Path plain = Files.createDirectory(temp.resolve("plain"));
    ServedPlugin.copyInstallation(plain);
    int calls = 0;
    for (String[] step : new String[][] {
        {"VERSION", "x", "0.4.0", ""}, {"ADD", "pod-a", "1.1.0", ""}, {"ADD", "pod-a", "1.1.0", ""},
        {"ADD", "pod-b", "0.3.1", ""}, {"DEL", "pod-a", "1.1.0", ""}, {"DEL", "pod-a", "1.1.0", ""},
        {"STATUS", "x", "1.1.0", ""}, {"ADD", "bad id!", "1.1.0", ""}, {"ADD", "pod-c", "0.2.0", ""},
        {"ADD", "pod-c", "1.1.0", "{not json"}, {"", "pod-c", "1.1.0", ""}}) {
      Map<String, String> env = new HashMap<>(env(step[0], step[1]));
      if (step[0].isEmpty()) {
        env.remove("CNI_COMMAND");
      }
      Outcome[] outcomes = new Outcome[2];
      for (int i = 0; i < 2; i++) {
        Path install = i == 0 ? served.dir : plain;
        String stdin = step[3].isEmpty() ? conf(step[2], install.resolveSibling(install.getFileName() + "-data"),
            "10.231.0.0/24") : step[3];
        outcomes[i] = call(install.resolve("gantry-cni"), env, stdin);
      }
      calls++;
      String what = String.join(" ", step);
      assertEquals(outcomes[1].exit(), outcomes[0].exit(), what);
      assertEquals(outcomes[1].stdout().replace("plain-data", "served-data"), outcomes[0].stdout(), what);
    }
    // Backslashes, tabs, newlines and NULs in a variable and on stdin arrive as they were sent; stdin over
    // the 1 MiB limit and a relative netns path are refused as the process refuses them.
    String valid = conf("1.1.0", temp.resolve("odd-data"), "10.231.9.0/24");
    for (String[] odd : new String[][] {
        {"IgnoreUnknown=1;K8S_POD_NAME=a\\b\tc\nd", "x", ""}, {"IgnoreUnknown=1", "{\"cniVersion\":\"1.0.0\",\t\"name\":\"a\\\\b\n", ""},
        {"IgnoreUnknown=1", valid + "\u0000garbage", ""}, {"IgnoreUnknown=1", "\u0000" + valid, ""},
        {"IgnoreUnknown=1", valid + " ".repeat(1 << 20), ""}, {"IgnoreUnknown=1", valid, "relative/netns"}}) {
      Map<String, String> env = new HashMap<>(env("ADD", "odd"));
      env.put("CNI_ARGS", odd[0]);
      if (!odd[2].isEmpty()) {
        env.put("CNI_NETNS", odd[2]);
      }
      Outcome viaServer = call(served.launcher(), env, odd[1]);
      Outcome alone = call(plain.resolve("gantry-cni"), env, odd[1]);
      String what = odd[0] + " " + odd[1].substring(0, Math.min(40, odd[1].length())) + " " + odd[2];
      assertEquals(alone.exit(), viaServer.exit(), what);
      assertEquals(alone.stdout(), viaServer.stdout(), what);
      if (odd[2].isEmpty()) {
        calls++;
      }
    }
    assertEquals(calls, countLines(served.log(), "gantry-cni server: "), "every call ran in the server: "
        + served.log());
    assertTrue(served.log().contains("ADD container=pod-b ifname=eth0 exit=0"), served.log());
    assertTrue(Files.exists(temp.resolve("served-data/served")), "the server's calls allocated in their dataDir");
  }

  @Test
  void parallelAddsThroughTheServerNeverDuplicate() throws Exception {
    served = ServedPlugin.start(Files.createDirectory(temp.resolve("bin")));
    // 10.231.1.0/27 with the gateway .1: 29 addresses for 32 callers, so three find the range exhausted.
    // half of them reach the data directory through a symlink (as /var/run is /run): one lock all the same
    String conf = conf("1.1.0", Files.createDirectory(temp.resolve("data")), "10.231.1.0/27");
    String linked = conf("1.1.0", Files.createSymbolicLink(temp.resolve("link"), temp.resolve("data")), "10.231.1.0/27");
    List<Process> started = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      started.add(CniProcess.start(served.launcher(), env("ADD", "pod-" + i), i % 2 == 0 ? conf : linked));
    }
    Set<String> addresses = new HashSet<>();
    int exhausted = 0;
    for (Process process : started) {
      Outcome outcome = CniProcess.finish(process);
      if (outcome.exit() == 0) {
        Matcher address = ADDRESS.matcher(outcome.stdout());
        assertTrue(address.find(), outcome.stdout());
        assertTrue(addresses.add(address.group(1)), "duplicate " + address.group(1));
      } else {
        assertEquals(101, outcome.code(), outcome.stdout());
        exhausted++;
      }
    }
    assertEquals(29, addresses.size());
    assertEquals(3, exhausted);
    assertEquals(32, countLines(served.log(), "gantry-cni server: ADD "), "all ran in the server");
  }

  @Test
  void aPointerThatLeadsNowhereOrToAStrangerLeavesTheCallToTheJvm() throws Exception {
    Path bin = Files.createDirectory(temp.resolve("bin"));
    ServedPlugin.copyInstallation(bin);
    Path pointer = bin.resolve("gantry-cni.server");
    String conf = conf("1.0.0", temp.resolve("data"), "10.231.2.0/24");
    Files.writeString(pointer, "not a port\n");
    assertEquals("10.231.2.2", address(call(bin.resolve("gantry-cni"), env("ADD", "a"), conf).ok()));
    int closedPort;
    try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closedPort = gone.getLocalPort();
    }
    Files.writeString(pointer, closedPort + " servertoken clienttoken " + thisProcess() + "\n");
    assertEquals("10.231.2.3", address(call(bin.resolve("gantry-cni"), env("ADD", "b"), conf).ok()));
    try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Process gone = new ProcessBuilder("true").start();
      gone.waitFor();
      Files.writeString(pointer, squatter.getLocalPort() + " servertoken clienttoken " + gone.pid() + " 1\n");
      assertEquals("10.231.2.4", address(call(bin.resolve("gantry-cni"), env("ADD", "d"), conf).ok()));
      squatter.setSoTimeout(300);
      assertThrows(java.net.SocketTimeoutException.class, squatter::accept,
          "a pointer whose process is gone is not followed: nobody on its port hears from the launcher");
    }
    try (ServerSocket stranger = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      CompletableFuture<String> heard = CompletableFuture.supplyAsync(() -> {
        try (Socket socket = stranger.accept()) {
          socket.getOutputStream().write("gantry-cni/1 someoneelse\n".getBytes(StandardCharsets.US_ASCII));
          socket.setSoTimeout(30_000);
          return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      Files.writeString(pointer, stranger.getLocalPort() + " servertoken clienttoken " + thisProcess() + "\n");
      assertEquals("10.231.2.5", address(call(bin.resolve("gantry-cni"), env("ADD", "c"), conf).ok()));
      // the one who took a live server's port would have to be root: the launcher sends the client token
      assertEquals("clienttoken\n", heard.get(30, TimeUnit.SECONDS),
          "a program without the server token hears the client token, and no call");
    }
  }

  @Test
  void aServerThatDropsTheCallIsAnErrorNotASecondRun() throws Exception {
    Path bin = Files.createDirectory(temp.resolve("bin"));
    ServedPlugin.copyInstallation(bin);
    try (ServerSocket dropper = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      CompletableFuture<String> request = CompletableFuture.supplyAsync(() -> {
        try (Socket socket = dropper.accept()) {
          socket.getOutputStream().write("gantry-cni/1 servertoken\n".getBytes(StandardCharsets.US_ASCII));
          socket.setSoTimeout(30_000);
          InputStream in = socket.getInputStream();
          StringBuilder seen = new StringBuilder();
          while (!seen.toString().contains("stdin=")) {
            seen.append((char) in.read());
          }
          return seen.toString();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      Files.writeString(bin.resolve("gantry-cni.server"), dropper.getLocalPort() + " servertoken clienttoken "
          + thisProcess() + "\n");
      Map<String, String> env = new HashMap<>(env("ADD", "dropped"));
      env.put("CNI_ARGS", "K8S_POD_NAME=p\nwith-a-newline");
      Outcome outcome = call(bin.resolve("gantry-cni"), env, conf("1.0.0", temp.resolve("data"), "10.231.3.0/24"));
      assertEquals(100, outcome.code(), outcome.stdout());
      assertEquals("1.0.0", outcome.json().get("cniVersion"), "the configuration's version");
      assertTrue(outcome.msg().contains("dropped the call"), outcome.msg());
      String sent = request.get(30, TimeUnit.SECONDS);
      assertTrue(sent.startsWith("clienttoken\nCNI_COMMAND=ADD\t"), sent);
      assertTrue(sent.contains("\tCNI_ARGS=K8S_POD_NAME=p\\nwith-a-newline\t"), "the newline escaped: " + sent);
      assertTrue(sent.contains("\tGANTRY_CNI_NAME=gantry-cni\tstdin="), sent);
      assertFalse(Files.exists(temp.resolve("data")), "the launcher did not run the call a second time");
    }
  }

  @Test
  void withoutTheClientTokenOrWithAMalformedCallNothingRunsAndTheServerStaysUp() throws Exception {
    served = ServedPlugin.start(Files.createDirectory(temp.resolve("bin")));
    String[] pointer = Files.readString(served.pointer()).strip().split(" ");
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(served.pointer())), "only the owner may read the tokens");
    String conf = conf("1.1.0", temp.resolve("data"), "10.231.4.0/24");
    String call = "CNI_COMMAND=ADD\tCNI_CONTAINERID=x\tCNI_NETNS=" + env("ADD", "x").get("CNI_NETNS")
        + "\tCNI_IFNAME=eth0\tstdin=" + conf + "\t\n";
    int port = Integer.parseInt(pointer[0]);
    String greeting = "gantry-cni/1 " + pointer[1] + "\n";
    assertEquals(null, raw(port, "wrong-token", call), "no greeting, so no server token, without the client token");
    assertEquals(greeting, raw(port, pointer[2], "CNI_EVIL=abc\tstdin=\t\n"));
    assertEquals(greeting, raw(port, pointer[2], "CNI_COMMAND=ADD\n"));
    assertFalse(Files.exists(temp.resolve("data")), "nothing ran");
    assertTrue(served.log().contains("refused a caller without the client token"), served.log());
    assertTrue(served.log().contains("unknown variable CNI_EVIL"), served.log());
    assertEquals(greeting + "0\n{\"cniVersion\":\"1.1.0\",\"ips\":[{\"address\":\"10.231.4.2/24\",\"gateway\":\"10.231.4.1\"}]}\n",
        raw(port, pointer[2], call), "the same call with the token");
    assertEquals("10.231.4.3", address(call(served.launcher(), env("ADD", "y"), conf).ok()));
  }

  @Test
  void stoppingTheServerRemovesItsPointerAndCallsRunInTheJvmAgain() throws Exception {
    served = ServedPlugin.start(Files.createDirectory(temp.resolve("bin")));
    served.close();
    assertEquals(143, served.exitValue(), "SIGTERM");
    assertFalse(Files.exists(served.pointer()));
    Outcome version = call(served.launcher(), Map.of("CNI_COMMAND", "VERSION"), "").ok();
    assertTrue(version.stdout().contains("\"supportedVersions\""), version.stdout());
  }

  /**
   * Talks to the server directly: sends {@code token}, then, if it greets, {@code call}. Returns null
   * without a greeting, else the greeting and all the server answered.
   */
  private static String raw(int port, String token, String call) throws Exception {
    try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), port)) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write((token + "\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder greeting = new StringBuilder();
      for (int b = in.read(); b != '\n'; b = in.read()) {
        if (b < 0) {
          return null;
        }
        greeting.append((char) b);
      }
      out.write(call.getBytes(StandardCharsets.UTF_8));
      out.flush();
      return greeting + "\n" + readRest(in);
    }
  }

  private static String readRest(InputStream in) throws Exception {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.net.SocketException reset) {
      return ""; // closed with our bytes unread: the kernel answers with a reset, which is no answer either
    }
  }

  private static String address(Outcome added) {
    Matcher address = ADDRESS.matcher(added.stdout());
    assertTrue(address.find(), added.stdout());
    return address.group(1);
  }

  private static int countLines(String text, String prefix) {
    return (int) text.lines().filter(line -> line.startsWith(prefix) && !line.contains("listening on")).count();
  }
}
