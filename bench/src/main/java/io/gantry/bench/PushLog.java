package io.gantry.bench;

/**
 * When one simulated daemon received each push, by the push's system version: versions on one
 * stream only grow, so "first push at or after version v" is a binary search.
 *
 * <p>Concurrency: written by the daemon's callback thread, read by the benchmark thread; all
 * methods synchronize on this object. {@link #lastVersion} is also a volatile field so the
 * benchmark can poll a thousand logs cheaply.
 */
final class PushLog {

  private static final int CAP = 1 << 20;
  private final LongBuffer versions = new LongBuffer(CAP);
  private final LongBuffer nanos = new LongBuffer(CAP);
  private volatile long lastVersion;
  private volatile String problem;

  synchronized void record(long version, long atNanos) {
    if (version < lastVersion) {
      problem = "system version went back from " + lastVersion + " to " + version;
      return;
    }
    if (!versions.add(version) || !nanos.add(atNanos)) {
      problem = "more than " + CAP + " pushes";
    }
    lastVersion = version;
  }

  long lastVersion() {
    return lastVersion;
  }

  void fail(String why) {
    if (problem == null) {
      problem = why;
    }
  }

  /** What went wrong with this daemon's stream, or null. */
  String problem() {
    return problem;
  }

  /** When the first push with a system version of at least {@code version} arrived, or -1. */
  synchronized long firstAtOrAfter(long version) {
    int size = versions.size();
    int lo = 0;
    int hi = size;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (versions.get(mid) < version) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo == size ? -1 : nanos.get(lo);
  }

  synchronized int pushes() {
    return versions.size();
  }
}
