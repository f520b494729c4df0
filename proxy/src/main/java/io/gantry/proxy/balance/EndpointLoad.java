package io.gantry.proxy.balance;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The number of open connections (or UDP flows) to one endpoint address. Instances come from a
 * {@link Registry}, so every snapshot that lists the address shares one counter.
 */
public final class EndpointLoad {

  private final AtomicInteger active = new AtomicInteger();
  /** Routing targets using this counter; the builder's thread only (see {@link Registry}). */
  private int references;

  public int active() {
    return active.get();
  }

  public void opened() {
    active.incrementAndGet();
  }

  public void closed() {
    active.decrementAndGet();
  }

  /**
   * One counter per endpoint socket address, kept while some routing entry references the address
   * or connections to it are open.
   *
   * <p>Concurrency: counters are read and counted by event loops; {@link #acquire}, {@link #release}
   * and {@link #sweepOrphans} are called by the routing-table builder's one thread only.
   */
  public static final class Registry {
    private final ConcurrentHashMap<InetSocketAddress, EndpointLoad> loads = new ConcurrentHashMap<>();
    /** Builder thread only: unreferenced addresses kept because connections were open. */
    private final java.util.Set<InetSocketAddress> orphans = new java.util.HashSet<>();

    /** The counter of {@code address}, for a new target that uses it; {@link #release} it with the target. */
    public EndpointLoad acquire(InetSocketAddress address) {
      EndpointLoad load = loads.computeIfAbsent(address, a -> new EndpointLoad());
      load.references++;
      return load;
    }

    /** A target using {@code address} is gone: forgets the counter once nothing uses it and it is idle. */
    public void release(InetSocketAddress address) {
      EndpointLoad load = loads.get(address);
      if (load != null && --load.references <= 0) {
        forgetIfIdle(address, load);
      }
    }

    /** Forgets the counters of unreferenced addresses whose last connections have closed since. */
    public void sweepOrphans() {
      if (!orphans.isEmpty()) {
        for (InetSocketAddress address : List.copyOf(orphans)) {
          orphans.remove(address);
          EndpointLoad load = loads.get(address);
          if (load != null && load.references <= 0) {
            forgetIfIdle(address, load);
          }
        }
      }
    }

    private void forgetIfIdle(InetSocketAddress address, EndpointLoad load) {
      if (load.active() > 0) {
        orphans.add(address);
      } else {
        loads.remove(address, load);
      }
    }

    public int size() {
      return loads.size();
    }
  }
}
