package io.gantry.dns.zone;

import static io.gantry.dns.DnsTesting.ask;
import static io.gantry.dns.zone.Views.clusterIp;
import static io.gantry.dns.zone.Views.endpoint;
import static io.gantry.dns.zone.Views.endpoints;
import static io.gantry.dns.zone.Views.externalName;
import static io.gantry.dns.zone.Views.headless;
import static io.gantry.dns.zone.Views.pod;
import static io.gantry.dns.zone.Views.port;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.control.api.v1.Endpoint;
import io.gantry.dns.DnsTesting.Rendered;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every record rule of the Kubernetes DNS specification (schema 1.1.0), and the protocol's negative answers. */
class DnsZoneSnapshotTest {

  private static final String SOA = "cluster.local. 5 SOA ns.dns.cluster.local.";

  private final DnsZoneSnapshot zone = DnsZoneSnapshot.build(ZoneConfig.defaults(), 7,
      List.of(
          clusterIp("default", "web", "127.96.0.10", port("http", "TCP", 80), port("dns", "UDP", 53), port("", "TCP", 9)),
          clusterIp("ns2", "api6", "fd00::10"),
          headless("default", "db", false, port("pg", "TCP", 5432)),
          headless("default", "warm", true),
          headless("default", "empty", false),
          headless("default", "cold", false, port("pg", "TCP", 5432)),
          headless("default", "db6", false, port("pg", "TCP", 5432)),
          externalName("default", "ext", "Example.COM")),
      List.of(
          endpoints("default", "db",
              endpoint("127.244.0.5", "db-0", true, "pg", 5432),
              endpoint("127.244.0.6", "", true, "pg", 5433),
              endpoint("127.244.0.7", "db-2", false, "pg", 5432)),
          endpoints("default", "warm", endpoint("127.244.0.9", "", false, null, 0)),
          endpoints("default", "cold", endpoint("127.244.0.8", "cold-0", false, "pg", 5432)),
          endpoints("default", "db6", endpoint("fd00:0:0::1", "", true, "pg", 5432)),
          endpoints("default", "web",
              endpoint("127.244.0.20", "", true, "http", 8080),
              endpoint("127.244.0.21", "web-b", true, "http", 8080),
              endpoint("127.244.0.22", "", false, "http", 8080))),
      List.of(pod("default", "p1", "127.244.1.4")));

  @Test
  void clusterIpServiceHasAnARecordWithTheConfiguredTtl() {
    Rendered r = ask(zone, "web.default.svc.cluster.local.", Wire.TYPE_A);
    assertEquals(0, r.rcode());
    assertTrue(r.authoritative());
    assertEquals(List.of("web.default.svc.cluster.local. 5 A 127.96.0.10"), r.answers());
  }

  @Test
  void ipv6ClusterIpIsAnAaaaRecordAndAnIp6ArpaPtr() {
    assertEquals(List.of("api6.ns2.svc.cluster.local. 5 AAAA fd00:0:0:0:0:0:0:10"),
        ask(zone, "api6.ns2.svc.cluster.local.", Wire.TYPE_AAAA).answers());
    String reverse = "0.1." + "0.".repeat(28) + "d.f.ip6.arpa.";
    assertEquals(List.of(reverse + " 5 PTR api6.ns2.svc.cluster.local."), ask(zone, reverse, Wire.TYPE_PTR).answers());
  }

  @Test
  void namedPortsOfClusterIpServicesHaveSrvRecordsTargetingTheService() {
    Rendered r = ask(zone, "_http._tcp.web.default.svc.cluster.local.", Wire.TYPE_SRV);
    assertEquals(List.of("_http._tcp.web.default.svc.cluster.local. 5 SRV 0 100 80 web.default.svc.cluster.local."),
        r.answers());
    assertEquals(List.of("web.default.svc.cluster.local. 5 A 127.96.0.10"), r.additional());
    assertEquals(1, ask(zone, "_dns._udp.web.default.svc.cluster.local.", Wire.TYPE_SRV).answers().size());
  }

