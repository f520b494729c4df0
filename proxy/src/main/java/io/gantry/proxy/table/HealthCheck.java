package io.gantry.proxy.table;

import java.util.Objects;

/**
 * What a {@code healthCheckNodePort} reports for one service with {@code externalTrafficPolicy:
 * Local}: the number of its ready endpoints on this node (serving-and-terminating ones take
 * traffic when no endpoint is ready, but do not count: the node should be drained).
 *
 * @param namespace      the service's namespace
 * @param name           the service's name
 * @param localEndpoints ready endpoints on this node, by address
 */
public record HealthCheck(String namespace, String name, int localEndpoints) {

  public HealthCheck {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  /** kube-proxy's answer: 200 with at least one local ready endpoint while the proxy is healthy, else 503. */
  public int status(boolean proxyHealthy) {
    return localEndpoints > 0 && proxyHealthy ? 200 : 503;
  }

  /**
   * kube-proxy's body, byte for byte: its template dedented, one tab per level, no final newline
   * ({@code {\n\t"service": {\n\t\t"namespace": "ns",\n\t\t"name": "web"\n\t},\n\t"localEndpoints": 1,
   * \n\t"serviceProxyHealthy": true\n}}).
   */
  public String json(boolean proxyHealthy) {
    return "{\n\t\"service\": {\n\t\t\"namespace\": \"" + escape(namespace) + "\",\n\t\t\"name\": \""
        + escape(name) + "\"\n\t},\n\t\"localEndpoints\": " + localEndpoints + ",\n\t\"serviceProxyHealthy\": "
        + proxyHealthy + "\n}";
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
