package io.gantry.proxy.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PickersTest {

  private static Target[] targets(int n) {
    Target[] t = new Target[n];
    for (int i = 0; i < n; i++) {
      t[i] = new Target(new InetSocketAddress(InetAddress.getLoopbackAddress(), 8000 + i), "n1", new EndpointLoad());
    }
    return t;
  }

  private static Map<Target, Integer> histogram(Picker picker, Target[] targets, int picks) {
    Map<Target, Integer> counts = new HashMap<>();
    for (int i = 0; i < picks; i++) {
      counts.merge(picker.pick(targets), 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void roundRobinVisitsEachTargetInTurn() {
    Target[] t = targets(3);
    Map<Target, Integer> counts = histogram(Balancing.ROUND_ROBIN.newPicker(), t, 300);
    assertEquals(3, counts.size());
    counts.values().forEach(c -> assertEquals(100, c));
  }

  @Test
  void randomReachesEveryTargetRoughlyEvenly() {
    Target[] t = targets(4);
    Map<Target, Integer> counts = histogram(Balancing.RANDOM.newPicker(), t, 4000);
    assertEquals(4, counts.size());
    counts.values().forEach(c -> assertTrue(c > 700 && c < 1300, "count " + c));
  }

  @Test
  void leastConnectionsPicksTheLeastLoaded() {
    Target[] t = targets(3);
    t[0].load().opened();
    t[0].load().opened();
    t[2].load().opened();
    Picker picker = Balancing.LEAST_CONNECTIONS.newPicker();
    for (int i = 0; i < 20; i++) {
      assertEquals(t[1], picker.pick(t));
    }
    // Filling connections as picked keeps loads level.
    for (int i = 0; i < 30; i++) {
      picker.pick(t).load().opened();
    }
    int max = 0;
    int min = Integer.MAX_VALUE;
    for (Target x : t) {
      max = Math.max(max, x.load().active());
      min = Math.min(min, x.load().active());
    }
    assertTrue(max - min <= 1, "loads " + min + ".." + max);
  }

  @Test
  void powerOfTwoNeverPicksTheMostLoadedOfTwo() {
    Target[] t = targets(2);
    for (int i = 0; i < 5; i++) {
      t[0].load().opened();
    }
    Picker picker = Balancing.POWER_OF_TWO.newPicker();
    for (int i = 0; i < 50; i++) {
      assertEquals(t[1], picker.pick(t));
    }
    Target[] one = targets(1);
    assertEquals(one[0], picker.pick(one));
  }

  @Test
  void powerOfTwoAvoidsAHotTargetAmongMany() {
    Target[] t = targets(5);
    for (int i = 0; i < 100; i++) {
      t[3].load().opened();
    }
    Map<Target, Integer> counts = histogram(Balancing.POWER_OF_TWO.newPicker(), t, 1000);
    assertEquals(null, counts.get(t[3]));
    assertNotEquals(0, counts.size());
  }

  @Test
  void parsesFlagsAndAliases() {
    assertEquals(Balancing.ROUND_ROBIN, Balancing.parse("rr"));
    assertEquals(Balancing.LEAST_CONNECTIONS, Balancing.parse("least_connections"));
    assertEquals(Balancing.POWER_OF_TWO, Balancing.parse("P2C"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Balancing.parse("hash"));
    assertTrue(e.getMessage().startsWith("balancing: hash (expected:"));
  }
}
