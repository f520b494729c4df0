package io.gantry.proxy.table;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * What one service contributes to the routing table: its listening addresses with their entries,
 * its health-check port, its warnings and the endpoint addresses it references. Compiled from
 * the service's views alone, so that a change to one service recompiles one of these.
 *
 * @param service     {@code namespace/name}
 * @param claims      listening key and entry, in the order the service claims them (first wins)
 * @param healthCheck the health check, or null
 * @param healthCheckPort its port (0 without one)
 * @param warnings    what was skipped and why
 * @param referenced  endpoint socket addresses its targets use (with repeats; released as acquired)
 */
record ServiceRoutes(String service, List<Claim> claims, HealthCheck healthCheck, int healthCheckPort,
    List<String> warnings, List<InetSocketAddress> referenced) {

  record Claim(ListenKey key, ServiceEntry entry) {
  }

  ServiceRoutes {
    claims = List.copyOf(claims);
    warnings = List.copyOf(warnings);
    referenced = List.copyOf(referenced);
  }
}
