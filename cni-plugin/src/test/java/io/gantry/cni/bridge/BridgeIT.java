package io.gantry.cni.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gantry.cni.CniProcessAccess;
import io.gantry.cni.CniProcessAccess.Result;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bridge mode end to end (root only): two test namespaces on a test bridge, addresses only in
 * 10.99.x (or {@code GANTRY_TEST_NET}.x, for machines shared with other test runs) inside them and
 * on the test bridge, a TCP connection from one pod to the other, CHECK, DEL and GC. Every namespace
 * and link created here is removed in {@link #cleanUp}.
 */
class BridgeIT {
  static final String NET = System.getenv().getOrDefault("GANTRY_TEST_NET", "10.99");
  @TempDir Path temp;
  final String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
  final String bridge = "gcnt" + suffix;
  final List<String> namespaces = new ArrayList<>();

  @BeforeEach
  void requireRoot() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")),
        "bridge mode needs root (network namespaces, links): skipped as " + System.getProperty("user.name"));
    assumeTrue(IpTool.find("ip") != null && IpTool.find("nsenter") != null,
        "bridge mode needs ip (iproute2) and nsenter (util-linux): skipped, not installed");
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (String ns : namespaces) {
      sh("ip", "netns", "del", ns);
    }
    sh("ip", "link", "del", bridge);
  }

  String netns(String name) throws Exception {
    String ns = "gantry-cni-test-" + suffix + "-" + name;
    namespaces.add(ns);
    assertEquals(0, sh("ip", "netns", "add", ns));
    return "/var/run/netns/" + ns;
  }

  String conf(String extra) {
    return "{\"cniVersion\":\"1.1.0\",\"name\":\"bridgetest\",\"type\":\"gantry-cni\",\"bridge\":\"" + bridge + "\","
        + "\"isDefaultGateway\":true,"
        + "\"ipam\":{\"dataDir\":\"" + temp.resolve("data") + "\",\"ranges\":[[{\"subnet\":\"" + NET + ".0.0/24\"}]]}"
        + extra + "}";
  }

  static int sh(String... argv) throws Exception {
    Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
    process.getInputStream().readAllBytes();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), String.join(" ", argv));
    return process.exitValue();
  }

  static String sysfs(String link, String attribute) throws Exception {
    return Files.readString(Path.of("/sys/class/net", link, attribute), StandardCharsets.UTF_8).strip();
  }

  @Test
  @SuppressWarnings("unchecked")
  void addWiresTwoPodsThatTalkAcrossTheBridgeThenCheckDelAndGc() throws Exception {
    String nsA = netns("a");
    String nsB = netns("b");
    String conf = conf(",\"mtu\":1400,\"hairpinMode\":true");
    Result a = CniProcessAccess.run("ADD", "pod-a", nsA, "eth0", conf).ok();
    Result b = CniProcessAccess.run("ADD", "pod-b", nsB, "eth0", conf).ok();

    Map<String, Object> result = a.json();
    List<Map<String, Object>> interfaces = (List<Map<String, Object>>) result.get("interfaces");
    assertEquals(bridge, interfaces.get(0).get("name"));
    String hostVeth = BridgePlugin.hostVethName("pod-a", "eth0");
    assertEquals(hostVeth, interfaces.get(1).get("name"));
    assertEquals(Map.of("name", "eth0", "mac", interfaces.get(2).get("mac"), "mtu", 1400L, "sandbox", nsA),
        interfaces.get(2));
    List<Map<String, Object>> ips = (List<Map<String, Object>>) result.get("ips");
    assertEquals(Map.of("address", NET + ".0.2/24", "gateway", NET + ".0.1", "interface", 2L), ips.get(0));
    assertEquals(List.of(Map.of("dst", "0.0.0.0/0", "gw", NET + ".0.1")), result.get("routes"));

    assertEquals(bridge, Files.readSymbolicLink(Path.of("/sys/class/net", hostVeth, "master")).getFileName()
        .toString());
    assertEquals("1400", sysfs(hostVeth, "mtu"));
    assertEquals("1", sysfs(hostVeth, "brport/hairpin_mode"));

    // A TCP connection from pod A to pod B's address across the bridge (a bash /dev/tcp client, and
    // a listener of the test's own JDK inside B).
    Path listener = temp.resolve("Listen.java");
    Files.writeString(listener, "public class Listen { public static void main(String[] a) throws Exception {"
        + " try (var s = new java.net.ServerSocket(7777, 1, java.net.InetAddress.getByName(a[0]))) {"
        + " System.out.println(\"listening\"); System.out.flush();"
        + " s.setSoTimeout(20000); try (var c = s.accept()) { c.getOutputStream().write(\"hello-from-b\\n\".getBytes()); } } } }");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process server = new ProcessBuilder("ip", "netns", "exec", nsB.substring(nsB.lastIndexOf('/') + 1),
        java, listener.toString(), NET + ".0.3").redirectErrorStream(true).start();
    try {
      byte[] ready = server.getInputStream().readNBytes("listening\n".length());
      assertEquals("listening\n", new String(ready, StandardCharsets.UTF_8));
      Process client = new ProcessBuilder("ip", "netns", "exec", nsA.substring(nsA.lastIndexOf('/') + 1),
          "timeout", "10", "bash", "-c", "exec 3<>/dev/tcp/" + NET + ".0.3/7777; cat <&3").redirectErrorStream(true)
          .start();
      String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(client.waitFor(15, TimeUnit.SECONDS));
      assertEquals("hello-from-b", answer.strip());
    } finally {
      server.destroyForcibly();
      server.waitFor(10, TimeUnit.SECONDS);
    }

    // CHECK against prevResult, then after breaking the pod's address.
    String withPrev = conf.substring(0, conf.length() - 1) + ",\"prevResult\":" + a.stdout() + "}";
    CniProcessAccess.run("CHECK", "pod-a", nsA, "eth0", withPrev).ok();
    assertEquals(0, sh("nsenter", "--net=" + nsA, "ip", "addr", "del", NET + ".0.2/24", "dev", "eth0"));
    Result broken = CniProcessAccess.run("CHECK", "pod-a", nsA, "eth0", withPrev);
    assertEquals(102, broken.code());
    assertTrue(broken.msg().contains(NET + ".0.2/24"), broken.msg());

    // DEL removes the veth and the address; a second DEL succeeds; DEL after the netns is gone too.
    CniProcessAccess.run("DEL", "pod-a", nsA, "eth0", withPrev).ok();
    assertFalse(Files.exists(Path.of("/sys/class/net", hostVeth)));
    assertFalse(Files.exists(temp.resolve("data/bridgetest/" + NET + ".0.2")));
    CniProcessAccess.run("DEL", "pod-a", nsA, "eth0", withPrev).ok();
    assertEquals(0, sh("ip", "netns", "del", nsB.substring(nsB.lastIndexOf('/') + 1)));
    namespaces.remove(nsB.substring(nsB.lastIndexOf('/') + 1));
    CniProcessAccess.run("DEL", "pod-b", nsB, "eth0", conf).ok();
    assertFalse(Files.exists(temp.resolve("data/bridgetest/" + NET + ".0.3")));
    assertTrue(b.stdout().contains(NET + ".0.3/24"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void twoAttachmentsInOnePodEachGetTheirDefaultRoute() throws Exception {
    String ns = netns("a");
    String conf = conf("");
    CniProcessAccess.run("ADD", "pod-a", ns, "eth0", conf).ok();
    Result second = CniProcessAccess.run("ADD", "pod-a", ns, "net1", conf).ok();
    assertEquals(List.of(Map.of("dst", "0.0.0.0/0", "gw", NET + ".0.1")), second.json().get("routes"));
    String name = ns.substring(ns.lastIndexOf('/') + 1);
    Process routes = new ProcessBuilder("ip", "-n", name, "route", "show", "default").start();
    String shown = new String(routes.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, routes.waitFor());
    assertTrue(shown.contains("via " + NET + ".0.1 dev eth0") && shown.contains("via " + NET + ".0.1 dev net1"), shown);
    String withPrev = conf.substring(0, conf.length() - 1) + ",\"prevResult\":" + second.stdout() + "}";
    CniProcessAccess.run("CHECK", "pod-a", ns, "net1", withPrev).ok();
    CniProcessAccess.run("DEL", "pod-a", ns, "net1", conf).ok();
    CniProcessAccess.run("DEL", "pod-a", ns, "eth0", conf).ok();
  }

  @Test
  void gcRemovesLeakedVethsAndAddresses() throws Exception {
    String nsA = netns("a");
    String nsB = netns("b");
    String conf = conf("");
    CniProcessAccess.run("ADD", "keep", nsA, "eth0", conf).ok();
    CniProcessAccess.run("ADD", "leak", nsB, "eth0", conf).ok();
    String gc = conf.substring(0, conf.length() - 1)
        + ",\"cni.dev/valid-attachments\":[{\"containerID\":\"keep\",\"ifname\":\"eth0\"}]}";
    CniProcessAccess.run("GC", null, null, null, gc).ok();
    assertTrue(Files.exists(Path.of("/sys/class/net", BridgePlugin.hostVethName("keep", "eth0"))));
    assertFalse(Files.exists(Path.of("/sys/class/net", BridgePlugin.hostVethName("leak", "eth0"))));
    assertTrue(Files.exists(temp.resolve("data/bridgetest/" + NET + ".0.2")));
    assertFalse(Files.exists(temp.resolve("data/bridgetest/" + NET + ".0.3")));
  }

  @Test
  void aNamespaceOutsideRunNetnsIsEnteredWithNsenter() throws Exception {
    String named = netns("a");
    // The same namespace bind-mounted at a path ip -n cannot name, as runtimes that keep their own
    // namespace files do.
    Path mounted = Files.createFile(temp.resolve("pod-netns"));
    assertEquals(0, sh("mount", "--bind", named, mounted.toString()));
    try {
      assertEquals(null, IpTool.namedNetns(mounted.toString()));
      assertEquals(named.substring(named.lastIndexOf('/') + 1), IpTool.namedNetns(named));
      Result added = CniProcessAccess.run("ADD", "pod-a", mounted.toString(), "eth0", conf("")).ok();
      assertTrue(added.stdout().contains(NET + ".0.2/24"), added.stdout());
      assertEquals(0, sh("ip", "-n", named.substring(named.lastIndexOf('/') + 1), "-4", "addr", "show", "dev", "eth0"));
      CniProcessAccess.run("DEL", "pod-a", mounted.toString(), "eth0", conf("")).ok();
      assertFalse(Files.exists(Path.of("/sys/class/net", BridgePlugin.hostVethName("pod-a", "eth0"))));
      assertFalse(Files.exists(temp.resolve("data/bridgetest/" + NET + ".0.2")));
    } finally {
      sh("umount", mounted.toString());
    }
  }

  @Test
  void aFailedAddUndoesEverything() throws Exception {
    String nsA = netns("a");
    // The pod already has an eth0: the veth peer cannot take the name, so ADD fails and must leave nothing.
    assertEquals(0, sh("nsenter", "--net=" + nsA, "ip", "link", "add", "eth0", "type", "veth", "peer", "name", "eth0p"));
    Result failed = CniProcessAccess.run("ADD", "pod-a", nsA, "eth0", conf(""));
    assertEquals(100, failed.code());
    assertFalse(Files.exists(Path.of("/sys/class/net", BridgePlugin.hostVethName("pod-a", "eth0"))));
    assertFalse(Files.exists(temp.resolve("data/bridgetest/" + NET + ".0.2")));
  }
}
