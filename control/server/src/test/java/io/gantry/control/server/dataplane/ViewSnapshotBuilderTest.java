package io.gantry.control.server.dataplane;

import io.gantry.control.api.translate.ViewTranslator;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.api.v1.Resource;
import io.gantry.control.api.v1.ResourceType;
import io.gantry.control.server.registry.ObjectEvent;
import io.gantry.control.server.resource.ResourceTypes;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ViewSnapshotBuilderTest {

  private final ViewSnapshotBuilder builder = new ViewSnapshotBuilder(Duration.ofMillis(1));

  @AfterEach
  void close() {
    builder.close();
  }

  private static ObjectNode slice(String name, String address, long rv) {
    return json("{'metadata':{'namespace':'demo','name':'" + name + "','resourceVersion':'" + rv + "',"
        + "'labels':{'kubernetes.io/service-name':'web'}},'addressType':'IPv4',"
        + "'ports':[{'name':'http','port':8080}],'endpoints':[{'addresses':['" + address + "']}]}");
  }

  private ViewSnapshot apply(io.gantry.control.server.resource.ResourceType type, ObjectEvent.Type event,
      ObjectNode object, long revision) throws Exception {
    builder.onEventForTest(type, event, object, revision);
    return builder.sync().get();
  }

  @Test
  void endpointVersionMovesWhenASliceGoesAway() throws Exception {
    apply(ResourceTypes.ENDPOINTSLICES, ObjectEvent.Type.ADDED, slice("web-a", "127.244.1.1", 10), 10);
    ViewSnapshot two = apply(ResourceTypes.ENDPOINTSLICES, ObjectEvent.Type.ADDED, slice("web-b", "127.244.1.2", 8),
        11);
    Resource both = two.get(ResourceType.RESOURCE_TYPE_ENDPOINTS, "demo/web");
    assertEquals(2, both.getEndpoints().getEndpointsCount());
    assertEquals(10, both.getVersion(), "the newest slice's resourceVersion");
    assertEquals(Set.of("demo/web"), two.changed().get(ResourceType.RESOURCE_TYPE_ENDPOINTS));

    ViewSnapshot one = apply(ResourceTypes.ENDPOINTSLICES, ObjectEvent.Type.DELETED, slice("web-b", "127.244.1.2", 8),
        12);
    Resource left = one.get(ResourceType.RESOURCE_TYPE_ENDPOINTS, "demo/web");
    assertEquals(1, left.getEndpoints().getEndpointsCount());
    assertEquals(12, left.getVersion(), "removing a slice changes the version even though web-a is newest");
    assertEquals(12, one.systemVersion());

    ViewSnapshot none = apply(ResourceTypes.ENDPOINTSLICES, ObjectEvent.Type.DELETED,
        slice("web-a", "127.244.1.1", 10), 13);
    assertNull(none.get(ResourceType.RESOURCE_TYPE_ENDPOINTS, "demo/web"));
  }

  @Test
  void invalidViewIsNotServedAndTheLastGoodOneStays() throws Exception {
    apply(ResourceTypes.ENDPOINTSLICES, ObjectEvent.Type.ADDED, slice("web-a", "127.244.1.1", 10), 10);
    ViewSnapshot after = apply(ResourceTypes.ENDPOINTSLICES, ObjectEvent.Type.MODIFIED,
        slice("web-a", "not-an-ip", 11), 11);

    Resource kept = after.get(ResourceType.RESOURCE_TYPE_ENDPOINTS, "demo/web");
    assertNotNull(kept);
    assertEquals("127.244.1.1", kept.getEndpoints().getEndpoints(0).getAddress());
    assertEquals(1, builder.invalidViews());
  }

  @Test
  void unchangedViewKeepsItsVersionAndIsNotReportedChanged() throws Exception {
    ObjectNode node = json("{'metadata':{'name':'n1','resourceVersion':'4'},'spec':{'podCIDR':'127.244.1.0/24'}}");
    apply(ResourceTypes.NODES, ObjectEvent.Type.ADDED, node, 4);
    ObjectNode heartbeat = node.deepCopy();
    ((ObjectNode) heartbeat.get("metadata")).put("resourceVersion", "9");
    ViewSnapshot after = apply(ResourceTypes.NODES, ObjectEvent.Type.MODIFIED, heartbeat, 9);

    assertEquals(4, after.get(ResourceType.RESOURCE_TYPE_NODE, "n1").getVersion());
    assertTrue(after.changed().isEmpty() || !after.changed().containsKey(ResourceType.RESOURCE_TYPE_NODE));
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode json(String text) {
    return io.gantry.control.server.json.Json.parseObject(
        text.replace('\'', '"').getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
