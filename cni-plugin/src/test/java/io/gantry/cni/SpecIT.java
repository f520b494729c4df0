package io.gantry.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.cni.CniProcess.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the spec or host-local, run side by side on the same input, prescribe what the plugin answers:
 * VERSION, static IP requests, how {@code subnet}, {@code ranges} and {@code ipRanges} combine,
 * {@code resolvConf}. IPAM mode, so no root is needed.
 */
class SpecIT {
  @TempDir Path temp;
  Path netns;

  @BeforeEach
  void netns() throws Exception {
    netns = Files.createFile(temp.resolve("netns"));
  }

  String conf(String ipam, String extra) {
    return "{\"cniVersion\":\"1.0.0\",\"name\":\"specnet\",\"type\":\"bridge\",\"ipam\":{\"type\":\"gantry-cni\","
        + "\"dataDir\":\"" + temp.resolve("data") + "\"," + ipam + "}" + extra + "}";
  }

  Outcome add(String id, String conf, String cniArgs) throws Exception {
    Map<String, String> env = CniProcess.env("ADD", id, netns.toString(), "eth0");
    if (cniArgs != null) {
      env.put("CNI_ARGS", cniArgs);
    }
    return CniProcess.run(env, conf);
  }

  @SuppressWarnings("unchecked")
  static List<String> addresses(Outcome added) {
    return ((List<Map<String, Object>>) added.json().get("ips")).stream().map(ip -> (String) ip.get("address"))
        .toList();
  }

