package io.gantry.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.cni.CniProcess.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IPAM mode through the executable: allocation, concurrency, exhaustion, DEL, CHECK, GC, STATUS. */
class IpamIT {
  @TempDir Path temp;
  Path netns;

  @BeforeEach
  void netns() throws Exception {
    netns = Files.createFile(temp.resolve("netns")); // IPAM mode only needs the path to exist
  }

  String conf(String ranges, String extra) {
    return "{\"cniVersion\":\"1.1.0\",\"name\":\"testnet\",\"type\":\"bridge\",\"ipam\":{\"type\":\"gantry-cni\","
        + "\"dataDir\":\"" + temp.resolve("data") + "\",\"ranges\":" + ranges
        + ",\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}" + extra + "}";
  }

  Outcome call(String command, String id, String conf) throws Exception {
    return CniProcess.run(CniProcess.env(command, id, netns.toString(), "eth0"), conf);
  }

  static String address(Outcome added) {
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> ips = (List<Map<String, Object>>) added.json().get("ips");
    return (String) ips.get(0).get("address");
  }

  Set<String> allocatedFiles() throws Exception {
    Path dir = temp.resolve("data/testnet");
    if (!Files.isDirectory(dir)) {
      return Set.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      Set<String> names = new HashSet<>();
      files.map(p -> p.getFileName().toString()).filter(n -> Character.isDigit(n.charAt(0))).forEach(names::add);
      return names;
    }
  }

  @Test
  void addReturnsTheAbbreviatedIpamResultAndRepeatsTheSameAddress() throws Exception {
    String conf = conf("[[{\"subnet\":\"10.99.0.0/24\",\"rangeStart\":\"10.99.0.10\",\"rangeEnd\":\"10.99.0.20\"}]]",
        ",\"dns\":{\"nameservers\":[\"10.99.0.1\"],\"vendorKey\":1}");
    Outcome added = call("ADD", "pod-a", conf).ok();
    Map<String, Object> json = added.json();
    assertEquals("1.1.0", json.get("cniVersion"));
    assertEquals("10.99.0.10/24", address(added));
    assertEquals(Map.of("address", "10.99.0.10/24", "gateway", "10.99.0.1"), ((List<?>) json.get("ips")).get(0),
        "no interface index: IPAM plugins do not know interfaces");
    assertEquals(List.of(Map.of("dst", "0.0.0.0/0")), json.get("routes"));
    assertEquals(Map.of("nameservers", List.of("10.99.0.1")), json.get("dns"), "only the spec's dns keys");
    assertFalse(json.containsKey("interfaces"), "an IPAM plugin leaves interfaces to the main plugin");
    assertEquals("10.99.0.10/24", address(call("ADD", "pod-a", conf).ok()), "same owner, same address");
    assertEquals("10.99.0.11/24", address(call("ADD", "pod-b", conf).ok()));
    assertEquals("pod-a\r\neth0", Files.readString(temp.resolve("data/testnet/10.99.0.10")),
        "host-local's on-disk format");
  }

  @Test
  void concurrentAddsFromManyProcessesNeverDuplicateAndExhaustionFailsCleanly() throws Exception {
    // 10.99.1.0/27 with rangeEnd .25: .2-.25 minus nothing = 24 addresses (gateway .1 is outside the range).
    String conf = conf("[[{\"subnet\":\"10.99.1.0/27\",\"rangeStart\":\"10.99.1.2\",\"rangeEnd\":\"10.99.1.25\"}]]", "");
    int processes = 28;
    List<Process> started = new ArrayList<>();
    for (int i = 0; i < processes; i++) {
      started.add(CniProcess.start(CniProcess.env("ADD", "pod-" + i, netns.toString(), "eth0"), conf));
    }
    Set<String> addresses = new HashSet<>();
    int exhausted = 0;
    for (Process process : started) {
      Outcome outcome = CniProcess.finish(process);
      if (outcome.exit() == 0) {
        assertTrue(addresses.add(address(outcome)), "duplicate address " + address(outcome));
      } else {
        assertEquals(101, outcome.code(), outcome.stdout());
        assertTrue(outcome.msg().contains("no free address"), outcome.msg());
        exhausted++;
      }
    }
    assertEquals(24, addresses.size(), "every address of the range handed out exactly once");
    assertEquals(4, exhausted);
    assertEquals(24, allocatedFiles().size());
    for (String address : addresses) {
      assertTrue(address.startsWith("10.99.1.") && address.endsWith("/27"), address);
    }
  }

  @Test
  void delIsIdempotentAndReleases() throws Exception {
    String conf = conf("[[{\"subnet\":\"10.99.2.0/24\"}]]", "");
    String first = address(call("ADD", "pod-a", conf).ok());
    call("DEL", "pod-a", conf).ok();
    assertEquals("", call("DEL", "pod-a", conf).ok().stdout().strip(), "a second DEL succeeds silently");
    assertEquals(Set.of(), allocatedFiles());
    // DEL without CNI_NETNS (the namespace is gone) still releases.
    call("ADD", "pod-b", conf).ok();
    CniProcess.run(CniProcess.env("DEL", "pod-b", null, "eth0"), conf).ok();
    assertEquals(Set.of(), allocatedFiles());
    assertFalse(first.isEmpty());
  }