  @Test
  void srvOfAnUnnamedPortOrWrongProtocolDoesNotExist() {
    assertEquals(3, ask(zone, "_http._udp.web.default.svc.cluster.local.", Wire.TYPE_SRV).rcode());
    assertEquals(3, ask(zone, "__tcp.web.default.svc.cluster.local.", Wire.TYPE_SRV).rcode());
  }

  @Test
  void clusterIpHasAPtrRecord() {
    assertEquals(List.of("10.0.96.127.in-addr.arpa. 5 PTR web.default.svc.cluster.local."),
        ask(zone, "10.0.96.127.in-addr.arpa.", Wire.TYPE_PTR).answers());
  }

  @Test
  void readyEndpointsOfAClusterIpServiceHaveNamesAndPtrRecordsAsInCoreDns() {
    assertEquals(List.of("127-244-0-20.web.default.svc.cluster.local. 5 A 127.244.0.20"),
        ask(zone, "127-244-0-20.web.default.svc.cluster.local.", Wire.TYPE_A).answers());
    assertEquals(List.of("web-b.web.default.svc.cluster.local. 5 A 127.244.0.21"),
        ask(zone, "web-b.web.default.svc.cluster.local.", Wire.TYPE_A).answers());
    assertEquals(3, ask(zone, "127-244-0-22.web.default.svc.cluster.local.", Wire.TYPE_A).rcode(), "not ready");
    assertEquals(List.of("20.0.244.127.in-addr.arpa. 5 PTR 127-244-0-20.web.default.svc.cluster.local."),
        ask(zone, "20.0.244.127.in-addr.arpa.", Wire.TYPE_PTR).answers());
    // the service's own name still answers with its ClusterIP only
    assertEquals(List.of("web.default.svc.cluster.local. 5 A 127.96.0.10"),
        ask(zone, "web.default.svc.cluster.local.", Wire.TYPE_A).answers());
  }

  @Test
  void aReverseNamesNoDataCarriesTheSoaOfItsArpaTree() {
    // RFC 2308 section 3: the SOA of the zone the name is in, which cluster.local is not
    Rendered v4 = ask(zone, "10.0.96.127.in-addr.arpa.", Wire.TYPE_AAAA);
    assertEquals(0, v4.rcode());
    assertEquals(List.of(), v4.answers());
    assertEquals(List.of(SOA.replace("cluster.local.", "in-addr.arpa.")), v4.authority());
    String reverse6 = "0.1." + "0.".repeat(28) + "d.f.ip6.arpa.";
    assertEquals(List.of(SOA.replace("cluster.local.", "ip6.arpa.")), ask(zone, reverse6, Wire.TYPE_TXT).authority());
  }

  @Test
  void headlessServiceHasOneRecordPerReadyEndpoint() {
    assertEquals(List.of("db.default.svc.cluster.local. 5 A 127.244.0.5", "db.default.svc.cluster.local. 5 A 127.244.0.6"),
        ask(zone, "db.default.svc.cluster.local.", Wire.TYPE_A).answers());
  }

  @Test
  void publishNotReadyAddressesIncludesNotReadyEndpoints() {
    assertEquals(List.of("warm.default.svc.cluster.local. 5 A 127.244.0.9"),
        ask(zone, "warm.default.svc.cluster.local.", Wire.TYPE_A).answers());
  }

  @Test
  void endpointsHaveHostnameRecordsNamedByHostnameOrDashedAddress() {
    assertEquals(List.of("db-0.db.default.svc.cluster.local. 5 A 127.244.0.5"),
        ask(zone, "db-0.db.default.svc.cluster.local.", Wire.TYPE_A).answers());
    assertEquals(List.of("127-244-0-6.db.default.svc.cluster.local. 5 A 127.244.0.6"),
        ask(zone, "127-244-0-6.db.default.svc.cluster.local.", Wire.TYPE_A).answers());
    assertEquals(3, ask(zone, "db-2.db.default.svc.cluster.local.", Wire.TYPE_A).rcode(), "not ready: no record");
  }

