package io.gantry.proxy.host;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Collection;
import java.util.Set;

/**
 * The step that makes service addresses local before the proxy binds on them. In loopback mode
 * it does nothing ({@link #NONE}): every 127.x address is already local. In host mode
 * ({@link DummyInterface}) it puts each ClusterIP, LoadBalancer IP and external IP on a dummy
 * interface.
 *
 * <p>Calls may block (they run processes); the proxy makes them on its update context, never on
 * an event loop.
 */
public interface AddressPlumbing {

  /** Loopback mode: nothing to do. */
  AddressPlumbing NONE = new AddressPlumbing() {
    @Override
    public Set<InetAddress> present() {
      return Set.of();
    }

    @Override
    public void add(Collection<InetAddress> addresses) {
    }

    @Override
    public void remove(Collection<InetAddress> addresses) {
    }

    @Override
    public String toString() {
      return "loopback (no address plumbing)";
    }
  };

  /** The service addresses in place now (read at start to reconcile with the first table). */
  Set<InetAddress> present() throws IOException;

  /** Makes {@code addresses} local; idempotent. */
  void add(Collection<InetAddress> addresses) throws IOException;

  /** Takes {@code addresses} away; an address already gone is not an error. */
  void remove(Collection<InetAddress> addresses) throws IOException;
}