  @Test
  void delOfAnUnknownNetworkCreatesNothing() throws Exception {
    call("DEL", "pod-a", conf("[[{\"subnet\":\"10.99.3.0/24\"}]]", "")).ok();
    assertFalse(Files.exists(temp.resolve("data")));
  }

  @Test
  void checkVerifiesTheReservationAgainstPrevResult() throws Exception {
    String conf = conf("[[{\"subnet\":\"10.99.4.0/24\"}]]", "");
    Outcome added = call("ADD", "pod-a", conf).ok();
    String withPrev = conf("[[{\"subnet\":\"10.99.4.0/24\"}]]", ",\"prevResult\":" + added.stdout());
    assertEquals("", call("CHECK", "pod-a", withPrev).ok().stdout().strip());
    assertEquals(7, call("CHECK", "pod-a", conf).code(), "CHECK without prevResult");
    call("DEL", "pod-a", withPrev).ok();
    Outcome after = call("CHECK", "pod-a", withPrev);
    assertEquals(102, after.code());
    assertTrue(after.msg().contains("pod-a"), after.msg());
  }

  @Test
  void gcReleasesEverythingNotInEitherSpellingOfValidAttachments() throws Exception {
    String ranges = "[[{\"subnet\":\"10.99.5.0/24\"}]]";
    for (String id : List.of("keep-new", "keep-old", "leaked-1", "leaked-2")) {
      call("ADD", id, conf(ranges, "")).ok();
    }
    String gc = conf(ranges, ",\"cni.dev/valid-attachments\":[{\"containerID\":\"keep-new\",\"ifname\":\"eth0\"}],"
        + "\"cni.dev/attachments\":[{\"containerID\":\"keep-old\",\"ifname\":\"eth0\"},"
        + "{\"containerID\":\"leaked-1\",\"ifname\":\"eth1\"}]");
    Outcome collected = CniProcess.run(CniProcess.env("GC", null, null, null), gc).ok();
    assertEquals("", collected.stdout().strip());
    assertEquals(Set.of("10.99.5.2", "10.99.5.3"), allocatedFiles());
    // GC is a 1.1 command.
    assertEquals(1, CniProcess.run(CniProcess.env("GC", null, null, null), gc.replace("1.1.0", "1.0.0")).code());
  }

  @Test
  void twoRangeSetsGiveOneAddressEachAndRangesFillInOrder() throws Exception {
    String ranges = "[[{\"subnet\":\"10.99.6.0/30\"},{\"subnet\":\"10.99.7.0/24\",\"rangeStart\":\"10.99.7.100\"}],"
        + "[{\"subnet\":\"fd00:99::/120\"}]]";
    Outcome first = call("ADD", "pod-a", conf(ranges, "")).ok();
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> ips = (List<Map<String, Object>>) first.json().get("ips");
    assertEquals("10.99.6.2/30", ips.get(0).get("address"));
    assertEquals("fd00:99::2/120", ips.get(1).get("address"));
    assertEquals("fd00:99::1", ips.get(1).get("gateway"));
    assertEquals("10.99.7.100/24", address(call("ADD", "pod-b", conf(ranges, "")).ok()), "next range of the set");
  }

  @Test
  void statusAndVersion() throws Exception {
    String conf = conf("[[{\"subnet\":\"10.99.8.0/24\"}]]", "");
    assertEquals("", CniProcess.run(CniProcess.env("STATUS", null, null, null), conf).ok().stdout().strip());
    // Under a regular file no directory can ever be created (root can write anywhere else).
    String unwritable = conf.replace(temp.resolve("data").toString(), netns.resolve("data").toString());
    assertEquals(50, CniProcess.run(CniProcess.env("STATUS", null, null, null), unwritable).code());
    // A range with one address: STATUS is ready until it is taken, and again once it is released.
    String one = conf("[[{\"subnet\":\"10.99.8.0/30\"}]]", "");
    assertEquals(0, CniProcess.run(CniProcess.env("STATUS", null, null, null), one).exit());
    assertEquals("10.99.8.2/30", address(call("ADD", "pod-a", one).ok()));
    Outcome exhausted = CniProcess.run(CniProcess.env("STATUS", null, null, null), one);
    assertEquals(50, exhausted.code(), "the spec: a plugin whose addresses are exhausted cannot serve ADD");
    assertTrue(exhausted.msg().contains("no free address left in 10.99.8.1-10.99.8.2"), exhausted.msg());
    call("DEL", "pod-a", one).ok();
    assertEquals(0, CniProcess.run(CniProcess.env("STATUS", null, null, null), one).exit());
    Map<String, Object> version = CniProcess.run(CniProcess.env("VERSION", null, null, null),
        "{\"cniVersion\":\"1.0.0\"}").ok().json();
    assertEquals(List.of("0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"), version.get("supportedVersions"));
    assertEquals("1.0.0", version.get("cniVersion"), "the spec: the value of cniVersion given on input");
  }
}
