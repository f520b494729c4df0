package io.gantry.bench;

import io.gantry.control.api.v1.Endpoint;
import io.gantry.control.api.v1.EndpointPort;
import io.gantry.control.api.v1.EndpointView;
import io.gantry.control.api.v1.ServicePort;
import io.gantry.control.api.v1.ServiceView;
import io.gantry.proxy.balance.Balancing;
import io.gantry.proxy.balance.EndpointLoad;
import io.gantry.proxy.metrics.ProxyMetrics;
import io.gantry.proxy.table.RoutingSnapshot;
import io.gantry.proxy.table.RoutingSnapshotBuilder;
import io.gantry.proxy.table.ViewDelta;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The routing table alone, in this JVM: the proxy's {@link RoutingSnapshotBuilder} loaded with
 * the same services and endpoints as the process, then single endpoint changes applied as
 * {@link ViewDelta}s (what the control-driven source hands it), after a warm-up so the JIT has
 * compiled the path. Also the time of a full rebuild from scratch, which is what every change
 * cost before updates became incremental.
 */
final class RoutingTableLoad {

  private final Report report = new Report("proxy-scale.gantry");
  private final int services;
  private final int perService;

  RoutingTableLoad(int services, int perService) {
    this.services = services;
    this.perService = perService;
  }

  void run(int changes) {
    List<ServiceView> views = new ArrayList<>(services);
    Map<String, EndpointView> endpoints = new HashMap<>();
    for (int i = 0; i < services; i++) {
      views.add(ServiceView.newBuilder().setNamespace("bench").setName("s" + i).setType("ClusterIP")
          .setSessionAffinity("None").setInternalTrafficPolicy("Cluster").setExternalTrafficPolicy("Cluster")
          .addClusterIps("127.96." + i / 250 + "." + (i % 250 + 1))
          .addPorts(ServicePort.newBuilder().setName("http").setProtocol("TCP").setPort(80).setTargetPortNumber(8080))
          .build());
      endpoints.put("bench/s" + i, endpoints(i, 0));
    }
    long[] full = new long[3];
    for (int r = 0; r < full.length; r++) {
      long t0 = System.nanoTime();
      RoutingSnapshot s = builder().build(views, endpoints, List.of());
      full[r] = System.nanoTime() - t0;
      if (s.entries().size() != services) {
        throw new IllegalStateException("table has " + s.entries().size() + " entries, expected " + services);
      }
    }
    RoutingSnapshotBuilder builder = builder();
    builder.build(views, endpoints, List.of());
    Random random = new Random(7);
    int warmup = 20_000;
    long[] nanos = new long[changes];
    long compiledBefore = 0;
    for (int c = 0; c < warmup + changes; c++) {
      int i = random.nextInt(services);
      ViewDelta delta = new ViewDelta(Map.of(), Set.of(), Map.of("bench/s" + i, endpoints(i, c + 1)), Set.of(), null);
      if (c == warmup) {
        compiledBefore = builder.servicesCompiled();
      }
      long t0 = System.nanoTime();
      builder.apply(delta);
      if (c >= warmup) {
        nanos[c - warmup] = System.nanoTime() - t0;
      }
    }
    LatencyStats stats = LatencyStats.of(nanos, changes);
    LatencyStats rebuild = LatencyStats.of(full, full.length);
    report.figure("table_apply_one_endpoint_change", "p50", stats.percentileMillis(50), "ms");
    report.figure("table_apply_one_endpoint_change", "p99", stats.percentileMillis(99), "ms");
    report.figure("table_apply_one_endpoint_change", "services_rebuilt_per_change",
        (builder.servicesCompiled() - compiledBefore) / (double) changes, "count");
    report.figure("table_full_rebuild", "p50", rebuild.percentileMillis(50), "ms");
  }

  private static RoutingSnapshotBuilder builder() {
    return new RoutingSnapshotBuilder("n1", List.of(), Balancing.RANDOM, new EndpointLoad.Registry(),
        new ProxyMetrics(), System::nanoTime);
  }

  /** Service {@code i}'s endpoints; generation {@code g > 0} moves its first endpoint to another address. */
  private EndpointView endpoints(int i, int g) {
    EndpointView.Builder b = EndpointView.newBuilder().setNamespace("bench").setServiceName("s" + i);
    EndpointPort port = EndpointPort.newBuilder().setProtocol("TCP").setPort(8080).build();
    for (int e = 0; e < perService; e++) {
      long n = (long) i * perService + e;
      String address = e == 0 && g > 0 ? "127.200." + (g / 256 % 256) + "." + (g % 256)
          : "127." + (128 + n / 65536) + "." + (n / 256 % 256) + "." + (n % 256);
      b.addEndpoints(Endpoint.newBuilder().setAddress(address).setNodeName("n" + e % 3).setReady(true)
          .setServing(true).putPorts("http", port));
    }
    return b.build();
  }
}