  @Test
  void ipv6EndpointNamesUseTheCompressedAddressAsCoreDnsDoes() {
    assertEquals(List.of("fd00--1.db6.default.svc.cluster.local. 5 AAAA fd00:0:0:0:0:0:0:1"),
        ask(zone, "fd00--1.db6.default.svc.cluster.local.", Wire.TYPE_AAAA).answers());
    String reverse = "1." + "0.".repeat(29) + "d.f.ip6.arpa.";
    assertEquals(List.of(reverse + " 5 PTR fd00--1.db6.default.svc.cluster.local."),
        ask(zone, reverse, Wire.TYPE_PTR).answers());
  }

  @Test
  void headlessSrvHasOneRecordPerEndpointTargetingItsHostname() {
    Rendered r = ask(zone, "_pg._tcp.db.default.svc.cluster.local.", Wire.TYPE_SRV);
    // weights as CoreDNS shares them: floor(100 / records) each
    assertEquals(List.of(
        "_pg._tcp.db.default.svc.cluster.local. 5 SRV 0 50 5432 db-0.db.default.svc.cluster.local.",
        "_pg._tcp.db.default.svc.cluster.local. 5 SRV 0 50 5433 127-244-0-6.db.default.svc.cluster.local."),
        r.answers());
    assertEquals(List.of("db-0.db.default.svc.cluster.local. 5 A 127.244.0.5",
        "127-244-0-6.db.default.svc.cluster.local. 5 A 127.244.0.6"), r.additional());
  }

  @Test
  void aSetOfMoreThanAHundredSrvRecordsKeepsWeightOneAsCoreDnsDoes() {
    Endpoint[] many = new Endpoint[101];
    for (int i = 0; i < many.length; i++) {
      many[i] = endpoint("127.244.2." + (i + 1), "", true, "pg", 5432);
    }
    DnsZoneSnapshot big = DnsZoneSnapshot.build(ZoneConfig.defaults(), 1,
        List.of(headless("default", "big", false, port("pg", "TCP", 5432))),
        List.of(endpoints("default", "big", many)), List.of());
    List<String> answers = ask(big, "_pg._tcp.big.default.svc.cluster.local.", Wire.TYPE_SRV).answers();
    assertTrue(answers.size() > 50, "as many as fit the test's buffer: " + answers.size());
    assertTrue(answers.stream().allMatch(a -> a.contains(" SRV 0 1 5432 ")), answers.get(0));
  }

  @Test
  void srvForTheServiceNameItselfListsEveryPortAsCoreDnsDoes() {
    // ports 80, 53 and the unnamed 9, each at the service's own name
    assertEquals(List.of("web.default.svc.cluster.local. 5 SRV 0 33 80 web.default.svc.cluster.local.",
        "web.default.svc.cluster.local. 5 SRV 0 33 53 web.default.svc.cluster.local.",
        "web.default.svc.cluster.local. 5 SRV 0 33 9 web.default.svc.cluster.local."),
        ask(zone, "web.default.svc.cluster.local.", Wire.TYPE_SRV).answers());
    // the named port's own set keeps its weight of 100
    assertEquals(List.of("_http._tcp.web.default.svc.cluster.local. 5 SRV 0 100 80 web.default.svc.cluster.local."),
        ask(zone, "_http._tcp.web.default.svc.cluster.local.", Wire.TYPE_SRV).answers());
    // headless: one per ready endpoint and port, to the endpoint's name
    assertEquals(List.of("db.default.svc.cluster.local. 5 SRV 0 50 5432 db-0.db.default.svc.cluster.local.",
        "db.default.svc.cluster.local. 5 SRV 0 50 5433 127-244-0-6.db.default.svc.cluster.local."),
        ask(zone, "db.default.svc.cluster.local.", Wire.TYPE_SRV).answers());
  }

