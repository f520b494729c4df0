package io.gantry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gantry.testing.Dig;
import io.gantry.testing.DnsProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code gantry dns --manifests DIR} as a real process, asked by the real {@code dig}: every
 * record kind of the specification, negative answers with the SOA, case, TCP, truncation and
 * the retry over TCP, and a change to the folder showing up within a second.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DnsStaticIT {

  private static final int MANY = 80;

  private Path dir;
  private DnsProcess dns;

  @BeforeAll
  void start() throws IOException {
    assumeTrue(Dig.available(), "dig is not installed (Debian package dnsutils; bin/test installs it as root)");
    dir = Files.createTempDirectory("gantry-dns-it-");
    Files.writeString(dir.resolve("shop.yaml"), """
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec:
          clusterIP: 127.96.0.10
          selector: {app: web}
          ports: [{name: http, port: 80, protocol: TCP}, {port: 81}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: ext, namespace: shop}
        spec: {type: ExternalName, externalName: example.org}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: db, namespace: shop}
        spec:
          clusterIP: None
          selector: {app: db}
          ports: [{name: pg, port: 5432}]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: db-abc
          namespace: shop
          labels: {kubernetes.io/service-name: db}
        addressType: IPv4
        ports: [{name: pg, port: 5432, protocol: TCP}]
        endpoints:
        - addresses: [127.244.0.5]
          hostname: db-0
          conditions: {ready: true}
        - addresses: [127.244.0.6]
          conditions: {ready: true}
        - addresses: [127.244.0.7]
          conditions: {ready: false}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: alias, namespace: shop}
        spec: {type: ExternalName, externalName: web.shop.svc.cluster.local}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: idle, namespace: shop}
        spec:
          clusterIP: None
          selector: {app: idle}
          ports: [{name: pg, port: 5432}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: legacy, namespace: shop}
        spec: {clusterIP: None, ports: [{name: pg, port: 5432}]}
        ---
        apiVersion: v1
        kind: Endpoints
        metadata: {name: legacy, namespace: shop}
        subsets:
        - addresses: [{ip: 127.244.3.1, hostname: old-0}]
          notReadyAddresses: [{ip: 127.244.3.2}]
          ports: [{name: pg, port: 5432}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: client, namespace: shop}
        spec: {containers: [{name: c, image: x}]}
        status: {podIP: 127.244.0.9}
        """);
    StringBuilder many = new StringBuilder("""
        apiVersion: v1
        kind: Service
        metadata: {name: many, namespace: shop}
        spec: {clusterIP: None, selector: {app: many}}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: many-1
          namespace: shop
          labels: {kubernetes.io/service-name: many}
        addressType: IPv4
        endpoints:
        """);
    for (int i = 1; i <= MANY; i++) {
      many.append("- addresses: [127.244.2.").append(i).append("]\n");
    }
    Files.writeString(dir.resolve("many.yml"), many.toString());
    dns = DnsProcess.start("--manifests", dir.toString(), "--no-forward");
  }

  @AfterAll
  void stop() throws IOException {
    if (dns != null) {
      dns.close();
    }
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path file : files.sorted((a, b) -> b.compareTo(a)).toList()) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  private Dig.Result dig(String... args) {
    return Dig.query(dns.port(), args);
  }

  @Test
  void clusterIpServiceA() {
    Dig.Result r = dig("web.shop.svc.cluster.local", "A");
    assertEquals("NOERROR", r.status(), r::toString);
    assertTrue(r.flags().contains("aa"), r::toString);
    assertFalse(r.flags().contains("ra"), "--no-forward: no recursion on offer");
    assertEquals(List.of("web.shop.svc.cluster.local. 5 IN A 127.96.0.10"), r.answers(), r::toString);
  }

  @Test
  void srvForNamedPorts() {
    assertEquals(List.of("_http._tcp.web.shop.svc.cluster.local. 5 IN SRV 0 100 80 web.shop.svc.cluster.local."),
        dig("_http._tcp.web.shop.svc.cluster.local", "SRV").answers());
    assertEquals(List.of("web.shop.svc.cluster.local. 5 IN SRV 0 50 80 web.shop.svc.cluster.local.",
        "web.shop.svc.cluster.local. 5 IN SRV 0 50 81 web.shop.svc.cluster.local."),
        dig("web.shop.svc.cluster.local", "SRV").answers(), "every port at the Service's own name, as CoreDNS");
    Dig.Result headless = dig("_pg._tcp.db.shop.svc.cluster.local", "SRV");
    assertEquals(List.of("_pg._tcp.db.shop.svc.cluster.local. 5 IN SRV 0 50 5432 127-244-0-6.db.shop.svc.cluster.local.",
        "_pg._tcp.db.shop.svc.cluster.local. 5 IN SRV 0 50 5432 db-0.db.shop.svc.cluster.local."),
        headless.answers().stream().sorted().toList(), headless::toString);
    assertEquals(2, headless.section("ADDITIONAL").size(), headless::toString);
  }

  @Test
  void aHeadlessServiceWithV1EndpointsIsServedAsItsMirroredSlices() {
    assertEquals(List.of("legacy.shop.svc.cluster.local. 5 IN A 127.244.3.1"), dig("legacy.shop.svc.cluster.local").answers());
    assertEquals(List.of("old-0.legacy.shop.svc.cluster.local. 5 IN A 127.244.3.1"),
        dig("old-0.legacy.shop.svc.cluster.local").answers());
    assertEquals("NXDOMAIN", dig("127-244-3-2.legacy.shop.svc.cluster.local").status(), "not ready");
  }

  @Test
  void headlessServiceAndHostnames() {
    // in any order: the server rotates them per answer, as CoreDNS's loadbalance plugin does
    assertEquals(Set.of("db.shop.svc.cluster.local. 5 IN A 127.244.0.5", "db.shop.svc.cluster.local. 5 IN A 127.244.0.6"),
        Set.copyOf(dig("db.shop.svc.cluster.local").answers()));
    Set<String> firsts = new HashSet<>();
    for (int i = 0; i < 40 && firsts.size() < 2; i++) {
      firsts.add(dig("db.shop.svc.cluster.local").answers().get(0));
    }
    assertEquals(2, firsts.size(), "each address comes first in some answers");
    assertEquals(List.of("db-0.db.shop.svc.cluster.local. 5 IN A 127.244.0.5"),
        dig("db-0.db.shop.svc.cluster.local").answers());
    assertEquals("NXDOMAIN", dig("127-244-0-7.db.shop.svc.cluster.local").status(), "not ready");
  }

  @Test
  void ptrForClusterIpsAndEndpoints() {
    assertEquals(List.of("10.0.96.127.in-addr.arpa. 5 IN PTR web.shop.svc.cluster.local."),
        dig("-x", "127.96.0.10").answers());
    assertEquals(List.of("5.0.244.127.in-addr.arpa. 5 IN PTR db-0.db.shop.svc.cluster.local."),
        dig("-x", "127.244.0.5").answers());
  }

  @Test
  void externalNameIsACname() {
    assertEquals(List.of("ext.shop.svc.cluster.local. 5 IN CNAME example.org."),
        dig("ext.shop.svc.cluster.local").answers());
  }

  @Test
  void nxdomainCarriesTheSoa() {
    Dig.Result r = dig("nope.shop.svc.cluster.local");
    assertEquals("NXDOMAIN", r.status(), r::toString);
    assertEquals(List.of("cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. SERIAL 7200 1800 86400 5"),
        r.section("AUTHORITY").stream().map(soa -> soa.replaceFirst("local\\. \\d+ 7200", "local. SERIAL 7200")).toList(),
        r::toString);
  }

  @Test
  void nodataCarriesTheSoa() {
    Dig.Result r = dig("web.shop.svc.cluster.local", "AAAA");
    assertEquals("NOERROR", r.status(), r::toString);
    assertEquals(List.of(), r.answers());
    assertEquals(1, r.section("AUTHORITY").size(), r::toString);
  }

  @Test
  void namesAreCaseInsensitive() {
    assertEquals(List.of("WeB.ShOp.SvC.Cluster.LOCAL. 5 IN A 127.96.0.10"), dig("WeB.ShOp.SvC.Cluster.LOCAL").answers());
  }

  @Test
  void dnsVersionAndPodRecords() {
    assertEquals(List.of("dns-version.cluster.local. 5 IN TXT \"1.1.0\""), dig("dns-version.cluster.local", "TXT").answers());
    assertEquals(List.of("127-244-0-9.shop.pod.cluster.local. 5 IN A 127.244.0.9"),
        dig("127-244-0-9.shop.pod.cluster.local").answers());
  }

  @Test
  void anExternalNameInsideTheZoneIsFollowed() {
    assertEquals(List.of("alias.shop.svc.cluster.local. 5 IN CNAME web.shop.svc.cluster.local.",
        "web.shop.svc.cluster.local. 5 IN A 127.96.0.10"), dig("alias.shop.svc.cluster.local").answers());
  }

  @Test
  void aHeadlessServiceWithoutReadyEndpointsIsNxdomain() {
    Dig.Result r = dig("idle.shop.svc.cluster.local");
    assertEquals("NXDOMAIN", r.status(), r::toString);
    assertEquals(1, r.section("AUTHORITY").size(), r::toString);
  }

  @Test
  void theApexHasAnNsRecord() {
    assertEquals(List.of("cluster.local. 5 IN NS ns.dns.cluster.local."), dig("cluster.local", "NS").answers());
  }

  @Test
  void podRecordsAnswerForAnyAddress() {
    assertEquals(List.of("1-2-3-4.other.pod.cluster.local. 5 IN A 1.2.3.4"),
        dig("1-2-3-4.other.pod.cluster.local").answers());
  }

  @Test
  void aDotInsideALabelIsPartOfTheLabel() {
    Dig.Result r = dig("web\\.shop.svc.cluster.local");
    assertEquals("NXDOMAIN", r.status(), r::toString);
    assertTrue(r.output().contains(";web\\.shop.svc.cluster.local."), "the question comes back as asked: " + r);
    assertFalse(r.output().contains("mismatch"), r::toString);
  }

  @Test
  void ednsIsAnsweredWithTheDoBitCopiedAndInErrorsToo() {
    Dig.Result secure = dig("+dnssec", "web.shop.svc.cluster.local");
    assertTrue(secure.output().contains("; EDNS: version: 0, flags: do; udp: 1232"), secure::toString);
    Dig.Result status = dig("+opcode=2", "web.shop.svc.cluster.local");
    assertEquals("NOTIMP", status.status(), status::toString);
    assertTrue(status.output().contains("; EDNS: version: 0, flags:; udp: 1232"), status::toString);
  }

  @Test
  void tcpServesTheSameAnswers() {
    Dig.Result r = dig("+tcp", "web.shop.svc.cluster.local");
    assertTrue(r.output().contains("(TCP)"), r::toString);
    assertEquals(List.of("web.shop.svc.cluster.local. 5 IN A 127.96.0.10"), r.answers());
  }

  @Test
  void answersThatDoNotFitAreTruncatedAndTheRetryOverTcpGetsThemAll() {
    Dig.Result truncated = dig("+ignore", "+bufsize=512", "many.shop.svc.cluster.local");
    assertTrue(truncated.flags().contains("tc"), truncated::toString);
    assertTrue(truncated.answers().size() < MANY, truncated::toString);
    Dig.Result retried = dig("+bufsize=512", "many.shop.svc.cluster.local");
    assertFalse(retried.flags().contains("tc"), retried::toString);
    assertTrue(retried.output().contains("retrying in TCP mode"), retried::toString);
    assertEquals(MANY, retried.answers().size(), retried::toString);
    Dig.Result noEdns = dig("+noedns", "+ignore", "many.shop.svc.cluster.local");
    assertTrue(noEdns.flags().contains("tc"), noEdns::toString);
  }

  @Test
  void aChangeToTheFolderIsServedWithinASecond() throws IOException {
    Files.writeString(dir.resolve("new.yaml"), """
        apiVersion: v1
        kind: Service
        metadata: {name: fresh, namespace: shop}
        spec: {clusterIP: 127.96.0.77}
        """);
    long start = System.nanoTime();
    Dig.Result r;
    do {
      r = dig("fresh.shop.svc.cluster.local");
    } while (!r.status().equals("NOERROR") && System.nanoTime() - start < 5_000_000_000L);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(List.of("fresh.shop.svc.cluster.local. 5 IN A 127.96.0.77"), r.answers(), r::toString);
    assertTrue(millis < 1000, "served after " + millis + " ms");
    Files.delete(dir.resolve("new.yaml"));
    start = System.nanoTime();
    do {
      r = dig("fresh.shop.svc.cluster.local");
    } while (!r.status().equals("NXDOMAIN") && System.nanoTime() - start < 5_000_000_000L);
    assertEquals("NXDOMAIN", r.status());
  }
}
