package io.gantry.dns.source;

import io.gantry.control.api.v1.EndpointView;
import io.gantry.control.api.v1.PodView;
import io.gantry.control.api.v1.Resource;
import io.gantry.control.api.v1.ResourceType;
import io.gantry.control.api.v1.Role;
import io.gantry.control.api.v1.ServiceView;
import io.gantry.control.client.Changes;
import io.gantry.control.client.DataPlaneClient;
import io.gantry.control.client.DataPlaneSnapshot;
import io.gantry.dns.zone.DnsZoneSnapshot;
import io.gantry.dns.zone.ZoneConfig;
import io.gantry.dns.zone.ZoneHolder;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control-driven mode: subscribes to services, endpoints and pods over the DataPlane stream
 * (role DNS) and rebuilds the zone from the client's snapshot on every push that changed
 * something. The rebuild is a full one (about 20 ms for 1,100 services and 1,000 endpoints on a
 * 2-vCPU machine, see ZoneBuildCostTest), done on the client's context thread, off the event loops;
 * queries keep reading the previous snapshot until the new one is published.
 */
public final class ControlSource implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ControlSource.class);

  private final DataPlaneClient client;
  private volatile long lastRebuildNanos;

  private ControlSource(InetSocketAddress control, String nodeName, ZoneConfig config, ZoneHolder holder) {
    this.client = DataPlaneClient.builder(control, nodeName, Role.ROLE_DNS)
        .daemonId("dns/" + nodeName)
        .types(ResourceType.RESOURCE_TYPE_SERVICE, ResourceType.RESOURCE_TYPE_ENDPOINTS, ResourceType.RESOURCE_TYPE_POD)
        .listener((snapshot, changes) -> rebuild(snapshot, changes, config, holder))
        .start();
  }

  public static ControlSource start(InetSocketAddress control, String nodeName, ZoneConfig config, ZoneHolder holder) {
    return new ControlSource(control, nodeName, config, holder);
  }

  private void rebuild(DataPlaneSnapshot snapshot, Changes changes, ZoneConfig config, ZoneHolder holder) {
    if (changes.isEmpty() && holder.get().version() != 0) {
      return;
    }
    long start = System.nanoTime();
    holder.publish(build(config, snapshot));
    lastRebuildNanos = System.nanoTime() - start;
    log.debug("zone rebuilt at version {} ({} resources) in {} us", snapshot.systemVersion(), snapshot.size(),
        TimeUnit.NANOSECONDS.toMicros(lastRebuildNanos));
  }

  /** The zone of one DataPlane snapshot. */
  public static DnsZoneSnapshot build(ZoneConfig config, DataPlaneSnapshot snapshot) {
    List<ServiceView> services = new ArrayList<>();
    for (Resource resource : snapshot.of(ResourceType.RESOURCE_TYPE_SERVICE).values()) {
      services.add(resource.getService());
    }
    List<EndpointView> endpoints = new ArrayList<>();
    for (Resource resource : snapshot.of(ResourceType.RESOURCE_TYPE_ENDPOINTS).values()) {
      endpoints.add(resource.getEndpoints());
    }
    List<PodView> pods = new ArrayList<>();
    for (Resource resource : snapshot.of(ResourceType.RESOURCE_TYPE_POD).values()) {
      pods.add(resource.getPod());
    }
    return DnsZoneSnapshot.build(config, Math.max(1, snapshot.systemVersion()), services, endpoints, pods);
  }

  /** How long the last rebuild took. */
  public long lastRebuildNanos() {
    return lastRebuildNanos;
  }

  public DataPlaneClient client() {
    return client;
  }

  @Override
  public void close() {
    client.close();
  }
}
