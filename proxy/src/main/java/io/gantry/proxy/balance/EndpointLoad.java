package io.gantry.proxy.balance;

import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The number of open connections (or UDP flows) to one endpoint address. Instances come from a
 * {@link Registry}, so every snapshot that lists the address shares one counter.
 */
public final class EndpointLoad {

  private final AtomicInteger active = new AtomicInteger();

  public int active() {
    return active.get();
  }

  public void opened() {
    active.incrementAndGet();
  }

  public void closed() {
    active.decrementAndGet();
  }

  /** One counter per endpoint socket address, kept while referenced or busy. */
  public static final class Registry {
    private final ConcurrentHashMap<InetSocketAddress, EndpointLoad> loads = new ConcurrentHashMap<>();

    public EndpointLoad of(InetSocketAddress address) {
      return loads.computeIfAbsent(address, a -> new EndpointLoad());
    }

    /** Forgets idle counters of addresses no longer referenced (called by the snapshot builder). */
    public void retainBusyOr(java.util.Set<InetSocketAddress> referenced) {
      loads.entrySet().removeIf(e -> e.getValue().active() == 0 && !referenced.contains(e.getKey()));
    }

    public int size() {
      return loads.size();
    }
  }
}
