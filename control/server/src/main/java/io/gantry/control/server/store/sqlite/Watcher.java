package io.gantry.control.server.store.sqlite;

import io.gantry.control.server.store.Watch;
import io.gantry.control.server.store.WatchEvent;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watch: a prefix, a listener, the next revision it may receive and the revision it has caught
 * up with.
 *
 * <p>Concurrency: {@link #deliver} and {@link #goLive} run only on the dispatcher thread, which
 * owns {@code nextRevision}; {@link #close} may be called from any thread (including from inside
 * the listener) and takes effect before the next event.
 */
final class Watcher implements Watch {
  private static final Logger log = LoggerFactory.getLogger(Watcher.class);

  private final String prefix;
  private final Consumer<WatchEvent> listener;
  private final Runnable onClose;
  private long nextRevision;
  private volatile long progress;
  private volatile boolean closed;

  Watcher(String prefix, long fromRevision, Consumer<WatchEvent> listener, Runnable onClose) {
    this.prefix = prefix;
    this.nextRevision = fromRevision;
    this.listener = listener;
    this.onClose = onClose;
  }

  /**
   * Hands {@code event} to the listener when it is under the prefix and not older than what this
   * watch already saw. A listener that throws closes its watch and nothing else.
   */
  void deliver(WatchEvent event) {
    if (closed || event.revision() < nextRevision || !event.kv().key().startsWith(prefix)) {
      return;
    }
    try {
      listener.accept(event);
    } catch (RuntimeException e) {
      log.warn("watch on prefix '{}' closed: its listener threw at revision {}", prefix, event.revision(), e);
      close();
    }
  }

  /** After replay: live events at or below {@code replayedThrough} were already replayed. */
  void goLive(long replayedThrough) {
    nextRevision = Math.max(nextRevision, replayedThrough + 1);
    caughtUp(replayedThrough);
  }

  /** Every change up to {@code revision} has been offered to this watch. */
  void caughtUp(long revision) {
    if (revision > progress) {
      progress = revision; // written by the dispatcher thread only
    }
  }

  @Override
  public long progress() {
    return progress;
  }

  boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      onClose.run();
    }
  }

  @Override
  public String toString() {
    return "Watcher{prefix='" + prefix + "', closed=" + closed + '}';
  }
}
