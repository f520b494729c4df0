package io.gantry.bench;

import java.util.Arrays;

/** A growable array of longs with a hard cap; owned by one thread until handed over. */
final class LongBuffer {

  private final int cap;
  private long[] values = new long[1024];
  private int size;

  LongBuffer(int cap) {
    this.cap = cap;
  }

  /** Appends {@code value}; returns false (and drops it) once the cap is reached. */
  boolean add(long value) {
    if (size == values.length) {
      if (size >= cap) {
        return false;
      }
      values = Arrays.copyOf(values, Math.min(cap, size * 2));
    }
    values[size++] = value;
    return true;
  }

  int size() {
    return size;
  }

  long get(int index) {
    if (index >= size) {
      throw new IndexOutOfBoundsException(index + " (size " + size + ")");
    }
    return values[index];
  }

  /** A copy of the values. */
  long[] toArray() {
    return Arrays.copyOf(values, size);
  }

  /** Concatenates {@code parts} into one array. */
  static long[] concat(Iterable<LongBuffer> parts) {
    int total = 0;
    for (LongBuffer part : parts) {
      total += part.size;
    }
    long[] all = new long[total];
    int at = 0;
    for (LongBuffer part : parts) {
      System.arraycopy(part.values, 0, all, at, part.size);
      at += part.size;
    }
    return all;
  }
}
