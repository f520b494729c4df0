package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.resource.ResourceType;

/**
 * Joins the store transaction that writes an object, so that what an object reserves (a
 * ClusterIP, a NodePort, a pod CIDR) is taken and released atomically with the object itself.
 *
 * <p>A plugin reserves by adding a compare that the reservation key is absent (or still its own)
 * and a put of that key. When another writer wins the race the transaction fails and the
 * registry calls the plugin again from a fresh read. Plugins are called on the request's thread
 * and may read the store.
 */
public interface WritePlugin {

  /**
   * Called on an update of the main resource (not of a subresource) after defaulting and before
   * validation, like a registry strategy's {@code PrepareForUpdate}: may copy values the server
   * allocated earlier that the client left out, or drop fields the new object no longer needs
   * (a Service's node ports when it becomes a ClusterIP Service). Must not touch the store.
   *
   * @throws ApiException to refuse the update
   */
  default void prepareForUpdate(ResourceType type, ObjectNode object, ObjectNode old) throws ApiException {}

  /**
   * Called on a create after defaulting, validation, the namespace check and the field ownership,
   * like a mutating admission plugin: may change {@code object} (a default that depends on other
   * objects; no manager owns it) and read the store.
   *
   * @throws ApiException to refuse the create, e.g. 403 when a referenced object is missing
   */
  default void admitCreate(ResourceType type, ObjectNode object) throws ApiException {}

  /**
   * Called before an object is created ({@code old} null) or updated; may change {@code object}
   * (fill in an allocated field) and returns what to add to the write's transaction.
   *
   * @throws ApiException to refuse the write, e.g. 422 when an explicit address is taken
   */
  default TxnParts beforeWrite(ResourceType type, ObjectNode object, ObjectNode old) throws ApiException {
    return TxnParts.NONE;
  }

  /** Called before an object leaves the store for good; returns what to release with it. */
  default TxnParts beforeRemove(ResourceType type, ObjectNode old) {
    return TxnParts.NONE;
  }
}
