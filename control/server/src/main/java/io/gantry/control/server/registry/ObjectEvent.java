package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One event of a Kubernetes watch.
 *
 * @param type     ADDED, MODIFIED, DELETED, BOOKMARK or ERROR
 * @param object   the object (for ERROR, a Status)
 * @param revision the revision the event happened at
 */
public record ObjectEvent(Type type, ObjectNode object, long revision) {

  public enum Type { ADDED, MODIFIED, DELETED, BOOKMARK, ERROR }

  public ObjectEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(object, "object");
  }
}
