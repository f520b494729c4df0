package io.gantry.dns.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.control.api.v1.Endpoint;
import io.gantry.control.api.v1.EndpointView;
import io.gantry.control.api.v1.ServiceView;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The full rebuild the control-driven mode does on each push stays cheap at cluster sizes. */
class ZoneBuildCostTest {

  @Test
  void rebuildingAThousandServicesTakesMilliseconds() {
    List<ServiceView> services = new ArrayList<>();
    List<EndpointView> endpoints = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      services.add(Views.clusterIp("default", "svc" + i, "127.96." + (i / 256) + "." + (i % 256),
          Views.port("http", "TCP", 80)));
    }
    for (int i = 0; i < 100; i++) {
      services.add(Views.headless("default", "hl" + i, false, Views.port("http", "TCP", 80)));
      List<Endpoint> list = new ArrayList<>();
      for (int e = 0; e < 10; e++) {
        list.add(Views.endpoint("127.244." + i + "." + e, "", true, "http", 80));
      }
      endpoints.add(Views.endpoints("default", "hl" + i, list.toArray(Endpoint[]::new)));
    }
    long best = Long.MAX_VALUE;
    DnsZoneSnapshot zone = null;
    for (int run = 0; run < 25; run++) {
      long start = System.nanoTime();
      zone = DnsZoneSnapshot.build(ZoneConfig.defaults(), run, services, endpoints, List.of());
      best = Math.min(best, System.nanoTime() - start);
    }
    System.out.printf("zone of 1100 services, 1000 endpoints: %d names, full rebuild %.1f ms%n", zone.size(),
        best / 1e6);
    assertEquals(1, ask(zone));
    assertTrue(best < 500_000_000L, "rebuild took " + best / 1_000_000 + " ms");
  }

  private static int ask(DnsZoneSnapshot zone) {
    return zone.lookup("svc999.default.svc.cluster.local.", Wire.TYPE_A).answerCount();
  }
}
