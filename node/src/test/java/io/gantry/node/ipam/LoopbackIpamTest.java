package io.gantry.node.ipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoopbackIpamTest {

  @TempDir
  Path dir;

  @Test
  void addressesAreKeyedByUidPersistedAndNeverDuplicated() {
    LoopbackIpam ipam = new LoopbackIpam(dir);
    assertTrue(ipam.allocate("a").isEmpty(), "no range yet");
    ipam.setCidr("127.244.7.0/24");
    String a = ipam.allocate("a").orElseThrow();
    assertEquals("127.244.7.2", a);
    assertEquals(a, ipam.allocate("a").orElseThrow(), "same pod, same address");
    String b = ipam.allocate("b").orElseThrow();
    assertNotEquals(a, b);

    LoopbackIpam restarted = new LoopbackIpam(dir);
    restarted.setCidr("127.244.7.0/24");
    assertEquals(a, restarted.lookup("a").orElseThrow(), "a restart gives the pod its address back");
    String c = restarted.allocate("c").orElseThrow();
    assertFalse(c.equals(a) || c.equals(b), "a live address is never handed out again");
  }

  @Test
  void exhaustionGivesNoAddressAndReleaseFreesOne() {
    LoopbackIpam ipam = new LoopbackIpam(dir);
    ipam.setCidr("127.244.9.0/29"); // .2 to .6
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      assertTrue(seen.add(ipam.allocate("p" + i).orElseThrow()));
    }
    assertTrue(ipam.allocate("p5").isEmpty());
    ipam.release("p2");
    assertTrue(ipam.allocate("p5").isPresent());
  }
}
