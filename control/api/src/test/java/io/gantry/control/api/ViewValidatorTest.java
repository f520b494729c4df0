package io.gantry.control.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.control.api.v1.Endpoint;
import io.gantry.control.api.v1.EndpointPort;
import io.gantry.control.api.v1.EndpointView;
import io.gantry.control.api.v1.NodeView;
import io.gantry.control.api.v1.Resource;
import io.gantry.control.api.v1.ResourceType;
import io.gantry.control.api.v1.ServicePort;
import io.gantry.control.api.v1.ServiceView;
import java.util.List;
import org.junit.jupiter.api.Test;

class ViewValidatorTest {

  private static ServiceView.Builder service() {
    return ServiceView.newBuilder().setNamespace("demo").setName("web").setType("ClusterIP")
        .addClusterIps("127.96.0.10")
        .addPorts(ServicePort.newBuilder().setName("http").setProtocol("TCP").setPort(80).setTargetPortNumber(8080));
  }

  @Test
  void goodServicePasses() {
    Resource resource = Resource.newBuilder().setName("demo/web").setVersion(3).setService(service()).build();
    assertEquals(List.of(), ViewValidator.validate(resource));
    assertTrue(ViewValidator.check(resource).isEmpty());
  }

  @Test
  void badServiceCollectsEveryProblem() {
    ServiceView view = service().addClusterIps("127.96.0.300")
        .addPorts(ServicePort.newBuilder().setName("http").setProtocol("ICMP").setPort(70000)).build();
    Resource resource = Resource.newBuilder().setName("demo/other").setService(view).build();

    List<String> errors = ViewValidator.validate(resource);

    assertTrue(errors.contains("resource name: \"demo/other\" (expected: \"demo/web\")"), errors.toString());
    assertTrue(errors.contains("clusterIPs[1]: \"127.96.0.300\" (expected: an IPv4 or IPv6 address)"),
        errors.toString());
    assertTrue(errors.contains("ports[1].name: \"http\" (expected: unique among the ports)"), errors.toString());
    assertTrue(errors.contains("ports[1].protocol: \"ICMP\" (expected: TCP, UDP or SCTP)"), errors.toString());
    assertTrue(errors.contains("ports[1].port: 70000 (expected: 1-65535)"), errors.toString());
    assertEquals(ResourceType.RESOURCE_TYPE_SERVICE, ViewValidator.check(resource).orElseThrow().getType());
  }

  @Test
  void endpointAddressesAndPortsAreChecked() {
    EndpointView view = EndpointView.newBuilder().setNamespace("demo").setServiceName("web")
        .addEndpoints(Endpoint.newBuilder().setAddress("fd00::1")
            .putPorts("http", EndpointPort.newBuilder().setPort(8080).setProtocol("TCP").build()))
        .addEndpoints(Endpoint.newBuilder().setAddress("web-1.local")
            .putPorts("http", EndpointPort.newBuilder().setPort(0).setProtocol("TCP").build()))
        .build();
    List<String> errors = ViewValidator.validate(Resource.newBuilder().setName("demo/web").setEndpoints(view).build());
    assertEquals(List.of("endpoints[1].address: \"web-1.local\" (expected: an IPv4 or IPv6 address)",
        "endpoints[1].ports[http].port: 0 (expected: 1-65535)"), errors);
  }

  @Test
  void nodeCidrsAndMissingViewsAreChecked() {
    Resource node = Resource.newBuilder().setName("n1")
        .setNode(NodeView.newBuilder().setName("n1").addPodCidrs("127.244.1.0/33")).build();
    assertEquals(List.of("podCIDRs[0]: \"127.244.1.0/33\" (expected: a CIDR such as 10.244.1.0/24)"),
        ViewValidator.validate(node));
    assertFalse(ViewValidator.validate(Resource.newBuilder().setName("x").build()).isEmpty());
  }

  @Test
  void ipLiteralsNeverNeedAResolver() {
    assertTrue(IpLiterals.isIpv4("127.0.0.1"));
    assertFalse(IpLiterals.isIpv4("127.0.1"));
    assertFalse(IpLiterals.isIpv4("01.2.3.4"));
    assertTrue(IpLiterals.isIpv6("::1"));
    assertFalse(IpLiterals.isIpv6("example.com"));
    assertTrue(IpLiterals.isCidr("fd00::/8"));
    assertFalse(IpLiterals.isCidr("10.0.0.0/"));
  }
}
