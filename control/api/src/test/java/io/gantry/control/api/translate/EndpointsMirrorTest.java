package io.gantry.control.api.translate;

import static io.gantry.control.api.translate.ViewTranslatorTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.api.v1.EndpointView;
import java.util.List;
import org.junit.jupiter.api.Test;

/** v1 Endpoints read as the mirroring controller's EndpointSlices, then folded as every slice is. */
class EndpointsMirrorTest {

  @Test
  void subsetsBecomeSlicesPerAddressFamilyWithReadinessHostnamesAndPorts() {
    ObjectNode endpoints = json("{'kind':'Endpoints','metadata':{'name':'legacy','namespace':'shop'},'subsets':["
        + "{'addresses':[{'ip':'10.1.0.5','hostname':'db-0','nodeName':'n1'},{'ip':'fd00::5'}],"
        + "'notReadyAddresses':[{'ip':'10.1.0.6'}],'ports':[{'name':'pg','port':5432,'protocol':'TCP'}]}]}");

    List<ObjectNode> slices = EndpointsMirror.slices(endpoints);

    assertEquals(2, slices.size());
    assertEquals(json("{'apiVersion':'discovery.k8s.io/v1','kind':'EndpointSlice','metadata':{'name':'legacy-mirror-0',"
        + "'namespace':'shop','labels':{'kubernetes.io/service-name':'legacy'}},'addressType':'IPv4','endpoints':["
        + "{'addresses':['10.1.0.5'],'conditions':{'ready':true},'hostname':'db-0','nodeName':'n1'},"
        + "{'addresses':['10.1.0.6'],'conditions':{'ready':false}}],"
        + "'ports':[{'name':'pg','port':5432,'protocol':'TCP'}]}"), slices.get(0));
    assertEquals("IPv6", slices.get(1).path("addressType").asText());

    EndpointView view = EndpointAggregator.aggregate("shop", "legacy", slices);
    assertEquals(List.of("10.1.0.5", "10.1.0.6", "fd00::5"),
        view.getEndpointsList().stream().map(e -> e.getAddress()).toList());
    assertEquals("db-0", view.getEndpoints(0).getHostname());
    assertEquals(false, view.getEndpoints(1).getReady());
    assertEquals(5432, view.getEndpoints(0).getPortsOrThrow("pg").getPort());
  }

  @Test
  void anEndpointsThatSaysSkipMirrorGivesNone() {
    assertEquals(List.of(), EndpointsMirror.slices(json("{'metadata':{'name':'x','namespace':'a','labels':"
        + "{'endpointslice.kubernetes.io/skip-mirror':'true'}},'subsets':[{'addresses':[{'ip':'10.1.0.5'}]}]}")));
  }
}
