package io.gantry.control.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PersistentHashMapTest {

  /** Keys with chosen hash codes, to force collisions and deep paths. */
  private record Key(String name, int hash) {
    @Override
    public int hashCode() {
      return hash;
    }
  }

  @Test
  void randomOperationsMatchAHashMapAndOldVersionsStayIntact() {
    SplittableRandom random = new SplittableRandom(7);
    Map<Object, Integer> model = new HashMap<>();
    PersistentHashMap<Object, Integer> map = PersistentHashMap.empty();
    List<Map<Object, Integer>> models = new ArrayList<>();
    List<PersistentHashMap<Object, Integer>> versions = new ArrayList<>();
    for (int step = 0; step < 20_000; step++) {
      // Few distinct hashes among the Key objects: full collisions and shared prefixes.
      Object key = random.nextBoolean() ? "k" + random.nextInt(3000)
          : new Key("c" + random.nextInt(200), random.nextInt(40) << random.nextInt(28));
      if (random.nextInt(3) == 0) {
        model.remove(key);
        map = map.minus(key);
      } else {
        int value = random.nextInt(1000);
        model.put(key, value);
        map = map.plus(key, value);
      }
      assertEquals(model.size(), map.size());
      assertEquals(model.get(key), map.get(key));
      if (step % 2000 == 0) {
        models.add(new HashMap<>(model));
        versions.add(map);
      }
    }
    assertEquals(model, map);
    assertEquals(map, model);
    assertEquals(model.hashCode(), map.hashCode());
    Map<Object, Integer> iterated = new HashMap<>();
    map.forEach(iterated::put);
    assertEquals(model, iterated);
    for (int i = 0; i < versions.size(); i++) {
      assertEquals(models.get(i), versions.get(i), "version " + i + " changed after later updates");
    }
  }

  @Test
  void unchangedUpdatesReturnTheSameMap() {
    String value = "v";
    PersistentHashMap<String, String> map = PersistentHashMap.<String, String>empty().plus("a", value);
    assertSame(map, map.plus("a", value));
    assertSame(map, map.minus("absent"));
    assertTrue(map.minus("a").isEmpty());
    assertSame(PersistentHashMap.empty(), map.minus("a"));
    assertNull(map.get("b"));
    assertFalse(map.containsKey(null));
  }

  @Test
  void isReadOnlyAsAMap() {
    PersistentHashMap<String, String> map = PersistentHashMap.<String, String>empty().plus("a", "b");
    assertThrows(UnsupportedOperationException.class, () -> map.put("c", "d"));
    assertThrows(UnsupportedOperationException.class, () -> map.remove("a"));
    assertThrows(UnsupportedOperationException.class, () -> map.entrySet().iterator().next().setValue("x"));
    assertThrows(NullPointerException.class, () -> map.plus("k", null));
  }

  @Test
  void copyOfKeepsAPersistentMapAndConvertsOthers() {
    PersistentHashMap<String, Integer> copy = PersistentHashMap.copyOf(Map.of("a", 1, "b", 2));
    assertEquals(Map.of("a", 1, "b", 2), copy);
    assertSame(copy, PersistentHashMap.copyOf(copy));
  }
}
