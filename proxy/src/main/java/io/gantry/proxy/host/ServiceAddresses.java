package io.gantry.proxy.host;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of service addresses on this node: which ones the {@link AddressPlumbing} holds, which
 * ones are on their way out. An address comes before its listener binds ({@link #want}); one no
 * longer wanted waits until no connection uses it or its deadline passed ({@link #releaseDrained}).
 * The first {@link #want} also reconciles: addresses an earlier run left that no service owns go
 * at once (no connection of this process can use them).
 *
 * <p>Concurrency: confined to the proxy's update context (calls block on the plumbing).
 */
public final class ServiceAddresses {

  private static final Logger log = LoggerFactory.getLogger(ServiceAddresses.class);

  private final AddressPlumbing plumbing;
  private final Set<InetAddress> held = new HashSet<>();
  private final Map<InetAddress, Long> releasing = new HashMap<>(); // address -> deadline (nanos)
  private boolean reconciled;

  /** Reads what the plumbing holds already (blocks). */
  public ServiceAddresses(AddressPlumbing plumbing) throws IOException {
    this.plumbing = Objects.requireNonNull(plumbing, "plumbing");
    held.addAll(plumbing.present());
  }

  /**
   * Makes {@code wanted} local now and marks every other held address for release by
   * {@code releaseBy} (a {@link System#nanoTime} deadline).
   */
  public void want(Set<InetAddress> wanted, long releaseBy) {
    releasing.keySet().removeAll(wanted); // back in use before its drain ended
    if (!reconciled) {
      Set<InetAddress> strays = new HashSet<>(held);
      strays.removeAll(wanted);
      remove(strays, "no service owns them");
      reconciled = true;
    }
    List<InetAddress> missing = new ArrayList<>();
    for (InetAddress address : wanted) {
      if (!held.contains(address)) {
        missing.add(address);
      }
    }
    if (!missing.isEmpty()) {
      try {
        plumbing.add(missing);
        held.addAll(missing);
        if (plumbing != AddressPlumbing.NONE) {
          log.info("added {} service addresses to {}", missing.size(), plumbing);
        }
      } catch (IOException e) {
        log.warn("cannot add service addresses to {}: {} (listeners on them fail; retried on the next change)",
            plumbing, e.getMessage());
      }
    }
    for (InetAddress address : held) {
      if (!wanted.contains(address)) {
        releasing.putIfAbsent(address, releaseBy);
      }
    }
  }

  /** Takes away the released addresses no connection uses ({@code busy}) or whose deadline passed. */
  public void releaseDrained(Set<InetAddress> busy, long now) {
    List<InetAddress> done = new ArrayList<>();
    for (Map.Entry<InetAddress, Long> e : releasing.entrySet()) {
      if (!busy.contains(e.getKey()) || now - e.getValue() >= 0) {
        done.add(e.getKey());
      }
    }
    remove(done, "no listener, connections drained");
  }

  /** Whether some address waits for its connections to drain. */
  public boolean releasing() {
    return !releasing.isEmpty();
  }

  /** The addresses held now. */
  public Set<InetAddress> held() {
    return Set.copyOf(held);
  }

  private void remove(Collection<InetAddress> addresses, String why) {
    if (addresses.isEmpty()) {
      return;
    }
    try {
      plumbing.remove(addresses);
      held.removeAll(addresses);
      addresses.forEach(releasing::remove);
      if (plumbing != AddressPlumbing.NONE) {
        log.info("removed {} service addresses from {} ({})", addresses.size(), plumbing, why);
      }
    } catch (IOException e) {
      log.warn("cannot remove service addresses from {}: {} (retried)", plumbing, e.getMessage());
    }
  }
}
