package io.gantry.control.server.controller;

import io.gantry.control.server.store.Store;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Keeps the store's watch history bounded, as kube-apiserver compacts etcd every few minutes:
 * each {@link #tick} samples the current revision, and history older than {@code retainTicks}
 * ticks is compacted. Watches from a compacted revision get 410 Gone and re-list.
 *
 * <p>Concurrency: call {@link #tick} from one thread.
 */
public final class HistoryCompactor {

  private final Store store;
  private final int retainTicks;
  private final Deque<Long> samples = new ArrayDeque<>();

  public HistoryCompactor(Store store, int retainTicks) {
    if (retainTicks < 1) {
      throw new IllegalArgumentException("retainTicks: " + retainTicks + " (expected: >= 1)");
    }
    this.store = store;
    this.retainTicks = retainTicks;
  }

  public void tick() {
    samples.addLast(store.currentRevision());
    if (samples.size() > retainTicks) {
      long revision = samples.removeFirst();
      if (revision > store.compactedRevision()) {
        store.compact(revision);
      }
    }
  }
}
