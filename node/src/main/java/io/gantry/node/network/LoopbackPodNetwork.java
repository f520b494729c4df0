package io.gantry.node.network;

import io.gantry.node.ipam.LoopbackIpam;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Loopback mode: pods are plain processes in the agent's own network namespace, each with an
 * address from the node's pod CIDR in 127.0.0.0/8 ({@link LoopbackIpam}), which Linux treats as
 * local without any set-up. A {@code hostNetwork} pod gets no address of its own.
 */
public final class LoopbackPodNetwork implements PodNetwork {

  private final LoopbackIpam ipam;

  public LoopbackPodNetwork(Path ipamDir) {
    this.ipam = new LoopbackIpam(ipamDir);
  }

  @Override
  public String mode() {
    return "loopback";
  }

  @Override
  public synchronized void setCidr(String cidr) {
    ipam.setCidr(cidr);
  }

  @Override
  public synchronized boolean ready() {
    return ipam.ready();
  }

  @Override
  public synchronized String setUp(Pod pod) throws IOException {
    if (pod.hostNetwork()) {
      return null; // every pod shares the host's network here; this one also its address
    }
    try {
      return ipam.allocate(pod.uid()).orElseThrow(() -> new IOException("no free pod address in the node's pod CIDR"));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  @Override
  public synchronized void tearDown(String uid) throws IOException {
    try {
      ipam.release(uid);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  @Override
  public synchronized void collectGarbage(Set<String> keep) throws IOException {
    for (String uid : ipam.holders()) {
      if (!keep.contains(uid)) {
        tearDown(uid);
      }
    }
  }

  @Override
  public List<String> commandPrefix(String uid) {
    return List.of();
  }
}