  @Test
  void endpointAddressesHavePtrRecordsToTheirHostnames() {
    assertEquals(List.of("5.0.244.127.in-addr.arpa. 5 PTR db-0.db.default.svc.cluster.local."),
        ask(zone, "5.0.244.127.in-addr.arpa.", Wire.TYPE_PTR).answers());
  }

  @Test
  void externalNameIsACnameForEveryType() {
    assertEquals(List.of("ext.default.svc.cluster.local. 5 CNAME example.com."),
        ask(zone, "ext.default.svc.cluster.local.", Wire.TYPE_A).answers());
    assertEquals(List.of("ext.default.svc.cluster.local. 5 CNAME example.com."),
        ask(zone, "ext.default.svc.cluster.local.", Wire.TYPE_CNAME).answers());
  }

  @Test
  void dnsVersionRecordCarriesTheSchemaVersion() {
    assertEquals(List.of("dns-version.cluster.local. 5 TXT 1.1.0"),
        ask(zone, "dns-version.cluster.local.", Wire.TYPE_TXT).answers());
  }

  @Test
  void podsHaveDashedAddressRecords() {
    assertEquals(List.of("127-244-1-4.default.pod.cluster.local. 5 A 127.244.1.4"),
        ask(zone, "127-244-1-4.default.pod.cluster.local.", Wire.TYPE_A).answers());
    assertEquals("default", zone.podNamespace("127.244.1.4"));
  }

  @Test
  void everyAddressHasAPodRecordInEveryNamespaceAsTheSpecificationRequires() {
    assertEquals(List.of("1-2-3-4.any.pod.cluster.local. 5 A 1.2.3.4"),
        ask(zone, "1-2-3-4.any.pod.cluster.local.", Wire.TYPE_A).answers());
    assertEquals(List.of("FD00--1.any.pod.cluster.local. 5 AAAA fd00:0:0:0:0:0:0:1"),
        ask(zone, "FD00--1.any.pod.cluster.local.", Wire.TYPE_AAAA).answers());
    Rendered noData = ask(zone, "1-2-3-4.any.pod.cluster.local.", Wire.TYPE_AAAA);
    assertEquals(0, noData.rcode());
    assertEquals(List.of(SOA), noData.authority());
    Rendered namespace = ask(zone, "any.pod.cluster.local.", Wire.TYPE_A);
    assertEquals(0, namespace.rcode(), "a namespace under pod.<zone> is an empty non-terminal");
    assertEquals(List.of(), namespace.answers());
    for (String name : List.of("1-2-3-256.any.pod.cluster.local.", "01-2-3-4.any.pod.cluster.local.",
        "1-2-3.any.pod.cluster.local.", "x.1-2-3-4.any.pod.cluster.local.", "1-2-3-4\\.any.pod.cluster.local.",
        "nope.any.pod.cluster.local.")) {
      assertEquals(3, ask(zone, name, Wire.TYPE_A).rcode(), name);
    }
  }

  @Test
  void aHeadlessServiceWithoutReadyEndpointsDoesNotExist() {
    for (String name : List.of("empty.default.svc.cluster.local.", "cold.default.svc.cluster.local.",
        "cold-0.cold.default.svc.cluster.local.", "_pg._tcp.cold.default.svc.cluster.local.")) {
      Rendered r = ask(zone, name, Wire.TYPE_A);
      assertEquals(3, r.rcode(), name);
      assertEquals(List.of(SOA), r.authority(), name);
    }
  }

