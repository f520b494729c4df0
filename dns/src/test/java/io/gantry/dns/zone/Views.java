package io.gantry.dns.zone;

import io.gantry.control.api.v1.Endpoint;
import io.gantry.control.api.v1.EndpointPort;
import io.gantry.control.api.v1.EndpointView;
import io.gantry.control.api.v1.PodView;
import io.gantry.control.api.v1.ServicePort;
import io.gantry.control.api.v1.ServiceView;

/** View factories for the zone tests. */
final class Views {

  private Views() {
  }

  static ServiceView clusterIp(String ns, String name, String ip, ServicePort... ports) {
    return ServiceView.newBuilder().setNamespace(ns).setName(name).setType("ClusterIP").addClusterIps(ip)
        .addAllPorts(java.util.List.of(ports)).build();
  }

  static ServiceView headless(String ns, String name, boolean publishNotReady, ServicePort... ports) {
    return ServiceView.newBuilder().setNamespace(ns).setName(name).setType("ClusterIP").setHeadless(true)
        .setPublishNotReadyAddresses(publishNotReady).addAllPorts(java.util.List.of(ports)).build();
  }

  static ServiceView externalName(String ns, String name, String target) {
    return ServiceView.newBuilder().setNamespace(ns).setName(name).setType("ExternalName").setExternalName(target)
        .build();
  }

  static ServicePort port(String name, String protocol, int port) {
    return ServicePort.newBuilder().setName(name).setProtocol(protocol).setPort(port).setTargetPortNumber(port).build();
  }

  static Endpoint endpoint(String address, String hostname, boolean ready, String portName, int port) {
    Endpoint.Builder endpoint = Endpoint.newBuilder().setAddress(address).setHostname(hostname).setReady(ready)
        .setServing(ready);
    if (portName != null) {
      endpoint.putPorts(portName, EndpointPort.newBuilder().setPort(port).setProtocol("TCP").build());
    }
    return endpoint.build();
  }

  static EndpointView endpoints(String ns, String service, Endpoint... endpoints) {
    return EndpointView.newBuilder().setNamespace(ns).setServiceName(service)
        .addAllEndpoints(java.util.List.of(endpoints)).build();
  }

  static PodView pod(String ns, String name, String ip) {
    return PodView.newBuilder().setNamespace(ns).setName(name).addIps(ip).build();
  }
}
