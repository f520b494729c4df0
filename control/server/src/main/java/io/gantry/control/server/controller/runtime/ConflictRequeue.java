package io.gantry.control.server.controller.runtime;

import io.gantry.control.server.api.ApiException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A reconciler whose 409s are no errors: another writer (a client, another controller) got there
 * first, and its event re-queues the key anyway. The key is looked at again shortly, without the
 * back-off and warning of a failure.
 */
public final class ConflictRequeue {

  private static final Logger log = LoggerFactory.getLogger(ConflictRequeue.class);
  private static final Duration DELAY = Duration.ofMillis(20);

  private ConflictRequeue() {}

  /** {@code reconciler}, re-queuing its key on {@code queue} after a conflict. */
  public static ControllerLoop.Reconciler<String> of(String name, WorkQueue<String> queue,
      ControllerLoop.Reconciler<String> reconciler) {
    return key -> {
      try {
        reconciler.reconcile(key);
      } catch (ApiException e) {
        if (e.code() != 409) {
          throw e;
        }
        log.debug("{} {}: {}; trying again", name, key, e.getMessage());
        queue.addAfter(key, DELAY);
      }
    };
  }
}
