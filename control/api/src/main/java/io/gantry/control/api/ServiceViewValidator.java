package io.gantry.control.api;

import io.gantry.control.api.v1.ServicePort;
import io.gantry.control.api.v1.ServiceView;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks a {@link ServiceView}: names, IPs that parse, ports in range, known enum values. */
public final class ServiceViewValidator {

  private static final List<String> TYPES = List.of("ClusterIP", "NodePort", "LoadBalancer", "ExternalName");
  private static final List<String> AFFINITIES = List.of("None", "ClientIP");
  private static final List<String> POLICIES = List.of("Cluster", "Local");

  private ServiceViewValidator() {
  }

  public static void validate(ServiceView view, String resourceName, List<String> errors) {
    Checks.namespacedName(view.getNamespace(), view.getName(), resourceName, errors);
    Checks.oneOf("type", view.getType(), TYPES, errors);
    if (view.getType().equals("ExternalName")) {
      Checks.nonEmpty("externalName", view.getExternalName(), errors);
    }
    for (int i = 0; i < view.getClusterIpsCount(); i++) {
      Checks.ip("clusterIPs[" + i + "]", view.getClusterIps(i), errors);
    }
    for (int i = 0; i < view.getExternalIpsCount(); i++) {
      Checks.ip("externalIPs[" + i + "]", view.getExternalIps(i), errors);
    }
    for (int i = 0; i < view.getLoadBalancerIpsCount(); i++) {
      Checks.ip("loadBalancerIPs[" + i + "]", view.getLoadBalancerIps(i), errors);
    }
    if (!view.getSessionAffinity().isEmpty()) {
      Checks.oneOf("sessionAffinity", view.getSessionAffinity(), AFFINITIES, errors);
    }
    if (view.getSessionAffinityTimeoutSeconds() < 0 || view.getSessionAffinityTimeoutSeconds() > 86400) {
      errors.add("sessionAffinityTimeoutSeconds: " + view.getSessionAffinityTimeoutSeconds() + " (expected: 0-86400)");
    }
    if (!view.getInternalTrafficPolicy().isEmpty()) {
      Checks.oneOf("internalTrafficPolicy", view.getInternalTrafficPolicy(), POLICIES, errors);
    }
    if (!view.getExternalTrafficPolicy().isEmpty()) {
      Checks.oneOf("externalTrafficPolicy", view.getExternalTrafficPolicy(), POLICIES, errors);
    }
    Checks.optionalPort("healthCheckNodePort", view.getHealthCheckNodePort(), errors);
    Set<String> names = new HashSet<>();
    for (int i = 0; i < view.getPortsCount(); i++) {
      ServicePort port = view.getPorts(i);
      String field = "ports[" + i + "]";
      if (!names.add(port.getName())) {
        errors.add(field + ".name: \"" + port.getName() + "\" (expected: unique among the ports)");
      }
      Checks.protocol(field + ".protocol", port.getProtocol(), errors);
      Checks.port(field + ".port", port.getPort(), errors);
      Checks.optionalPort(field + ".nodePort", port.getNodePort(), errors);
      switch (port.getTargetCase()) {
        case TARGET_PORT_NUMBER -> Checks.port(field + ".targetPort", port.getTargetPortNumber(), errors);
        case TARGET_PORT_NAME -> Checks.nonEmpty(field + ".targetPort", port.getTargetPortName(), errors);
        case TARGET_NOT_SET -> { }
      }
    }
  }
}
