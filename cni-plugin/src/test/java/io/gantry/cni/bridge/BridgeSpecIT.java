package io.gantry.cni.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gantry.cni.CniProcessAccess;
import io.gantry.cni.CniProcessAccess.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bridge mode against the spec's ADD rules (root only): an interface that already exists is an error
 * that leaves the attachment as it was, and a {@code prevResult} given to ADD stays in the result.
 * Namespaces {@code cq-*} and bridge {@code cqb*} are removed in {@link #cleanUp}.
 */
class BridgeSpecIT {
  static final String NET = System.getenv().getOrDefault("GANTRY_TEST_NET", "10.99") + ".70";
  @TempDir Path temp;
  final String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
  final String bridge = "cqb" + suffix;
  final List<String> namespaces = new ArrayList<>();

  @BeforeEach
  void requireRoot() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "bridge mode needs root");
    assumeTrue(IpTool.find("ip") != null && IpTool.find("nsenter") != null, "bridge mode needs ip and nsenter");
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (String ns : namespaces) {
      BridgeIT.sh("ip", "netns", "del", ns);
    }
    BridgeIT.sh("ip", "link", "del", bridge);
  }

  String netns(String name) throws Exception {
    String ns = "cq-" + suffix + "-" + name;
    namespaces.add(ns);
    assertEquals(0, BridgeIT.sh("ip", "netns", "add", ns));
    return "/var/run/netns/" + ns;
  }

  /** A gateway bridge giving pods a default route (as the node agent configures it) unless extra says otherwise. */
  String conf(String extra) {
    return bare((extra.contains("isDefaultGateway") ? "" : ",\"isDefaultGateway\":true") + ",\"isGateway\":true"
        + extra);
  }

  /** The reference bridge plugin's defaults: no gateway on the bridge, no default route. */
  String bare(String extra) {
    return "{\"cniVersion\":\"1.1.0\",\"name\":\"bridgespec\",\"type\":\"gantry-cni\",\"bridge\":\"" + bridge + "\","
        + "\"ipam\":{\"dataDir\":\"" + temp.resolve("data") + "\",\"ranges\":[[{\"subnet\":\"" + NET + ".0/24\"}]]}"
        + extra + "}";
  }

  @Test
  void addForAnInterfaceThatExistsFailsAndLeavesTheAttachmentAlone() throws Exception {
    String ns = netns("a");
    Result first = CniProcessAccess.run("ADD", "pod-a", ns, "eth0", conf("")).ok();
    String hostVeth = BridgePlugin.hostVethName("pod-a", "eth0");
    String mac = BridgeIT.sysfs(hostVeth, "address");

    Result again = CniProcessAccess.run("ADD", "pod-a", ns, "eth0", conf(""));
    assertNotEquals(0, again.exit(), "the spec: an interface of the requested name already exists");
    assertTrue(again.msg().contains("eth0") && again.msg().contains("already exists"), again.msg());
    // Nothing was undone: the same veth (same MAC), the address in the pod and in the IPAM store.
    assertEquals(mac, BridgeIT.sysfs(hostVeth, "address"));
    assertEquals(0, BridgeIT.sh("nsenter", "--net=" + ns, "ip", "addr", "show", "dev", "eth0", "to", NET + ".2/32"));
    assertTrue(Files.exists(temp.resolve("data/bridgespec/" + NET + ".2")));
    CniProcessAccess.run("CHECK", "pod-a", ns, "eth0",
        conf(",\"prevResult\":" + first.stdout())).ok();

    // Another interface of the same container is another attachment (without a second default route).
    Result second = CniProcessAccess.run("ADD", "pod-a", ns, "eth1", conf(",\"isDefaultGateway\":false")).ok();
    assertTrue(second.stdout().contains(NET + ".3/24"), second.stdout());
    // DEL twice, and DEL of a container never added, all succeed.
    CniProcessAccess.run("DEL", "pod-a", ns, "eth0", conf("")).ok();
    CniProcessAccess.run("DEL", "pod-a", ns, "eth0", conf("")).ok();
    CniProcessAccess.run("DEL", "never-added", ns, "eth0", conf("")).ok();
    assertFalse(Files.exists(Path.of("/sys/class/net", hostVeth)));
    assertFalse(Files.exists(temp.resolve("data/bridgespec/" + NET + ".2")));
    assertTrue(Files.exists(temp.resolve("data/bridgespec/" + NET + ".3")));
  }

  @Test
  @SuppressWarnings("unchecked")
  void addKeepsAPrevResultInFrontOfItsOwn() throws Exception {
    String ns = netns("a");
    String prev = "{\"cniVersion\":\"1.1.0\",\"interfaces\":[{\"name\":\"dummy0\",\"sandbox\":\"" + ns + "\"}],"
        + "\"ips\":[{\"address\":\"10.99.71.5/24\",\"interface\":0}],\"routes\":[{\"dst\":\"10.99.72.0/24\"}],"
        + "\"dns\":{\"nameservers\":[\"10.99.71.1\"]}}";
    Map<String, Object> result = CniProcessAccess.run("ADD", "pod-a", ns, "eth0", conf(",\"prevResult\":" + prev))
        .ok().json();
    List<Map<String, Object>> interfaces = (List<Map<String, Object>>) result.get("interfaces");
    assertEquals(4, interfaces.size(), result.toString());
    assertEquals(Map.of("name", "dummy0", "sandbox", ns), interfaces.get(0));
    assertEquals(bridge, interfaces.get(1).get("name"));
    assertEquals("eth0", interfaces.get(3).get("name"));
    assertEquals(List.of(Map.of("address", "10.99.71.5/24", "interface", 0L),
        Map.of("address", NET + ".2/24", "gateway", NET + ".1", "interface", 3L)), result.get("ips"));
    assertEquals(List.of(Map.of("dst", "10.99.72.0/24"), Map.of("dst", "0.0.0.0/0", "gw", NET + ".1")),
        result.get("routes"));
    assertEquals(Map.of("nameservers", List.of("10.99.71.1")), result.get("dns"), "no dns of its own: kept");
  }

  @Test
  void ipamRoutesWithoutGwGoViaTheGatewayAsTheSpecsExampleConfigures() throws Exception {
    String ns = netns("a");
    // The spec's example: ipam.routes [{"dst": "0.0.0.0/0"}], here with isDefaultGateway's own default route.
    String conf = conf("").replace("]]}", "]],\"routes\":[{\"dst\":\"0.0.0.0/0\"},{\"dst\":\"10.99.73.0/24\"}]}");
    Result added = CniProcessAccess.run("ADD", "pod-a", ns, "eth0", conf).ok();
    assertEquals(List.of(Map.of("dst", "0.0.0.0/0", "gw", NET + ".1"),
        Map.of("dst", "10.99.73.0/24", "gw", NET + ".1")),
        added.json().get("routes"));
    assertEquals(0, BridgeIT.sh("nsenter", "--net=" + ns, "sh", "-c",
        "ip route show 10.99.73.0/24 | grep -q 'via " + NET + ".1 '"));
    CniProcessAccess.run("CHECK", "pod-a", ns, "eth0", conf.substring(0, conf.length() - 1) + ",\"prevResult\":"
        + added.stdout() + "}").ok();
  }

  @Test
  @SuppressWarnings("unchecked")
  void theMacCapabilityAndCniArgsMacSetThePodInterfacesAddress() throws Exception {
    String ns = netns("a");
    Result fromCapability = CniProcessAccess.run("ADD", "pod-a", ns, "eth0",
        conf(",\"runtimeConfig\":{\"mac\":\"0A:58:0A:63:46:02\"}")).ok();
    List<Map<String, Object>> interfaces = (List<Map<String, Object>>) fromCapability.json().get("interfaces");
    assertEquals("0a:58:0a:63:46:02", interfaces.get(2).get("mac"));
    assertEquals(0, BridgeIT.sh("nsenter", "--net=" + ns, "sh", "-c",
        "ip link show dev eth0 | grep -q 'link/ether 0a:58:0a:63:46:02 '"));
    Result fromArgs = CniProcessAccess.runWithArgs("ADD", "pod-a", ns, "eth1", conf(",\"isDefaultGateway\":false"),
        "IgnoreUnknown=1;MAC=0a:58:0a:63:46:03");
    fromArgs.ok();
    assertTrue(fromArgs.stdout().contains("0a:58:0a:63:46:03"), fromArgs.stdout());
    assertEquals(7, CniProcessAccess.run("ADD", "pod-b", ns, "eth2",
        conf(",\"runtimeConfig\":{\"mac\":\"01:00:5e:00:00:01\"}")).code(), "a multicast MAC");
  }

  @Test
  void delCleansUpEvenWhenItsPrevResultCannotBeRead() throws Exception {
    String ns = netns("a");
    String conf = conf("");
    CniProcessAccess.run("ADD", "pod-a", ns, "eth0", conf).ok();
    String hostVeth = BridgePlugin.hostVethName("pod-a", "eth0");
    // the spec: without a usable prevResult, DEL cleans up as much as it can and succeeds
    String unreadable = conf.substring(0, conf.length() - 1)
        + ",\"prevResult\":{\"cniVersion\":\"1.1.0\",\"interfaces\":{\"name\":\"eth0\"}}}";
    CniProcessAccess.run("DEL", "pod-a", ns, "eth0", unreadable).ok();
    assertFalse(Files.exists(Path.of("/sys/class/net", hostVeth)));
    assertFalse(Files.exists(temp.resolve("data/bridgespec/" + NET + ".2")));
  }

  @Test
  void checkNoticesAMissingIpv6Route() throws Exception {
    String ns = netns("a");
    String conf = conf("").replace("]]}", "],[{\"subnet\":\"fd00:99:70::/64\"}]]}");
    Result added = CniProcessAccess.run("ADD", "pod-a", ns, "eth0", conf).ok();
    assertTrue(added.stdout().contains("\"gw\":\"fd00:99:70::1\""), added.stdout());
    String withPrev = conf.substring(0, conf.length() - 1) + ",\"prevResult\":" + added.stdout() + "}";
    CniProcessAccess.run("CHECK", "pod-a", ns, "eth0", withPrev).ok();
    assertEquals(0, BridgeIT.sh("nsenter", "--net=" + ns, "ip", "-6", "route", "del", "default"));
    Result broken = CniProcessAccess.run("CHECK", "pod-a", ns, "eth0", withPrev);
    assertEquals(102, broken.code(), broken.stdout());
    assertTrue(broken.msg().contains("::/0 via fd00:99:70::1"), broken.msg());
  }

  @Test
  void gcLeavesAnotherNetworksAttachmentsOnTheSameBridgeAlone() throws Exception {
    String nsA = netns("a");
    String nsB = netns("b");
    String ours = conf("");
    String theirs = ours.replace("\"name\":\"bridgespec\"", "\"name\":\"neighbour\"")
        .replace(temp.resolve("data").toString(), temp.resolve("neighbour").toString())
        .replace(NET + ".0/24", NET.substring(0, NET.lastIndexOf('.')) + ".71.0/24");
    CniProcessAccess.run("ADD", "leaked", nsA, "eth0", ours).ok();
    CniProcessAccess.run("ADD", "other-network", nsB, "eth0", theirs).ok();
    String gc = ours.substring(0, ours.length() - 1) + ",\"cni.dev/valid-attachments\":[]}";
    CniProcessAccess.run("GC", null, null, null, gc).ok();
    assertFalse(Files.exists(Path.of("/sys/class/net", BridgePlugin.hostVethName("leaked", "eth0"))));
    assertTrue(Files.exists(Path.of("/sys/class/net", BridgePlugin.hostVethName("other-network", "eth0"))),
        "another network's veth on the same bridge");
    CniProcessAccess.run("DEL", "other-network", nsB, "eth0", theirs).ok();
  }

  @Test
  void theBridgeKeepsItsMacWhilePortsComeAndGo() throws Exception {
    String ns = netns("a");
    CniProcessAccess.run("ADD", "pod-a", ns, "eth0", conf("")).ok();
    assertEquals("3", BridgeIT.sysfs(bridge, "addr_assign_type"), "NET_ADDR_SET, as the reference plugin leaves it");
    String mac = BridgeIT.sysfs(bridge, "address");
    // a port with a lower MAC than any: an unset bridge address would follow it, and back when it goes
    String low = "cql" + suffix;
    try {
      assertEquals(0, BridgeIT.sh("ip", "link", "add", low, "address", "02:00:00:00:00:01", "type", "veth", "peer",
          "name", low + "p"));
      assertEquals(0, BridgeIT.sh("ip", "link", "set", low, "master", bridge, "up"));
      assertEquals(mac, BridgeIT.sysfs(bridge, "address"));
    } finally {
      BridgeIT.sh("ip", "link", "del", low);
    }
    assertEquals(mac, BridgeIT.sysfs(bridge, "address"));
    CniProcessAccess.run("DEL", "pod-a", ns, "eth0", conf("")).ok();
    assertEquals(mac, BridgeIT.sysfs(bridge, "address"), "the gateway's MAC outlives the pods");
  }

  @Test
  @SuppressWarnings("unchecked")
  void withoutIsGatewayThePodIsOnTheBridgesLayerTwoOnlyAsWithTheReferencePlugin() throws Exception {
    String ns = netns("a");
    Result added = CniProcessAccess.run("ADD", "pod-a", ns, "eth0", bare("")).ok();
    assertEquals(Map.of("address", NET + ".2/24", "gateway", NET + ".1", "interface", 2L),
        ((List<Map<String, Object>>) added.json().get("ips")).get(0), "the range's gateway is still named");
    assertFalse(added.json().containsKey("routes"), added.stdout());
    assertEquals(1, BridgeIT.sh("sh", "-c", "ip -4 addr show dev " + bridge + " | grep -q inet"),
        "no address on the bridge");
    assertEquals(1, BridgeIT.sh("nsenter", "--net=" + ns, "sh", "-c", "ip route show default | grep -q ."),
        "no default route in the pod");
    CniProcessAccess.run("DEL", "pod-a", ns, "eth0", bare("")).ok();
  }

  @Test
  void isDefaultGatewayImpliesIsGatewayAndAddsOneDefaultRoutePerFamily() throws Exception {
    String ns = netns("a");
    String twoSets = bare(",\"isDefaultGateway\":true").replace("]]}",
        "],[{\"subnet\":\"" + NET.substring(0, NET.lastIndexOf('.')) + ".71.0/24\"}]]}");
    Result added = CniProcessAccess.run("ADD", "pod-a", ns, "eth0", twoSets).ok();
    assertEquals(List.of(Map.of("dst", "0.0.0.0/0", "gw", NET + ".1")), added.json().get("routes"),
        "the first IPv4 address's gateway only, as the reference plugin adds it");
    assertEquals(0, BridgeIT.sh("sh", "-c", "ip -4 addr show dev " + bridge + " | grep -q 'inet " + NET + ".1/24'"),
        "the gateway on the bridge");
    assertEquals(0, BridgeIT.sh("nsenter", "--net=" + ns, "sh", "-c",
        "test \"$(ip -4 route show default | wc -l)\" = 1"), "one default route in the pod");
    CniProcessAccess.run("DEL", "pod-a", ns, "eth0", twoSets).ok();
  }

  @Test
  void interfaceNamesThatAreIpKeywordsWork() throws Exception {
    String ns = netns("a");
    for (String name : List.of("up", "help", "dev")) {
      Result added = CniProcessAccess.run("ADD", "pod-a", ns, name, conf("")).ok();
      assertTrue(added.stdout().contains("\"name\":\"" + name + "\""), added.stdout());
      assertTrue(Files.exists(Path.of("/sys/class/net", BridgePlugin.hostVethName("pod-a", name))));
      CniProcessAccess.run("DEL", "pod-a", ns, name, conf("")).ok();
      assertFalse(Files.exists(Path.of("/sys/class/net", BridgePlugin.hostVethName("pod-a", name))));
    }
  }

  @Test
  void promiscModePutsTheBridgeInPromiscuousMode() throws Exception {
    String ns = netns("a");
    CniProcessAccess.run("ADD", "pod-a", ns, "eth0", conf(",\"promiscMode\":true")).ok();
    int flags = Integer.decode(BridgeIT.sysfs(bridge, "flags"));
    assertEquals(0x100, flags & 0x100, "IFF_PROMISC in " + Integer.toHexString(flags));
    CniProcessAccess.run("DEL", "pod-a", ns, "eth0", conf(",\"promiscMode\":true")).ok();
  }
}
