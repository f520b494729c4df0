package io.gantry.control.client;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * An immutable hash map whose {@link #plus} and {@link #minus} return a new map sharing all but
 * one path with this one: a hash array mapped trie (Bagwell; the node layout of Clojure's
 * PersistentHashMap), 32-way, so an update copies at most about log32(n) small arrays instead
 * of the whole map. This is what lets a daemon fold a one-endpoint push into a snapshot of
 * 10 000 services in time and garbage proportional to the change.
 *
 * <p>A read-only {@link Map} to everyone else: the mutators of {@link Map} throw
 * {@link UnsupportedOperationException}; {@code equals} and {@code hashCode} follow the Map
 * contract. Keys and values are never null. Iteration order is unspecified.
 *
 * <p>Public because the proxy's routing table reuses it for the same reason.
 *
 * <p>Concurrency: immutable, so safe to share between threads without synchronization.
 */
public final class PersistentHashMap<K, V> extends AbstractMap<K, V> {

  private static final PersistentHashMap<?, ?> EMPTY = new PersistentHashMap<>(null, 0);
  private static final Object NOT_FOUND = new Object();
  private static final int BITS = 5;

  private final Node root;
  private final int size;
  private Set<Entry<K, V>> entries;

  private PersistentHashMap(Node root, int size) {
    this.root = root;
    this.size = size;
  }

  @SuppressWarnings("unchecked")
  public static <K, V> PersistentHashMap<K, V> empty() {
    return (PersistentHashMap<K, V>) EMPTY;
  }

  /** {@code map} itself when it is one already, else a persistent copy (O(n), once). */
  public static <K, V> PersistentHashMap<K, V> copyOf(Map<K, V> map) {
    if (map instanceof PersistentHashMap<K, V> persistent) {
      return persistent;
    }
    PersistentHashMap<K, V> result = empty();
    for (Entry<K, V> entry : map.entrySet()) {
      result = result.plus(entry.getKey(), entry.getValue());
    }
    return result;
  }

  /** This map with {@code key} mapped to {@code value}; this map itself when it already was. */
  public PersistentHashMap<K, V> plus(K key, V value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    boolean[] added = new boolean[1];
    Node start = root == null ? BitmapNode.EMPTY : root;
    Node next = start.plus(0, hash(key), key, value, added);
    if (next == root) {
      return this;
    }
    return new PersistentHashMap<>(next, added[0] ? size + 1 : size);
  }

  /** This map without {@code key}; this map itself when it had no such key. */
  public PersistentHashMap<K, V> minus(Object key) {
    if (root == null || key == null) {
      return this;
    }
    Node next = root.minus(0, hash(key), key);
    if (next == root) {
      return this;
    }
    return next == null ? empty() : new PersistentHashMap<>(next, size - 1);
  }

  @Override
  @SuppressWarnings("unchecked")
  public V get(Object key) {
    if (root == null || key == null) {
      return null;
    }
    Object value = root.find(0, hash(key), key);
    return value == NOT_FOUND ? null : (V) value;
  }

  @Override
  public boolean containsKey(Object key) {
    return root != null && key != null && root.find(0, hash(key), key) != NOT_FOUND;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public boolean isEmpty() {
    return size == 0;
  }

  @Override
  @SuppressWarnings("unchecked")
  public void forEach(BiConsumer<? super K, ? super V> action) {
    Objects.requireNonNull(action, "action");
    for (Iterator<Entry<K, V>> it = new EntryIterator<>(root); it.hasNext(); ) {
      Entry<K, V> entry = it.next();
      action.accept(entry.getKey(), entry.getValue());
    }
  }

  @Override
  public Set<Entry<K, V>> entrySet() {
    Set<Entry<K, V>> set = entries;
    if (set == null) {
      set = new AbstractSet<>() {
        @Override
        public Iterator<Entry<K, V>> iterator() {
          return new EntryIterator<>(root);
        }

        @Override
        public int size() {
          return size;
        }
      };
      entries = set; // benign race: every copy is equivalent
    }
    return set;
  }

  private static int hash(Object key) {
    int h = key.hashCode();
    return h ^ (h >>> 16);
  }

  private static int bit(int hash, int shift) {
    return 1 << ((hash >>> shift) & 31);
  }

  /** A trie node; every operation returns this node itself when nothing changed. */
  private interface Node {
    Object find(int shift, int hash, Object key);

    Node plus(int shift, int hash, Object key, Object value, boolean[] added);

    /** Null when the node becomes empty. */
    Node minus(int shift, int hash, Object key);

    /** Key/value pairs; a null key marks a child node in the value slot. */
    Object[] slots();
  }

  /** Up to 32 slots, present ones flagged in {@code bitmap}, stored densely in bit order. */
  private record BitmapNode(int bitmap, Object[] slots) implements Node {
    static final BitmapNode EMPTY = new BitmapNode(0, new Object[0]);

    private int index(int bit) {
      return Integer.bitCount(bitmap & (bit - 1));
    }

    @Override
    public Object find(int shift, int hash, Object key) {
      int bit = bit(hash, shift);
      if ((bitmap & bit) == 0) {
        return NOT_FOUND;
      }
      int i = 2 * index(bit);
      Object k = slots[i];
      if (k == null) {
        return ((Node) slots[i + 1]).find(shift + BITS, hash, key);
      }
      return key.equals(k) ? slots[i + 1] : NOT_FOUND;
    }

    @Override
    public Node plus(int shift, int hash, Object key, Object value, boolean[] added) {
      int bit = bit(hash, shift);
      int i = 2 * index(bit);
      if ((bitmap & bit) == 0) {
        Object[] next = new Object[slots.length + 2];
        System.arraycopy(slots, 0, next, 0, i);
        next[i] = key;
        next[i + 1] = value;
        System.arraycopy(slots, i, next, i + 2, slots.length - i);
        added[0] = true;
        return new BitmapNode(bitmap | bit, next);
      }
      Object k = slots[i];
      Object v = slots[i + 1];
      if (k == null) {
        Node child = ((Node) v).plus(shift + BITS, hash, key, value, added);
        return child == v ? this : with(i + 1, child);
      }
      if (key.equals(k)) {
        return v == value ? this : with(i + 1, value);
      }
      added[0] = true;
      Node child = pair(shift + BITS, k, v, hash, key, value);
      Object[] next = slots.clone();
      next[i] = null;
      next[i + 1] = child;
      return new BitmapNode(bitmap, next);
    }

    @Override
    public Node minus(int shift, int hash, Object key) {
      int bit = bit(hash, shift);
      if ((bitmap & bit) == 0) {
        return this;
      }
      int i = 2 * index(bit);
      Object k = slots[i];
      if (k == null) {
        Node child = (Node) slots[i + 1];
        Node next = child.minus(shift + BITS, hash, key);
        if (next == child) {
          return this;
        }
        if (next != null) {
          return with(i + 1, next);
        }
      } else if (!key.equals(k)) {
        return this;
      }
      if (bitmap == bit) {
        return null;
      }
      Object[] next = new Object[slots.length - 2];
      System.arraycopy(slots, 0, next, 0, i);
      System.arraycopy(slots, i + 2, next, i, slots.length - i - 2);
      return new BitmapNode(bitmap ^ bit, next);
    }

    private BitmapNode with(int i, Object value) {
      Object[] next = slots.clone();
      next[i] = value;
      return new BitmapNode(bitmap, next);
    }

    /** A node holding two entries whose keys differ. */
    private static Node pair(int shift, Object k1, Object v1, int h2, Object k2, Object v2) {
      int h1 = hash(k1);
      if (h1 == h2) {
        return new CollisionNode(h1, new Object[] {k1, v1, k2, v2});
      }
      boolean[] added = new boolean[1];
      return EMPTY.plus(shift, h1, k1, v1, added).plus(shift, h2, k2, v2, added);
    }
  }

  /** Entries whose keys share one full hash, scanned linearly. */
  private record CollisionNode(int hash, Object[] slots) implements Node {
    private int indexOf(Object key) {
      for (int i = 0; i < slots.length; i += 2) {
        if (key.equals(slots[i])) {
          return i;
        }
      }
      return -1;
    }

    @Override
    public Object find(int shift, int hash, Object key) {
      if (hash != this.hash) {
        return NOT_FOUND;
      }
      int i = indexOf(key);
      return i < 0 ? NOT_FOUND : slots[i + 1];
    }

    @Override
    public Node plus(int shift, int hash, Object key, Object value, boolean[] added) {
      if (hash != this.hash) {
        // Push this node one level down, beside the new key.
        return new BitmapNode(bit(this.hash, shift), new Object[] {null, this}).plus(shift, hash, key, value, added);
      }
      int i = indexOf(key);
      if (i >= 0) {
        if (slots[i + 1] == value) {
          return this;
        }
        Object[] next = slots.clone();
        next[i + 1] = value;
        return new CollisionNode(hash, next);
      }
      Object[] next = java.util.Arrays.copyOf(slots, slots.length + 2);
      next[slots.length] = key;
      next[slots.length + 1] = value;
      added[0] = true;
      return new CollisionNode(hash, next);
    }

    @Override
    public Node minus(int shift, int hash, Object key) {
      int i = hash == this.hash ? indexOf(key) : -1;
      if (i < 0) {
        return this;
      }
      if (slots.length == 2) {
        return null;
      }
      Object[] next = new Object[slots.length - 2];
      System.arraycopy(slots, 0, next, 0, i);
      System.arraycopy(slots, i + 2, next, i, slots.length - i - 2);
      return new CollisionNode(hash, next);
    }
  }

  /** Depth-first over the trie with an explicit stack (at most 7 bitmap levels and a collision node). */
  private static final class EntryIterator<K, V> implements Iterator<Entry<K, V>> {
    private final Object[][] arrays = new Object[10][];
    private final int[] positions = new int[10];
    private int depth;
    private Entry<K, V> next;

    EntryIterator(Node root) {
      if (root != null) {
        arrays[depth++] = root.slots();
      }
      advance();
    }

    @SuppressWarnings("unchecked")
    private void advance() {
      next = null;
      while (depth > 0) {
        Object[] slots = arrays[depth - 1];
        int at = positions[depth - 1];
        if (at >= slots.length) {
          arrays[--depth] = null;
          positions[depth] = 0;
          continue;
        }
        positions[depth - 1] = at + 2;
        if (slots[at] != null) {
          next = new SimpleImmutableEntry<>((K) slots[at], (V) slots[at + 1]);
          return;
        }
        arrays[depth] = ((Node) slots[at + 1]).slots();
        positions[depth++] = 0;
      }
    }

    @Override
    public boolean hasNext() {
      return next != null;
    }

    @Override
    public Entry<K, V> next() {
      if (next == null) {
        throw new NoSuchElementException();
      }
      Entry<K, V> result = next;
      advance();
      return result;
    }
  }
}
