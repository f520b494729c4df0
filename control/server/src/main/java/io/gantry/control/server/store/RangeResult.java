package io.gantry.control.server.store;

import java.util.List;

/**
 * A page of keys.
 *
 * @param kvs      the keys in key order
 * @param revision the store revision at which the page was read
 * @param more     whether keys remain after the last one returned
 */
public record RangeResult(List<KeyValue> kvs, long revision, boolean more) {
  public RangeResult {
    kvs = List.copyOf(kvs);
  }
}