  @Test
  void theApexHasAnNsRecordWhoseTargetExists() {
    Rendered ns = ask(zone, "cluster.local.", Wire.TYPE_NS);
    assertEquals(List.of("cluster.local. 5 NS ns.dns.cluster.local."), ns.answers());
    assertEquals(0, ask(zone, "ns.dns.cluster.local.", Wire.TYPE_A).rcode(), "the SOA's MNAME and NS target exist");
    DnsZoneSnapshot withKubeDns = DnsZoneSnapshot.build(ZoneConfig.defaults(), 1,
        List.of(clusterIp("kube-system", "kube-dns", "127.96.0.53")), List.of(), List.of());
    Rendered glued = ask(withKubeDns, "cluster.local.", Wire.TYPE_NS);
    assertEquals(List.of("ns.dns.cluster.local. 5 A 127.96.0.53"), glued.additional());
    assertEquals(List.of("ns.dns.cluster.local. 5 A 127.96.0.53"),
        ask(withKubeDns, "ns.dns.cluster.local.", Wire.TYPE_A).answers());
  }

  @Test
  void missingNamesAreNxdomainWithTheSoaAndNegativeTtl() {
    Rendered r = ask(zone, "nope.default.svc.cluster.local.", Wire.TYPE_A);
    assertEquals(3, r.rcode());
    assertEquals(List.of(), r.answers());
    assertEquals(List.of(SOA), r.authority());
  }

  @Test
  void existingNamesWithoutTheTypeAreNodataWithTheSoa() {
    Rendered r = ask(zone, "web.default.svc.cluster.local.", Wire.TYPE_AAAA);
    assertEquals(0, r.rcode());
    assertEquals(List.of(), r.answers());
    assertEquals(List.of(SOA), r.authority());
  }

  @Test
  void ancestorsOfNamesExist() {
    for (String name : List.of("default.svc.cluster.local.", "svc.cluster.local.", "_tcp.web.default.svc.cluster.local.",
        "default.pod.cluster.local.", "pod.cluster.local.")) {
      Rendered r = ask(zone, name, Wire.TYPE_A);
      assertEquals(0, r.rcode(), name);
      assertEquals(List.of(SOA), r.authority(), name);
    }
  }

  @Test
  void theApexAnswersItsSoa() {
    assertEquals(List.of("cluster.local. 5 SOA ns.dns.cluster.local."),
        ask(zone, "cluster.local.", Wire.TYPE_SOA).answers());
  }

  @Test
  void namesAreCaseInsensitive() {
    Rendered r = ask(zone, "WEB.Default.SVC.cluster.LOCAL.", Wire.TYPE_A);
    assertEquals(List.of("WEB.Default.SVC.cluster.LOCAL. 5 A 127.96.0.10"), r.answers(), "the client's spelling");
  }

  @Test
  void namesOutsideTheZoneAreNotOurs() {
    assertNull(zone.lookup("example.com.", Wire.TYPE_A));
    assertNull(zone.lookup("9.9.9.9.in-addr.arpa.", Wire.TYPE_PTR));
    assertNull(zone.lookup("local.", Wire.TYPE_A));
  }

  @Test
  void ttlsAndZoneAreConfigurable() {
    DnsZoneSnapshot custom = DnsZoneSnapshot.build(new ZoneConfig("Corp.Example.", 30, 10), 1,
        List.of(clusterIp("a", "b", "127.96.0.2")), List.of(), List.of());
    assertEquals(List.of("b.a.svc.corp.example. 30 A 127.96.0.2"),
        ask(custom, "b.a.svc.corp.example.", Wire.TYPE_A).answers());
    assertEquals(List.of("corp.example. 10 SOA ns.dns.corp.example."),
        ask(custom, "x.corp.example.", Wire.TYPE_A).authority());
    assertThrows(IllegalArgumentException.class, () -> new ZoneConfig("", 5, 5));
    assertThrows(IllegalArgumentException.class, () -> new ZoneConfig("cluster.local", -1, 5));
  }

  @Test
  void theDefaultTtlMatchesCoreDnsKubernetesPlugin() {
    assertEquals(5, ZoneConfig.defaults().ttl());
  }

  @Test
  void anyReturnsEveryRecordOfTheName() {
    assertEquals(4, ask(zone, "web.default.svc.cluster.local.", Wire.TYPE_ANY).answers().size(), "A and three SRV");
  }
}
