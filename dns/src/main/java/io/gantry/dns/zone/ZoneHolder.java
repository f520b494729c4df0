package io.gantry.dns.zone;

import java.util.Objects;

/**
 * The current zone: one writer publishes a new {@link DnsZoneSnapshot} with one volatile write;
 * every event loop reads it once per query.
 */
public final class ZoneHolder {

  private volatile DnsZoneSnapshot current;

  public ZoneHolder(DnsZoneSnapshot initial) {
    this.current = Objects.requireNonNull(initial, "initial");
  }

  public DnsZoneSnapshot get() {
    return current;
  }

  public void publish(DnsZoneSnapshot snapshot) {
    this.current = Objects.requireNonNull(snapshot, "snapshot");
  }
}
