package io.gantry.proxy.table;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Who claims each key (a listening address, a health-check port): services by
 * {@code namespace/name}. The first service in namespace-then-name order wins, whatever order the
 * claims came in, so an incremental table and a full rebuild agree.
 *
 * <p>Most keys have one claimant; they cost one small record. Only contested keys hold a sorted map.
 *
 * <p>Concurrency: the builder's thread only.
 */
final class Claims<K, V> {

  /** Namespace, then name, of {@code namespace/name} keys (as the builder has always ordered services). */
  static final Comparator<String> SERVICE_ORDER = Comparator.<String, String>comparing(k -> k.substring(0,
      k.indexOf('/'))).thenComparing(k -> k.substring(k.indexOf('/') + 1));

  private record One<V>(String service, V value) {
  }

  /** Per key: a {@link One} or, when contested, a {@code TreeMap<String, V>} in {@link #SERVICE_ORDER}. */
  private final Map<K, Object> byKey = new HashMap<>();

  void add(K key, String service, V value) {
    Object current = byKey.get(key);
    if (current == null) {
      byKey.put(key, new One<>(service, value));
    } else if (current instanceof One<?> one) {
      if (one.service().equals(service)) {
        byKey.put(key, new One<>(service, value));
        return;
      }
      TreeMap<String, Object> contested = new TreeMap<>(SERVICE_ORDER);
      contested.put(one.service(), one.value());
      contested.put(service, value);
      byKey.put(key, contested);
    } else {
      contested(current).put(service, value);
    }
  }

  void remove(K key, String service) {
    Object current = byKey.get(key);
    if (current instanceof One<?> one) {
      if (one.service().equals(service)) {
        byKey.remove(key);
      }
    } else if (current != null) {
      TreeMap<String, Object> contested = contested(current);
      contested.remove(service);
      if (contested.size() == 1) {
        Map.Entry<String, Object> last = contested.firstEntry();
        byKey.put(key, new One<>(last.getKey(), last.getValue()));
      }
    }
  }

  /** The winning value, or null when nobody claims {@code key}. */
  @SuppressWarnings("unchecked")
  V winner(K key) {
    Object current = byKey.get(key);
    if (current == null) {
      return null;
    }
    return (V) (current instanceof One<?> one ? one.value() : contested(current).firstEntry().getValue());
  }

  /** A warning naming the winner and the losers of {@code key}, or null when it is not contested. */
  String conflictWarning(K key, java.util.function.Function<V, String> name) {
    Object current = byKey.get(key);
    if (current == null || current instanceof One<?>) {
      return null;
    }
    TreeMap<String, Object> contested = contested(current);
    StringBuilder out = new StringBuilder();
    String winner = null;
    for (Object value : contested.values()) {
      @SuppressWarnings("unchecked")
      String n = name.apply((V) value);
      if (winner == null) {
        winner = n;
      } else {
        out.append(out.isEmpty() ? "" : "; ").append(conflict(key, winner, n));
      }
    }
    return out.toString();
  }

  static String conflict(Object key, String winner, String loser) {
    return key + " is claimed by " + winner + " and " + loser + "; " + winner + " keeps it";
  }

  @SuppressWarnings("unchecked")
  private static TreeMap<String, Object> contested(Object current) {
    return (TreeMap<String, Object>) current;
  }
}
