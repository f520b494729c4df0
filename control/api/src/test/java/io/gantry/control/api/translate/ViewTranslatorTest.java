package io.gantry.control.api.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.api.v1.Endpoint;
import io.gantry.control.api.v1.EndpointView;
import io.gantry.control.api.v1.NodeView;
import io.gantry.control.api.v1.ServicePort;
import io.gantry.control.api.v1.ServiceView;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ViewTranslatorTest {

  static ObjectNode json(String text) {
    try {
      return (ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(text.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Test
  void serviceViewAppliesDefaultsAndKeepsOnlyGantryAnnotations() {
    ServiceView view = ViewTranslator.service(json("""
        {'metadata':{'namespace':'demo','name':'web','resourceVersion':'12',
           'annotations':{'gantry.io/balancing':'least-request','kubectl.kubernetes.io/last-applied':'{}'}},
         'spec':{'type':'NodePort','clusterIP':'127.96.0.10','clusterIPs':['127.96.0.10'],
           'selector':{'app':'web'},'sessionAffinity':'ClientIP','externalTrafficPolicy':'Local',
           'ports':[{'name':'http','port':80,'targetPort':'http-alt','nodePort':30080},
                    {'name':'dns','protocol':'UDP','port':53,'targetPort':5353},
                    {'name':'plain','port':8080}]},
         'status':{'loadBalancer':{'ingress':[{'ip':'127.240.0.1'}]}}}
        """));

    assertEquals("demo", view.getNamespace());
    assertEquals("NodePort", view.getType());
    assertEquals(List.of("127.96.0.10"), view.getClusterIpsList());
    assertEquals(List.of("127.240.0.1"), view.getLoadBalancerIpsList());
    assertEquals("ClientIP", view.getSessionAffinity());
    assertEquals(10800, view.getSessionAffinityTimeoutSeconds());
    assertEquals("Local", view.getExternalTrafficPolicy());
    assertEquals("Cluster", view.getInternalTrafficPolicy());
    assertFalse(view.getHeadless());
    assertFalse(view.getSelectorless());
    ServicePort http = view.getPorts(0);
    assertEquals("TCP", http.getProtocol());
    assertEquals("http-alt", http.getTargetPortName());
    assertEquals(30080, http.getNodePort());
    assertEquals(5353, view.getPorts(1).getTargetPortNumber());
    assertEquals("UDP", view.getPorts(1).getProtocol());
    assertEquals(8080, view.getPorts(2).getTargetPortNumber(), "targetPort defaults to port");
    assertEquals(java.util.Map.of("gantry.io/balancing", "least-request"), view.getAnnotationsMap());
  }

  @Test
  void loadBalancerIngressInProxyModeIsNotTakenOver() {
    ServiceView view = ViewTranslator.service(json("""
        {'metadata':{'namespace':'demo','name':'lb'},'spec':{'type':'LoadBalancer','clusterIP':'127.96.0.10',
           'ports':[{'port':80,'nodePort':30080}]},
         'status':{'loadBalancer':{'ingress':[{'ip':'127.240.0.1','ipMode':'VIP'},
           {'ip':'127.240.0.2','ipMode':'Proxy'},{'ip':'127.240.0.3'},{'hostname':'lb.example.com'}]}}}
        """));
    assertEquals(List.of("127.240.0.1", "127.240.0.3"), view.getLoadBalancerIpsList());
  }

  @Test
  void loadBalancerSourceRangesComeFromTheFieldElseTheAnnotation() {
    ServiceView field = ViewTranslator.service(json("""
        {'metadata':{'namespace':'demo','name':'lb',
           'annotations':{'service.beta.kubernetes.io/load-balancer-source-ranges':'10.0.0.0/8'}},
         'spec':{'type':'LoadBalancer','loadBalancerSourceRanges':['127.0.0.0/24',' 127.1.0.0/16 '],
           'ports':[{'port':80}]}}
        """));
    assertEquals(List.of("127.0.0.0/24", "127.1.0.0/16"), field.getLoadBalancerSourceRangesList());
    ServiceView annotation = ViewTranslator.service(json("""
        {'metadata':{'namespace':'demo','name':'lb',
           'annotations':{'service.beta.kubernetes.io/load-balancer-source-ranges':'127.0.0.21/32, 127.2.0.0/16'}},
         'spec':{'type':'LoadBalancer','ports':[{'port':80}]}}
        """));
    assertEquals(List.of("127.0.0.21/32", "127.2.0.0/16"), annotation.getLoadBalancerSourceRangesList());
  }

  @Test
  void headlessSelectorlessServiceHasNoClusterIps() {
    ServiceView view = ViewTranslator.service(json("""
        {'metadata':{'namespace':'demo','name':'db'},'spec':{'clusterIP':'None','clusterIPs':['None'],
         'ports':[{'port':5432}]}}
        """));
    assertTrue(view.getHeadless());
    assertTrue(view.getSelectorless());
    assertEquals(0, view.getClusterIpsCount());
    assertEquals("ClusterIP", view.getType());
    assertEquals("None", view.getSessionAffinity());
  }

  @Test
  void servicesLabelledForAnotherProxyOrHeadlessAreMarkedIgnored() {
    String template = "{'metadata':{'namespace':'demo','name':'web'%s},'spec':{'clusterIP':'127.96.0.10',"
        + "'ports':[{'port':80}]}}";
    assertFalse(ViewTranslator.service(json(template.formatted(""))).getProxyIgnored());
    assertTrue(ViewTranslator.service(json(template.formatted(
        ",'labels':{'service.kubernetes.io/service-proxy-name':'foo-bar'}"))).getProxyIgnored());
    assertTrue(ViewTranslator.service(json(template.formatted(
        ",'labels':{'service.kubernetes.io/headless':''}"))).getProxyIgnored());
  }

  @Test
  void endpointViewAggregatesSlicesOnePerAddress() {
    ObjectNode a = json("""
        {'metadata':{'namespace':'demo','name':'web-a','resourceVersion':'5',
           'labels':{'kubernetes.io/service-name':'web'}},
         'addressType':'IPv4','ports':[{'name':'http','port':8080,'protocol':'TCP'}],
         'endpoints':[{'addresses':['127.244.1.5'],'conditions':{'ready':true},'nodeName':'n1','zone':'z1',
            'hints':{'forZones':[{'name':'z1'},{'name':'z2'}]},'targetRef':{'kind':'Pod','name':'web-1','uid':'u1'}},
           {'addresses':['127.244.1.6'],'conditions':{'ready':false,'serving':true,'terminating':true}}]}
        """);
    ObjectNode b = json("""
        {'metadata':{'namespace':'demo','name':'web-b','resourceVersion':'7',
           'labels':{'kubernetes.io/service-name':'web'}},
         'addressType':'IPv4','ports':[{'name':'http','port':9090}],
         'endpoints':[{'addresses':['127.244.1.5']},{'addresses':['127.244.0.9']}]}
        """);
    EndpointView view = EndpointAggregator.aggregate("demo", "web", List.of(b, a));

    assertEquals("web", EndpointAggregator.serviceName(a));
    assertEquals(List.of("127.244.0.9", "127.244.1.5", "127.244.1.6"),
        view.getEndpointsList().stream().map(Endpoint::getAddress).toList());
    Endpoint first = view.getEndpoints(1);
    assertEquals(8080, first.getPortsMap().get("http").getPort(), "the first slice by name wins a duplicate");
    assertEquals("n1", first.getNodeName());
    assertEquals("web-1", first.getTargetPodName());
    assertEquals(List.of("z1", "z2"), first.getHintZonesList());
    assertTrue(first.getReady() && first.getServing() && !first.getTerminating());
    Endpoint terminating = view.getEndpoints(2);
    assertTrue(!terminating.getReady() && terminating.getServing() && terminating.getTerminating());
    Endpoint unset = view.getEndpoints(0);
    assertTrue(unset.getReady() && unset.getServing(), "unset conditions mean ready and serving");
    assertEquals("TCP", unset.getPortsMap().get("http").getProtocol());
  }

  @Test
  void oneAddressInSlicesOfDifferentPortsServesEveryPort() {
    // The conformance test "should support a Service with multiple ports specified in multiple
    // EndpointSlices": one pod, one slice per service port.
    ObjectNode port80 = json("""
        {'metadata':{'namespace':'demo','name':'e2e-custom-slice-a','labels':{'kubernetes.io/service-name':'web'}},
         'addressType':'IPv4','ports':[{'name':'port80','port':8090,'protocol':'TCP'}],
         'endpoints':[{'addresses':['127.244.1.5'],'conditions':{'ready':true}}]}
        """);
    ObjectNode port81 = json("""
        {'metadata':{'namespace':'demo','name':'e2e-custom-slice-b','labels':{'kubernetes.io/service-name':'web'}},
         'addressType':'IPv4','ports':[{'name':'port81','port':9090,'protocol':'TCP'},
           {'name':'port80','port':7070,'protocol':'TCP'}],
         'endpoints':[{'addresses':['127.244.1.5'],'conditions':{'ready':true}}]}
        """);
    EndpointView view = EndpointAggregator.aggregate("demo", "web", List.of(port81, port80));

    assertEquals(1, view.getEndpointsCount());
    Endpoint endpoint = view.getEndpoints(0);
    assertEquals(8090, endpoint.getPortsMap().get("port80").getPort(), "the first slice by name keeps its port");
    assertEquals(9090, endpoint.getPortsMap().get("port81").getPort());
  }

  @Test
  void nodeViewTakesAddressesCidrsReadinessAndZone() {
    NodeView view = ViewTranslator.node(json("""
        {'metadata':{'name':'n1','labels':{'topology.kubernetes.io/zone':'z1','team':'x'}},
         'spec':{'podCIDR':'127.244.1.0/24','podCIDRs':['127.244.1.0/24']},
         'status':{'addresses':[{'type':'InternalIP','address':'127.0.1.1'}],
           'conditions':[{'type':'MemoryPressure','status':'False'},{'type':'Ready','status':'True'}]}}
        """));
    assertEquals("n1", view.getName());
    assertTrue(view.getReady());
    assertEquals(List.of("127.244.1.0/24"), view.getPodCidrsList());
    assertEquals("127.0.1.1", view.getAddresses(0).getAddress());
    assertEquals(java.util.Map.of("topology.kubernetes.io/zone", "z1"), view.getLabelsMap());
    assertFalse(view.getToBeDeleted());
  }

  @Test
  void aNodeBeingDeletedOrTaintedForRemovalIsToBeDeleted() {
    assertTrue(ViewTranslator.node(json("""
        {'metadata':{'name':'n1','deletionTimestamp':'2026-11-23T12:00:00Z','finalizers':['x']}}
        """)).getToBeDeleted());
    assertTrue(ViewTranslator.node(json("""
        {'metadata':{'name':'n1'},'spec':{'taints':[{'key':'dedicated','effect':'NoSchedule'},
          {'key':'ToBeDeletedByClusterAutoscaler','value':'1700000000','effect':'NoSchedule'}]}}
        """)).getToBeDeleted());
    assertFalse(ViewTranslator.node(json("""
        {'metadata':{'name':'n1'},'spec':{'unschedulable':true,'taints':[{'key':'node.kubernetes.io/unschedulable',
          'effect':'NoSchedule'}]}}
        """)).getToBeDeleted(), "cordoned is not being removed");
  }

  @Test
  void endpointViewCarriesTheNewestTriggerTimeOfItsSlices() {
    ObjectNode older = json("""
        {'metadata':{'namespace':'demo','name':'web-a','labels':{'kubernetes.io/service-name':'web'},
           'annotations':{'endpoints.kubernetes.io/last-change-trigger-time':'2026-01-02T03:04:05Z'}},
         'addressType':'IPv4','endpoints':[{'addresses':['127.244.1.5']}]}
        """);
    ObjectNode newer = json("""
        {'metadata':{'namespace':'demo','name':'web-b','labels':{'kubernetes.io/service-name':'web'},
           'annotations':{'endpoints.kubernetes.io/last-change-trigger-time':'2026-01-02T03:04:06.250Z'}},
         'addressType':'IPv4','endpoints':[{'addresses':['127.244.1.6']}]}
        """);
    ObjectNode garbled = json("""
        {'metadata':{'namespace':'demo','name':'web-c','labels':{'kubernetes.io/service-name':'web'},
           'annotations':{'endpoints.kubernetes.io/last-change-trigger-time':'yesterday'}},
         'addressType':'IPv4','endpoints':[]}
        """);

    assertEquals(java.time.Instant.parse("2026-01-02T03:04:06.250Z").toEpochMilli(),
        EndpointAggregator.aggregate("demo", "web", List.of(older, newer, garbled)).getLastChangeTriggerTimeMillis());
    assertEquals(0, EndpointAggregator.aggregate("demo", "web", List.of(garbled)).getLastChangeTriggerTimeMillis(),
        "an unreadable annotation means no trigger time");
  }
}
