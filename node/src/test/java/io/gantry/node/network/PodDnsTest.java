package io.gantry.node.network;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The kubelet's resolv.conf rules (pkg/kubelet/network/dns), per DNS policy and dnsConfig. */
class PodDnsTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String NODE = """
      # the node's own
      nameserver 192.168.0.53
      nameserver 192.168.0.54 ; second
      search corp.example lab.example.
      options timeout:2 rotate
      """;

  private static String resolvConf(String spec) throws Exception {
    JsonNode node = YAML.readTree(spec.isEmpty() ? "{}" : spec);
    return PodDns.of(node).resolvConf("demo", "10.96.0.10", "cluster.local", NODE);
  }

  @Test
  void clusterFirstIsTheClusterDnsWithTheNamespaceSearchPathThenTheNodesDomains() throws Exception {
    assertEquals("""
        nameserver 10.96.0.10
        search demo.svc.cluster.local svc.cluster.local cluster.local corp.example lab.example
        options ndots:5
        """, resolvConf(""));
    assertEquals(resolvConf(""), resolvConf("{dnsPolicy: ClusterFirstWithHostNet, hostNetwork: true}"));
  }

  @Test
  void defaultAndHostNetworkClusterFirstAreTheNodes() throws Exception {
    String node = """
        nameserver 192.168.0.53
        nameserver 192.168.0.54
        search corp.example lab.example
        options timeout:2 rotate
        """;
    assertEquals(node, resolvConf("{dnsPolicy: Default}"));
    assertEquals(node, resolvConf("{dnsPolicy: ClusterFirst, hostNetwork: true}"));
  }

  /** The e2e "should support configurable pod DNS nameservers" pod. */
  @Test
  void noneIsDnsConfigAlone() throws Exception {
    assertEquals("""
        nameserver 1.1.1.1
        search resolv.conf.local
        options ndots:2
        """, resolvConf("""
        dnsPolicy: None
        dnsConfig:
          nameservers: [1.1.1.1]
          searches: [resolv.conf.local]
          options: [{name: ndots, value: "2"}]
        """));
  }

  @Test
  void dnsConfigAppendsWithoutDuplicatesAndItsOptionsWinByName() throws Exception {
    assertEquals("""
        nameserver 10.96.0.10
        nameserver 1.2.3.4
        search demo.svc.cluster.local svc.cluster.local cluster.local corp.example lab.example my.dns.search.suffix
        options ndots:2 edns0
        """, resolvConf("""
        dnsConfig:
          nameservers: [1.2.3.4, 10.96.0.10]
          searches: [my.dns.search.suffix, svc.cluster.local]
          options: [{name: ndots, value: "2"}, {name: edns0}]
        """));
  }

  @Test
  void atMostThreeNameserversAndThirtyTwoSearchDomainsAreKept() throws Exception {
    String searches = IntStream.range(0, 40).mapToObj(i -> "d" + i + ".example").collect(Collectors.joining(", "));
    String conf = resolvConf("{dnsPolicy: None, dnsConfig: {nameservers: [1.1.1.1, 1.1.1.2, 1.1.1.3, 1.1.1.4], "
        + "searches: [" + searches + "]}}");
    assertEquals(3, conf.lines().filter(l -> l.startsWith("nameserver ")).count(), conf);
    String search = conf.lines().filter(l -> l.startsWith("search ")).findFirst().orElseThrow();
    assertEquals(32, search.split(" ").length - 1, search);
    assertEquals("d31.example", search.substring(search.lastIndexOf(' ') + 1));
  }
}
