package io.gantry.cli;

import io.gantry.proxy.ProxyConfig;
import io.gantry.proxy.ProxyDaemon;
import io.gantry.proxy.table.Cidr;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The service proxies {@code gantry up} runs in process, one per node, following the in-process
 * control component's DataPlane stream.
 *
 * <p>Loopback mode: node {@code i} (1-based) is named {@code node-i} and serves its NodePorts on
 * {@code 127.0.0.(10+i)}; node-1 also on {@code 127.0.0.1}. All proxies share one network
 * namespace, so only node-1's proxy serves ClusterIPs, LoadBalancer IPs and external IPs (one
 * socket per address); the others serve NodePorts only. No Node objects are created here: node
 * registration belongs to the node agent, and NodePort addresses come from this fixed plan.
 */
final class UpProxies {

  private UpProxies() {
  }

  static String nodeName(int i) {
    return "node-" + i;
  }

  static List<InetAddress> nodeAddresses(int i) throws java.net.UnknownHostException {
    List<InetAddress> addresses = new ArrayList<>();
    addresses.add(InetAddress.getByName("127.0.0." + (10 + i)));
    if (i == 1) {
      addresses.add(InetAddress.getByName("127.0.0.1"));
    }
    return addresses;
  }

  /** @param podCidr the cluster's pod CIDR: its sources are in-cluster clients for the traffic policies */
  static List<ProxyDaemon> start(int nodes, InetSocketAddress dataPlane, String podCidr) throws Exception {
    List<ProxyDaemon> proxies = new ArrayList<>();
    try {
      for (int i = 1; i <= nodes; i++) {
        ProxyConfig config = ProxyConfig.defaults(nodeName(i)).withNodeAddresses(nodeAddresses(i))
            .withClusterAddresses(i == 1).withLimits(100_000, 65_536, nodes == 1 ? 0 : 1)
            .withClusterCidr(Cidr.parse(podCidr));
        proxies.add(ProxyDaemon.fromControl(config, dataPlane, new InetSocketAddress("127.0.0.1", 0)));
      }
    } catch (Exception e) {
      proxies.forEach(ProxyDaemon::close);
      throw e;
    }
    return proxies;
  }
}
