package io.gantry.control.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.gantry.control.api.Resources;
import io.gantry.control.api.v1.ControlMessage;
import io.gantry.control.api.v1.NodeView;
import io.gantry.control.api.v1.Resource;
import io.gantry.control.api.v1.ResourceType;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SnapshotFolderTest {

  private static final ResourceType NODE = ResourceType.RESOURCE_TYPE_NODE;

  private static Resource node(String name, long version, String cidr) {
    return Resource.newBuilder().setName(name).setVersion(version)
        .setNode(NodeView.newBuilder().setName(name).addPodCidrs(cidr)).build();
  }

  @Test
  void badItemsAreRejectedAndTheirLastGoodCopyKept() {
    SnapshotFolder folder = new SnapshotFolder(r -> List.of());
    SnapshotFolder.Result first = folder.fold(DataPlaneSnapshot.EMPTY, ControlMessage.newBuilder().setNonce("1")
        .setSystemVersion(5).addUpserts(node("a", 1, "127.244.1.0/24")).addUpserts(node("b", 2, "127.244.2.0/24"))
        .build());
    assertEquals(Set.of("a", "b"), first.changes().of(NODE).added());

    SnapshotFolder.Result second = folder.fold(first.snapshot(), ControlMessage.newBuilder().setNonce("2")
        .setSystemVersion(9).addUpserts(node("a", 7, "bogus")).addUpserts(node("c", 8, "127.244.3.0/24"))
        .addRemovals(Resources.key(NODE, "b")).build());

    DataPlaneSnapshot snapshot = second.snapshot();
    assertEquals(1, second.errors().size());
    assertEquals("a", second.errors().get(0).getName());
    assertEquals(1, snapshot.version(NODE, "a"), "the rejected view keeps its last good copy");
    assertEquals(8, snapshot.version(NODE, "c"));
    assertEquals(-1, snapshot.version(NODE, "b"));
    assertEquals(Set.of("c"), second.changes().of(NODE).added());
    assertEquals(Set.of("b"), second.changes().of(NODE).removed());
    assertEquals(Set.of(), second.changes().of(NODE).updated());
    assertEquals(9, snapshot.systemVersion());
  }

  @Test
  void untouchedTypesAreShared() {
    SnapshotFolder folder = new SnapshotFolder(r -> List.of());
    DataPlaneSnapshot start = folder.fold(DataPlaneSnapshot.EMPTY, ControlMessage.newBuilder()
        .addUpserts(node("a", 1, "127.244.1.0/24")).build()).snapshot();
    DataPlaneSnapshot next = folder.fold(start, ControlMessage.newBuilder().setSystemVersion(3).build()).snapshot();
    assertSame(start.of(NODE), next.of(NODE));
  }

  @Test
  void aChangeSharesTheRestOfItsTypeAndCopiesNothingElse() {
    SnapshotFolder folder = new SnapshotFolder(r -> List.of());
    ControlMessage.Builder initial = ControlMessage.newBuilder().setSystemVersion(1);
    for (int i = 0; i < 5000; i++) {
      initial.addUpserts(node("n" + i, 1, "127.244." + (i % 256) + ".0/24"));
    }
    DataPlaneSnapshot start = folder.fold(DataPlaneSnapshot.EMPTY, initial.build()).snapshot();
    Resource kept = start.of(NODE).get("n1");
    SnapshotFolder.Result result = folder.fold(start, ControlMessage.newBuilder().setSystemVersion(2)
        .addUpserts(node("n7", 2, "127.244.99.0/24")).addRemovals(Resources.key(NODE, "n8")).build());

    DataPlaneSnapshot next = result.snapshot();
    assertEquals(4999, next.of(NODE).size());
    assertEquals(2, next.version(NODE, "n7"));
    assertEquals(-1, next.version(NODE, "n8"));
    assertEquals(1, start.version(NODE, "n7"), "the previous snapshot is unchanged");
    assertEquals(5000, start.of(NODE).size());
    assertSame(kept, next.of(NODE).get("n1"));
    assertEquals(Set.of("n7"), result.changes().of(NODE).updated());
    assertEquals(Set.of("n8"), result.changes().of(NODE).removed());
  }
}
