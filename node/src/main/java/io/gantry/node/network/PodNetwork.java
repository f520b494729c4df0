package io.gantry.node.network;

import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * How a node agent gives pods their network, whatever the mode: an address per pod, set up before
 * the pod's first process and torn down after its last, and the way to run a command inside it.
 * {@link LoopbackPodNetwork} hands out 127.0.0.0/8 addresses; {@link HostPodNetwork} creates a
 * network namespace per pod and wires it with the CNI plugin.
 *
 * <p>Concurrency: every method is thread-safe. {@link #setUp}, {@link #tearDown} and
 * {@link #collectGarbage} may block (they fork {@code ip} and the CNI plugin): call them off
 * event loops and off the pod manager's loop.
 */
public interface PodNetwork {

  /** What the network needs to know of a pod ({@code hostNetwork} is {@code dns.hostNetwork()}). */
  record Pod(String uid, String namespace, String name, PodDns dns, PodEtcHosts hosts) {

    public boolean hostNetwork() {
      return dns.hostNetwork();
    }
  }

  /** {@code loopback} or {@code host}. */
  String mode();

  /** The node's pod CIDR ({@code Node.spec.podCIDR}) arrived or changed. */
  void setCidr(String cidr);

  /** Whether the pod CIDR is known, so that {@link #setUp} can hand out addresses. */
  boolean ready();

  /**
   * Gives the pod its network, or finds the one it has (a repeated call, or one after an agent
   * restart, returns the same address); returns the pod's IP, or null for a {@code hostNetwork}
   * pod, which runs in the node's own network and has the node's address.
   *
   * @throws IOException with a message for the pod's status when it cannot be done (e.g. the
   *                     range is exhausted); the caller retries later
   */
  String setUp(Pod pod) throws IOException;

  /** Releases the pod's network and address; idempotent. Call only once its processes are gone. */
  void tearDown(String uid) throws IOException;

  /** Releases the network of every pod this agent set up whose UID is not in {@code keep}. */
  void collectGarbage(Set<String> keep) throws IOException;

  /**
   * The argv prefix that runs a command inside the pod's network: nothing in loopback mode,
   * {@code ip netns exec <netns>} in host mode. Container processes, exec probes and
   * {@code kubectl exec} all go through it.
   */
  List<String> commandPrefix(String uid);
}
