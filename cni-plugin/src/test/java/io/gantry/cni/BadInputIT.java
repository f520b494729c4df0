package io.gantry.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.cni.CniProcess.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad input gets the spec's code, a message naming what is wrong, and changes nothing. */
class BadInputIT {
  @TempDir Path temp;
  Path netns;
  String good;

  @BeforeEach
  void setUp() throws Exception {
    netns = Files.createFile(temp.resolve("netns"));
    good = "{\"cniVersion\":\"1.1.0\",\"name\":\"badnet\",\"type\":\"bridge\",\"ipam\":{\"type\":\"gantry-cni\","
        + "\"dataDir\":\"" + temp.resolve("data") + "\",\"ranges\":[[{\"subnet\":\"10.99.9.0/24\"}]]}}";
    // The good configuration works, so each failure below is down to the one thing changed.
    assertEquals(0, CniProcess.run(CniProcess.env("STATUS", null, null, null), good).exit());
  }

  @AfterEach
  void nothingAllocated() {
    assertFalse(Files.exists(temp.resolve("data/badnet")), "bad input must not allocate anything");
  }

  Outcome add(Map<String, String> env, String conf) throws Exception {
    Outcome outcome = CniProcess.run(env, conf);
    assertTrue(outcome.exit() != 0, "expected failure: " + outcome.stdout());
    // The spec's error object, all four keys, and nothing else on stdout.
    assertEquals(Set.of("cniVersion", "code", "msg", "details"), outcome.json().keySet(), outcome.stdout());
    assertTrue(outcome.json().get("details") instanceof String d && !d.isEmpty(), outcome.stdout());
    assertEquals(1, outcome.stdout().strip().lines().count(), outcome.stdout());
    return outcome;
  }

  Map<String, String> addEnv() {
    return CniProcess.env("ADD", "pod-a", netns.toString(), "eth0");
  }

  @Test
  void missingCommand() throws Exception {
    Map<String, String> env = addEnv();
    env.remove("CNI_COMMAND");
    Outcome outcome = add(env, good);
    assertEquals(4, outcome.code());
    assertTrue(outcome.msg().contains("CNI_COMMAND"), outcome.msg());
  }

  @Test
  void unknownCommand() throws Exception {
    Map<String, String> env = addEnv();
    env.put("CNI_COMMAND", "ATTACH");
    Outcome outcome = add(env, good);
    assertEquals(4, outcome.code());
    assertTrue(outcome.msg().contains("ATTACH"), outcome.msg());
  }

  @Test
  void missingVariablesAreAllNamed() throws Exception {
    Outcome outcome = add(CniProcess.env("ADD", null, null, null), good);
    assertEquals(4, outcome.code());
    for (String name : new String[] {"CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME"}) {
      assertTrue(outcome.msg().contains(name), outcome.msg());
    }
    Outcome older = add(CniProcess.env("ADD", null, null, null), good.replace("1.1.0", "1.0.0"));
    assertEquals(4, older.code());
    assertEquals("1.0.0", older.json().get("cniVersion"), "the error speaks the configuration's version");
  }

  @Test
  void invalidInterfaceAndContainerId() throws Exception {
    Outcome outcome = add(CniProcess.env("ADD", "-bad id", netns.toString(), "eth0/with:slash"), good);
    assertEquals(4, outcome.code());
    assertTrue(outcome.msg().contains("CNI_IFNAME") && outcome.msg().contains("CNI_CONTAINERID"), outcome.msg());
    assertEquals(4, add(CniProcess.env("ADD", "pod-a", netns.toString(), "a-very-long-ifname"), good).code());
  }

  @Test
  void malformedArgs() throws Exception {
    Map<String, String> env = addEnv();
    env.put("CNI_ARGS", "K8S_POD_NAME=x;garbage");
    Outcome outcome = add(env, good);
    assertEquals(4, outcome.code());
    assertTrue(outcome.msg().contains("CNI_ARGS"), outcome.msg());
  }

  @Test
  void unknownVersion() throws Exception {
    Outcome outcome = add(addEnv(), good.replace("1.1.0", "0.2.0"));
    assertEquals(1, outcome.code());
    // libcni's wording, and the spec's error object: cniVersion is the configuration's own value.
    assertEquals("incompatible CNI versions", outcome.msg());
    assertEquals("config is \"0.2.0\", plugin supports [\"0.3.0\" \"0.3.1\" \"0.4.0\" \"1.0.0\" \"1.1.0\"]",
        outcome.json().get("details"));
    assertEquals("0.2.0", outcome.json().get("cniVersion"), "errors carry the configuration's cniVersion");
  }

  @Test
  void missingVersionIsTheOldestVersionAsLibcniReadsIt() throws Exception {
    Outcome missing = add(addEnv(), good.replace("\"cniVersion\":\"1.1.0\",", ""));
    assertEquals(1, missing.code(), "no cniVersion means 0.1.0, which this plugin does not speak");
    assertTrue(String.valueOf(missing.json().get("details")).contains("0.1.0"), missing.stdout());
    assertEquals(6, add(addEnv(), good.replace("\"1.1.0\"", "1.1")).code(), "a number is not a version string");
  }

  @Test
  void networkNameFollowsTheSpecsCharacterRule() throws Exception {
    for (String name : new String[] {"two words", "-dash", ".hidden", "a:b", "caf\u00e9"}) {
      Outcome outcome = add(addEnv(), good.replace("\"badnet\"", "\"" + name + "\""));
      assertEquals(7, outcome.code(), name);
      assertTrue(outcome.msg().startsWith("name: "), outcome.msg());
    }
  }

