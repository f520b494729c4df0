package io.gantry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gantry.testing.Dig;
import io.gantry.testing.DnsProcess;
import io.gantry.testing.GantryProcess;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The DNS that {@code gantry up} runs in-process, fed over the DataPlane stream: a Service
 * created, changed and deleted with kubectl shows up in {@code dig} within a second.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DnsUpIT {

  private GantryProcess gantry;

  @BeforeAll
  void start() {
    assumeTrue(Dig.available(), "dig is not installed (Debian package dnsutils; bin/test installs it as root)");
    gantry = GantryProcess.start();
  }

  @AfterAll
  void stop() {
    if (gantry != null) {
      gantry.close();
    }
  }

  private Dig.Result until(Predicate<Dig.Result> done, long[] millis, String... args) {
    long start = System.nanoTime();
    Dig.Result r;
    do {
      r = Dig.query(gantry.dnsPort(), args);
    } while (!done.test(r) && System.nanoTime() - start < 10_000_000_000L);
    millis[0] = (System.nanoTime() - start) / 1_000_000;
    return r;
  }

  @Test
  void aServiceIsServedWithinASecondOfItsCreationAndGoneWithinASecondOfItsDeletion() {
    long[] millis = new long[1];
    gantry.kubectl().run("create", "namespace", "dnsit").assertOk();
    gantry.kubectl().run("-n", "dnsit", "create", "service", "clusterip", "web", "--tcp=80:8080").assertOk();
    Dig.Result created = until(r -> r.status().equals("NOERROR") && !r.answers().isEmpty(), millis,
        "web.dnsit.svc.cluster.local");
    assertEquals("NOERROR", created.status(), created::toString);
    assertTrue(created.answers().get(0).matches("web\\.dnsit\\.svc\\.cluster\\.local\\. 5 IN A 127\\.96\\.\\d+\\.\\d+"),
        created::toString);
    assertTrue(millis[0] < 1000, "served after " + millis[0] + " ms");

    Dig.Result srv = until(r -> !r.answers().isEmpty(), millis, "_80-8080._tcp.web.dnsit.svc.cluster.local", "SRV");
    assertEquals(1, srv.answers().size(), srv::toString);

    gantry.kubectl().run("-n", "dnsit", "delete", "service", "web").assertOk();
    Dig.Result deleted = until(r -> r.status().equals("NXDOMAIN"), millis, "web.dnsit.svc.cluster.local");
    assertEquals("NXDOMAIN", deleted.status(), deleted::toString);
    assertTrue(millis[0] < 1000, "gone after " + millis[0] + " ms");
  }

  @Test
  void aSeparateGantryDnsProcessFollowsTheControlComponentToo() {
    gantry.kubectl().run("create", "namespace", "dnsit2").assertOk();
    try (DnsProcess dns = DnsProcess.start("--control", "127.0.0.1:" + gantry.dataPlanePort(), "--no-forward",
        "--node-name", "it-node")) {
      Dig.Result before = Dig.query(dns.port(), "kubernetes.default.svc.cluster.local");
      long start = System.nanoTime();
      while (before.answers().isEmpty() && System.nanoTime() - start < 10_000_000_000L) {
        before = Dig.query(dns.port(), "kubernetes.default.svc.cluster.local");
      }
      assertEquals(1, before.answers().size(), before::toString);
      gantry.kubectl().run("-n", "dnsit2", "create", "service", "clusterip", "api", "--tcp=443:8443").assertOk();
      start = System.nanoTime();
      Dig.Result r;
      do {
        r = Dig.query(dns.port(), "api.dnsit2.svc.cluster.local");
      } while (r.answers().isEmpty() && System.nanoTime() - start < 10_000_000_000L);
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertEquals(1, r.answers().size(), r::toString);
      assertTrue(millis < 1000, "served after " + millis + " ms");
    }
  }

  @Test
  void theKubernetesServiceIsServed() {
    Dig.Result r = Dig.query(gantry.dnsPort(), "kubernetes.default.svc.cluster.local");
    assertEquals("NOERROR", r.status(), r::toString);
    assertEquals(1, r.answers().size(), r::toString);
  }
}
