package io.gantry.proxy.tcp;

import io.gantry.proxy.balance.Target;
import io.gantry.proxy.table.ListenKey;
import io.gantry.proxy.table.RoutingSnapshot;
import io.gantry.proxy.table.ServiceEntry;
import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The proxy's open TCP connections, for the connection limit and for draining: a connection whose
 * endpoint, service or listener is no longer in the routing table keeps working until it closes
 * or until the drain deadline passes, then it is closed.
 *
 * <p>Concurrency: admission is one atomic counter; the set is concurrent; {@link #sweep} runs on
 * the proxy's update context and only closes channels (thread-safe in Netty).
 */
public final class ConnectionRegistry {

  /** One relayed connection. Fields other than the drain mark are fixed at connect time. */
  static final class Tracked {
    final Channel inbound;
    final ListenKey listener;
    final Target target;
    long drainingSinceNanos; // touched by the sweeper only

    Tracked(Channel inbound, ListenKey listener, Target target) {
      this.inbound = inbound;
      this.listener = listener;
      this.target = target;
    }
  }

  private final int limit;
  private final AtomicInteger admitted = new AtomicInteger();
  private final Set<Tracked> relayed = ConcurrentHashMap.newKeySet();

  /** @param limit the most TCP connections open at once (accepted ones count from accept) */
  public ConnectionRegistry(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: >= 1)");
    }
    this.limit = limit;
  }

  /** Counts an accepted connection in; false (and not counted) when the limit is reached. */
  boolean admit() {
    while (true) {
      int n = admitted.get();
      if (n >= limit) {
        return false;
      }
      if (admitted.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  void release() {
    admitted.decrementAndGet();
  }

  Tracked track(Channel inbound, ListenKey listener, Target target) {
    Tracked t = new Tracked(inbound, listener, target);
    relayed.add(t);
    return t;
  }

  void untrack(Tracked t) {
    relayed.remove(t);
  }

  public int open() {
    return admitted.get();
  }

  public int relayed() {
    return relayed.size();
  }

  /** The local addresses relayed connections were accepted on (for taking service addresses away safely). */
  public Set<InetAddress> listenerAddresses() {
    Set<InetAddress> addresses = new HashSet<>();
    for (Tracked t : relayed) {
      addresses.add(t.listener.address().getAddress());
    }
    return addresses;
  }

  /**
   * Closes connections that have been outside {@code snapshot} for longer than the drain timeout;
   * returns how many are draining now.
   */
  public int sweep(RoutingSnapshot snapshot, long nowNanos, long drainNanos) {
    int draining = 0;
    for (Tracked t : relayed) {
      ServiceEntry entry = snapshot.lookup(t.listener);
      // A target that takes no new connections (not ready, terminating, its port changed) keeps its
      // established ones while it is an endpoint at all, as conntrack keeps kube-proxy's.
      InetSocketAddress target = t.target.address();
      if (entry != null && (entry.serves(target) || entry.knowsEndpoint(target.getAddress()))) {
        t.drainingSinceNanos = 0;
        continue;
      }
      if (t.drainingSinceNanos == 0) {
        t.drainingSinceNanos = nowNanos == 0 ? 1 : nowNanos;
      }
      if (nowNanos - t.drainingSinceNanos >= drainNanos) {
        t.inbound.close();
      } else {
        draining++;
      }
    }
    return draining;
  }
}