  @Test
  void bridgeModeRefusesWhatItWouldSilentlyNotDo() throws Exception {
    String bridge = good.replace("\"type\":\"bridge\"", "\"type\":\"gantry-cni\",\"bridge\":\"cqbad0\"");
    try {
      Outcome masq = add(addEnv(), bridge.replace("\"ipam\":", "\"ipMasq\":true,\"ipam\":"));
      assertEquals(2, masq.code(), "the spec's unsupported field, with key and value");
      assertTrue(masq.msg().contains("ipMasq") && masq.msg().contains("true"), masq.msg());
      Outcome delegate = add(addEnv(), bridge.replace("\"type\":\"gantry-cni\",\"dataDir\"",
          "\"type\":\"host-local\",\"dataDir\""));
      assertEquals(2, delegate.code());
      assertTrue(delegate.msg().contains("ipam.type") && delegate.msg().contains("host-local"), delegate.msg());
      for (String option : new String[] {"\"vlan\":100", "\"vlanTrunk\":[{\"id\":5}]", "\"macspoofchk\":true",
          "\"portIsolation\":true"}) {
        Outcome refused = add(addEnv(), bridge.replace("\"ipam\":", option + ",\"ipam\":"));
        assertEquals(2, refused.code(), option);
        assertTrue(refused.msg().contains(option.substring(1, option.indexOf('"', 1))), refused.msg());
      }
      Outcome both = add(addEnv(), bridge.replace("\"ipam\":", "\"hairpinMode\":true,\"promiscMode\":true,\"ipam\":"));
      assertEquals(7, both.code(), "the reference plugin refuses hairpin and promiscuous mode together");
      assertTrue(both.msg().contains("hairpinMode") && both.msg().contains("promiscMode"), both.msg());
      assertFalse(Files.exists(Path.of("/sys/class/net/cqbad0")), "ADD touched the host");
    } finally {
      if (Files.exists(Path.of("/sys/class/net/cqbad0"))) { // only a plugin that went ahead creates it
        new ProcessBuilder("ip", "link", "del", "cqbad0").inheritIO().start().waitFor();
      }
    }
  }

  @Test
  void malformedJson() throws Exception {
    Outcome outcome = add(addEnv(), "{\"cniVersion\": \"1.1.0\", \"name\": ");
    assertEquals(6, outcome.code());
    assertTrue(outcome.msg().contains("not valid JSON"), outcome.msg());
    assertEquals(6, add(addEnv(), "[1, 2]").code());
    assertEquals(6, add(addEnv(), "").code());
  }

  @Test
  void missingNetns() throws Exception {
    Path gone = temp.resolve("no-such-netns");
    Outcome outcome = add(CniProcess.env("ADD", "pod-a", gone.toString(), "eth0"), good);
    assertEquals(3, outcome.code());
    assertTrue(outcome.msg().contains(gone.toString()), outcome.msg());
    assertEquals("1.1.0", outcome.json().get("cniVersion"));
  }

  @Test
  void thePluginsOwnNamespaceIsNotAContainers() throws Exception {
    Outcome outcome = add(CniProcess.env("ADD", "pod-a", "/proc/self/ns/net", "eth0"), good);
    assertEquals(4, outcome.code());
    assertTrue(outcome.msg().contains("CNI_NETNS"), outcome.msg());
  }

  @Test
  void invalidNetworkConfig() throws Exception {
    Outcome subnet = add(addEnv(), good.replace("10.99.9.0/24", "10.99.9.0/33"));
    assertEquals(7, subnet.code());
    assertTrue(subnet.msg().contains("ipam.ranges[0][0].subnet"), subnet.msg());
    Outcome tiny = add(addEnv(), good.replace("10.99.9.0/24", "10.99.9.0/31"));
    assertEquals(7, tiny.code());
    assertTrue(tiny.msg().contains("too small"), tiny.msg());
    Outcome start = add(addEnv(), good.replace("\"subnet\":\"10.99.9.0/24\"",
        "\"subnet\":\"10.99.9.0/24\",\"rangeStart\":\"10.98.0.5\""));
    assertEquals(7, start.code());
    assertTrue(start.msg().contains("rangeStart") && start.msg().contains("10.98.0.5"), start.msg());
    assertEquals(7, add(addEnv(), good.replace("\"name\":\"badnet\",", "")).code());
    Outcome noRanges = add(addEnv(), good.replace("\"ranges\"", "\"rangez\""));
    assertEquals(7, noRanges.code());
    assertTrue(noRanges.msg().contains("ipam.ranges"), noRanges.msg());
    Outcome name = add(addEnv(), good.replace("\"badnet\"", "\"../escape\""));
    assertEquals(7, name.code());
    Outcome hostBits = add(addEnv(), good.replace("10.99.9.0/24", "10.99.9.5/24"));
    assertEquals(7, hostBits.code(), "host-local refuses a subnet with host bits set");
    assertTrue(hostBits.msg().contains("host bits") && hostBits.msg().contains("10.99.9.0"), hostBits.msg());
    Outcome dns = add(addEnv(), good.replace("\"ipam\":", "\"dns\":{\"nameservers\":\"10.0.0.10\"},\"ipam\":"));
    assertEquals(7, dns.code(), "the spec's dns.nameservers is a list of strings");
    assertTrue(dns.msg().contains("dns.nameservers"), dns.msg());
    assertEquals(7, add(addEnv(), good.replace("\"ipam\":", "\"dns\":{\"search\":[1]},\"ipam\":")).code());
  }
}
