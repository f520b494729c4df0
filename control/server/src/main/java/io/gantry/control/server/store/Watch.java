package io.gantry.control.server.store;

/** A running watch; closing it stops delivery. */
public interface Watch extends AutoCloseable {

  /**
   * The revision this watch has caught up with: every change up to it has been offered to its
   * listener (delivered, or left out as outside its prefix), so a bookmark may carry it even when
   * none of those changes was the watch's own; 0 before the watch is live.
   */
  long progress();

  @Override
  void close();
}
