package io.gantry.control.api;

import io.gantry.control.api.v1.Endpoint;
import io.gantry.control.api.v1.EndpointPort;
import io.gantry.control.api.v1.EndpointView;
import java.util.List;
import java.util.Map;

/** Checks an {@link EndpointView}: addresses parse, ports in range, protocols known. */
public final class EndpointViewValidator {

  private EndpointViewValidator() {
  }

  public static void validate(EndpointView view, String resourceName, List<String> errors) {
    Checks.namespacedName(view.getNamespace(), view.getServiceName(), resourceName, errors);
    for (int i = 0; i < view.getEndpointsCount(); i++) {
      Endpoint endpoint = view.getEndpoints(i);
      String field = "endpoints[" + i + "]";
      Checks.ip(field + ".address", endpoint.getAddress(), errors);
      for (Map.Entry<String, EndpointPort> port : endpoint.getPortsMap().entrySet()) {
        String portField = field + ".ports[" + port.getKey() + "]";
        Checks.port(portField + ".port", port.getValue().getPort(), errors);
        Checks.protocol(portField + ".protocol", port.getValue().getProtocol(), errors);
      }
    }
  }
}