  @Test
  void versionEchoesTheInputVersionAndNeverFailsOnStdin() throws Exception {
    Map<String, String> env = CniProcess.env("VERSION", null, null, null);
    assertEquals("1.0.0", CniProcess.run(env, "{\"cniVersion\":\"1.0.0\"}").ok().json().get("cniVersion"));
    assertEquals("0.4.0", CniProcess.run(env, "{\"cniVersion\":\"0.4.0\"}").ok().json().get("cniVersion"),
        "the spec: the value of cniVersion specified on input");
    // As the reference plugins: stdin is not needed to answer VERSION.
    Outcome garbage = CniProcess.run(env, "not json").ok();
    assertEquals("1.1.0", garbage.json().get("cniVersion"));
    assertEquals(List.of("0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"), garbage.json().get("supportedVersions"));
    assertEquals("1.1.0", CniProcess.run(env, "").ok().json().get("cniVersion"));
    // VERSION needs only CNI_COMMAND: a malformed CNI_ARGS is not its concern
    env.put("CNI_ARGS", "FOO");
    assertEquals("1.0.0", CniProcess.run(env, "{\"cniVersion\":\"1.0.0\"}").ok().json().get("cniVersion"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void olderConfigurationVersionsGetResultsInTheirOwnFormat() throws Exception {
    String ipam = "\"ranges\":[[{\"subnet\":\"10.99.63.0/24\"}],[{\"subnet\":\"fd00:99:63::/120\"}]]";
    String v040 = conf(ipam, "").replace("\"1.0.0\"", "\"0.4.0\"");
    Outcome added = add("pod-a", v040, null).ok();
    assertEquals("0.4.0", added.json().get("cniVersion"));
    List<Map<String, Object>> ips = (List<Map<String, Object>>) added.json().get("ips");
    assertEquals(List.of("4", "6"), ips.stream().map(ip -> ip.get("version")).toList(), "0.3.0-0.4.0: each IP's version");
    Map<String, String> check = CniProcess.env("CHECK", "pod-a", netns.toString(), "eth0");
    CniProcess.run(check, v040.substring(0, v040.length() - 1) + ",\"prevResult\":" + added.stdout() + "}").ok();
    Map<String, String> del = CniProcess.env("DEL", "pod-a", netns.toString(), "eth0");
    CniProcess.run(del, v040).ok();
    assertFalse(Files.exists(temp.resolve("data/specnet/10.99.63.2")));

    String v031 = conf(ipam, "").replace("\"1.0.0\"", "\"0.3.1\"");
    Outcome old = add("pod-b", v031, null).ok();
    assertEquals("0.3.1", old.json().get("cniVersion"));
    Outcome noCheck = CniProcess.run(CniProcess.env("CHECK", "pod-b", netns.toString(), "eth0"),
        v031.substring(0, v031.length() - 1) + ",\"prevResult\":" + old.stdout() + "}");
    assertEquals(1, noCheck.code(), "CHECK came with 0.4.0");
    assertEquals(1, CniProcess.run(CniProcess.env("GC", null, null, null), v040).code(), "GC came with 1.1.0");
  }

  @Test
  void argsIpsOverrideTheCniArgsIpField() throws Exception {
    // CONVENTIONS.md: given the ips of args, a plugin that understands args ignores CNI_ARGS IP
    String ipam = "\"ranges\":[[{\"subnet\":\"10.99.62.0/24\"}]]";
    assertEquals(List.of("10.99.62.60/24"), addresses(add("pod-a",
        conf(ipam, ",\"args\":{\"cni\":{\"ips\":[\"10.99.62.60\"]}}"), "IgnoreUnknown=1;IP=10.99.62.50").ok()));
    Outcome twoForOneSet = add("pod-b", conf(ipam, ",\"runtimeConfig\":{\"ips\":[\"10.99.62.70\",\"10.99.62.71\"]}"),
        null);
    assertEquals(7, twoForOneSet.code());
    assertTrue(twoForOneSet.msg().contains("10.99.62.71 is a second request"), twoForOneSet.msg());
  }

  @Test
  void staticIpRequestsFromCniArgsArgsAndRuntimeConfig() throws Exception {
    String ipam = "\"ranges\":[[{\"subnet\":\"10.99.60.0/24\"}],[{\"subnet\":\"fd00:99:60::/120\"}]]";
    assertEquals(List.of("10.99.60.50/24", "fd00:99:60::2/120"),
        addresses(add("pod-a", conf(ipam, ""), "IgnoreUnknown=1;IP=10.99.60.50").ok()));
    assertEquals(List.of("10.99.60.51/24", "fd00:99:60::51/120"),
        addresses(add("pod-b", conf(ipam, ",\"args\":{\"cni\":{\"ips\":[\"10.99.60.51\",\"fd00:99:60::51\"]}}"), null)
            .ok()));
    assertEquals(List.of("10.99.60.52/24", "fd00:99:60::3/120"),
        addresses(add("pod-c", conf(ipam, ",\"runtimeConfig\":{\"ips\":[\"10.99.60.52/24\"]}"), null).ok()));
    // Taken, the gateway, or in no range: refused, and nothing of the request stays reserved.
    Outcome taken = add("pod-d", conf(ipam, ""), "IP=10.99.60.50");
    assertEquals(100, taken.code());
    assertTrue(taken.msg().contains("10.99.60.50"), taken.msg());
    assertEquals(7, add("pod-d", conf(ipam, ""), "IP=10.99.60.1").code());
    assertEquals(7, add("pod-d", conf(ipam, ""), "IP=10.99.61.5").code());
    assertEquals(4, add("pod-d", conf(ipam, ""), "IP=nonsense").code());
    assertFalse(Files.exists(temp.resolve("data/specnet/fd00:99:60::4")),
        "the failed requests released what they took");
    assertEquals(List.of("10.99.60.2/24", "fd00:99:60::4/120"), addresses(add("pod-d", conf(ipam, ""), null).ok()));
  }

  @Test
  void subnetRangesAndRuntimeIpRangesCombineAsInHostLocal() throws Exception {
    // host-local: runtimeConfig.ipRanges first, then the old single subnet, then ipam.ranges.
    String ipam = "\"subnet\":\"10.99.62.0/24\",\"ranges\":[[{\"subnet\":\"fd00:99:62::/120\"}]]";
    String runtime = ",\"runtimeConfig\":{\"ipRanges\":[[{\"subnet\":\"10.99.63.0/24\"}]]}";
    assertEquals(List.of("10.99.63.2/24", "10.99.62.2/24", "fd00:99:62::2/120"),
        addresses(add("pod-a", conf(ipam, runtime), null).ok()));
    assertEquals(List.of("10.99.62.3/24", "fd00:99:62::3/120"), addresses(add("pod-b", conf(ipam, ""), null).ok()));
  }

  @Test
  void resolvConfBecomesTheResultsDns() throws Exception {
    Path resolv = Files.writeString(temp.resolve("resolv.conf"), "# test\nnameserver 10.99.64.10\n"
        + "nameserver fd00::10 ; second\ndomain example.test\nsearch a.test b.test\noptions ndots:2 edns0\n");
    String conf = conf("\"subnet\":\"10.99.64.0/24\",\"resolvConf\":\"" + resolv + "\"", "");
    assertEquals(Map.of("nameservers", List.of("10.99.64.10", "fd00::10"), "domain", "example.test",
        "search", List.of("a.test", "b.test"), "options", List.of("ndots:2", "edns0")),
        add("pod-a", conf, null).ok().json().get("dns"));
    Outcome missing = add("pod-b", conf.replace(resolv.toString(), temp.resolve("nope").toString()), null);
    assertEquals(7, missing.code());
    assertTrue(missing.msg().contains("resolvConf"), missing.msg());
  }
}
