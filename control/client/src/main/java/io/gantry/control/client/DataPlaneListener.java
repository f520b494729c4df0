package io.gantry.control.client;

/**
 * Hears every snapshot a {@link DataPlaneClient} publishes. Called on the client's single
 * context thread, in order; must not block (hand work to the daemon's own loop).
 */
@FunctionalInterface
public interface DataPlaneListener {

  /**
   * @param snapshot the new snapshot (already published)
   * @param changes  what differs from the previous one (may be empty: a push that changed nothing)
   */
  void onUpdate(DataPlaneSnapshot snapshot, Changes changes);
}
