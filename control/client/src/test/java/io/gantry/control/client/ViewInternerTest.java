package io.gantry.control.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.gantry.control.api.v1.ControlMessage;
import io.gantry.control.api.v1.Endpoint;
import io.gantry.control.api.v1.EndpointPort;
import io.gantry.control.api.v1.EndpointView;
import io.gantry.control.api.v1.Resource;
import io.gantry.control.api.v1.ResourceType;
import java.util.List;
import org.junit.jupiter.api.Test;

class ViewInternerTest {

  /** As from the wire: every string and port message its own copy. */
  private static Resource endpoints(String service, int count) throws Exception {
    EndpointView.Builder view = EndpointView.newBuilder().setNamespace("default").setServiceName(service);
    for (int i = 0; i < count; i++) {
      view.addEndpoints(Endpoint.newBuilder().setAddress("127.0.1." + (i + 1)).setNodeName("node-" + (i % 2))
          .setZone("zone-a").setReady(true).setTargetPodName(service + "-" + i)
          .putPorts("http", EndpointPort.newBuilder().setPort(8080).setProtocol("TCP").build()));
    }
    Resource resource = Resource.newBuilder().setName("default/" + service).setVersion(1).setEndpoints(view).build();
    return Resource.parseFrom(resource.toByteArray());
  }

  @Test
  void foldedEndpointViewsEqualWhatArrivedAndShareTheirRepeatedValues() throws Exception {
    Resource web = endpoints("web", 4);
    Resource api = endpoints("api", 3);
    DataPlaneSnapshot snapshot = new SnapshotFolder(r -> List.of()).fold(DataPlaneSnapshot.EMPTY,
        ControlMessage.newBuilder().addUpserts(web).addUpserts(api).build()).snapshot();

    Resource keptWeb = snapshot.of(ResourceType.RESOURCE_TYPE_ENDPOINTS).get("default/web");
    Resource keptApi = snapshot.of(ResourceType.RESOURCE_TYPE_ENDPOINTS).get("default/api");
    assertEquals(web, keptWeb);
    assertEquals(api, keptApi);
    Endpoint a = keptWeb.getEndpoints().getEndpoints(0);
    Endpoint b = keptApi.getEndpoints().getEndpoints(2);
    assertNotSame(web.getEndpoints().getEndpoints(0).getNodeName(), api.getEndpoints().getEndpoints(2).getNodeName());
    assertSame(a.getNodeName(), b.getNodeName());
    assertSame(a.getZone(), b.getZone());
    assertSame(a.getPortsMap().get("http"), b.getPortsMap().get("http"));
    assertSame(a.getPortsMap().keySet().iterator().next(), b.getPortsMap().keySet().iterator().next());
    assertEquals("web-0", a.getTargetPodName());
  }

  @Test
  void otherResourcesStayAsTheyArrived() throws Exception {
    Resource node = Resource.newBuilder().setName("n1").setNode(
        io.gantry.control.api.v1.NodeView.newBuilder().setName("n1").addPodCidrs("127.244.1.0/24")).build();
    assertSame(node, new ViewInterner().intern(node));
  }

  @Test
  void stopsInterningNewValuesWhenFull() throws Exception {
    ViewInterner interner = new ViewInterner();
    for (int i = 0; i < ViewInterner.MAX_VALUES; i++) {
      EndpointView.Builder view = EndpointView.newBuilder().setNamespace("default").setServiceName("s" + i)
          .addEndpoints(Endpoint.newBuilder().setAddress("127.0.1.1").setNodeName("node-" + i));
      interner.intern(Resource.newBuilder().setName("default/s" + i).setEndpoints(view).build());
    }
    Resource late = endpoints("late", 2);
    Resource kept = interner.intern(late);
    assertEquals(late, kept);
    assertNotSame(kept.getEndpoints().getEndpoints(0).getZone(), interner.intern(endpoints("late", 2))
        .getEndpoints().getEndpoints(0).getZone());
  }
}
