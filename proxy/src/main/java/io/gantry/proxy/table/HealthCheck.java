package io.gantry.proxy.table;

import java.util.Objects;

/**
 * What a {@code healthCheckNodePort} reports for one service with {@code externalTrafficPolicy:
 * Local}: the number of its ready (else serving-and-terminating) endpoints on this node.
 *
 * @param namespace      the service's namespace
 * @param name           the service's name
 * @param localEndpoints endpoints on this node
 */
public record HealthCheck(String namespace, String name, int localEndpoints) {

  public HealthCheck {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  /** kube-proxy's answer: 200 with at least one local endpoint, else 503. */
  public int status() {
    return localEndpoints > 0 ? 200 : 503;
  }

  /** kube-proxy's body: {@code {"service":{"namespace":..,"name":..},"localEndpoints":N,"serviceProxyHealthy":true}}. */
  public String json() {
    return "{\"service\":{\"namespace\":\"" + escape(namespace) + "\",\"name\":\"" + escape(name)
        + "\"},\"localEndpoints\":" + localEndpoints + ",\"serviceProxyHealthy\":true}";
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
