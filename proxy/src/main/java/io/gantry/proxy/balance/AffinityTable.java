package io.gantry.proxy.balance;

import java.net.InetAddress;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * {@code sessionAffinity: ClientIP} for one service port: a client address keeps its target until
 * it has been idle for the timeout (each use renews it, as kube-proxy's {@code recent} match
 * does) or until the target leaves the service. Carried from snapshot to snapshot, so affinity
 * survives configuration changes. Bounded: beyond {@code maxEntries} clients new ones are balanced
 * without being remembered until expired entries are swept.
 *
 * <p>Concurrency: a concurrent map; a race between two first connections of one client may pick
 * two targets, and the later write wins, as with kube-proxy.
 */
public final class AffinityTable {

  private record Sticky(Target target, long expiresAtNanos) {
  }

  private final long timeoutNanos;
  private final int maxEntries;
  private final LongSupplier nanoClock;
  private final ConcurrentHashMap<InetAddress, Sticky> entries = new ConcurrentHashMap<>();

  public AffinityTable(long timeoutSeconds, int maxEntries, LongSupplier nanoClock) {
    if (timeoutSeconds <= 0) {
      throw new IllegalArgumentException("timeoutSeconds: " + timeoutSeconds + " (expected: > 0)");
    }
    this.timeoutNanos = timeoutSeconds * 1_000_000_000L;
    this.maxEntries = maxEntries;
    this.nanoClock = nanoClock;
  }

  public long timeoutSeconds() {
    return timeoutNanos / 1_000_000_000L;
  }

  /** The client's target when it has a live one among {@code targets}, otherwise a new pick, remembered. */
  public Target pick(InetAddress client, Target[] targets, Picker picker) {
    long now = nanoClock.getAsLong();
    Sticky sticky = entries.get(client);
    if (sticky != null && now - sticky.expiresAtNanos < 0 && contains(targets, sticky.target)) {
      entries.put(client, new Sticky(sticky.target, now + timeoutNanos));
      return sticky.target;
    }
    Target chosen = picker.pick(targets);
    if (sticky != null || entries.size() < maxEntries) {
      entries.put(client, new Sticky(chosen, now + timeoutNanos));
    }
    return chosen;
  }

  /** Removes expired entries; returns how many remain. */
  public int sweep() {
    long now = nanoClock.getAsLong();
    for (Iterator<Map.Entry<InetAddress, Sticky>> it = entries.entrySet().iterator(); it.hasNext(); ) {
      if (now - it.next().getValue().expiresAtNanos >= 0) {
        it.remove();
      }
    }
    return entries.size();
  }

  public int size() {
    return entries.size();
  }

  private static boolean contains(Target[] targets, Target target) {
    for (Target t : targets) {
      if (t.equals(target)) {
        return true;
      }
    }
    return false;
  }
}
