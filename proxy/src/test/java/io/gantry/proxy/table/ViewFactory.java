package io.gantry.proxy.table;

import io.gantry.control.api.v1.Endpoint;
import io.gantry.control.api.v1.EndpointPort;
import io.gantry.control.api.v1.EndpointView;
import io.gantry.control.api.v1.NodeAddress;
import io.gantry.control.api.v1.NodeView;
import io.gantry.control.api.v1.ServicePort;
import io.gantry.control.api.v1.ServiceView;

/** Small factories of views for tests. */
public final class ViewFactory {

  public static ServiceView.Builder service(String name, String clusterIp, ServicePort... ports) {
    ServiceView.Builder b = ServiceView.newBuilder().setNamespace("default").setName(name).setType("ClusterIP")
        .setSessionAffinity("None").setInternalTrafficPolicy("Cluster").setExternalTrafficPolicy("Cluster");
    if (clusterIp != null) {
      b.addClusterIps(clusterIp);
    }
    for (ServicePort p : ports) {
      b.addPorts(p);
    }
    return b;
  }

  public static ServicePort port(String name, String protocol, int port, int targetPort) {
    return ServicePort.newBuilder().setName(name).setProtocol(protocol).setPort(port).setTargetPortNumber(targetPort)
        .build();
  }

  public static ServicePort namedPort(String name, int port, String targetName) {
    return ServicePort.newBuilder().setName(name).setProtocol("TCP").setPort(port).setTargetPortName(targetName)
        .build();
  }

  public static ServicePort nodePort(String name, int port, int nodePort) {
    return ServicePort.newBuilder().setName(name).setProtocol("TCP").setPort(port).setNodePort(nodePort)
        .setTargetPortNumber(port).build();
  }

  public static Endpoint.Builder endpoint(String address, String node, boolean ready, boolean serving,
      boolean terminating) {
    return Endpoint.newBuilder().setAddress(address).setNodeName(node).setReady(ready).setServing(serving)
        .setTerminating(terminating);
  }

  public static Endpoint ready(String address, String node, String portName, String protocol, int port) {
    return endpoint(address, node, true, true, false).putPorts(portName, epPort(protocol, port)).build();
  }

  public static EndpointPort epPort(String protocol, int port) {
    return EndpointPort.newBuilder().setProtocol(protocol).setPort(port).build();
  }

  public static EndpointView endpoints(String service, Endpoint... endpoints) {
    EndpointView.Builder b = EndpointView.newBuilder().setNamespace("default").setServiceName(service);
    for (Endpoint e : endpoints) {
      b.addEndpoints(e);
    }
    return b.build();
  }

  public static NodeView node(String name, String... addresses) {
    NodeView.Builder b = NodeView.newBuilder().setName(name).setReady(true);
    for (String a : addresses) {
      b.addAddresses(NodeAddress.newBuilder().setType("InternalIP").setAddress(a));
    }
    return b.build();
  }

  private ViewFactory() {
  }
}
