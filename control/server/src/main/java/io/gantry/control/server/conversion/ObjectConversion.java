package io.gantry.control.server.conversion;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Converts objects of a served type to and from the representation of the type they are stored as
 * (see {@link io.gantry.control.server.resource.ResourceType#storage()}). Both directions return new
 * objects and leave their argument alone; fields the target representation lacks are dropped, as Go's
 * conversion between typed structs drops them.
 */
public interface ObjectConversion {

  /** The conversion of a type stored as itself: every method hands its argument back. */
  ObjectConversion IDENTITY = new ObjectConversion() {
    @Override
    public ObjectNode toStorage(ObjectNode object) {
      return object;
    }

    @Override
    public ObjectNode fromStorage(ObjectNode stored) {
      return stored;
    }

    @Override
    public boolean hasField(String field) {
      return true;
    }

    @Override
    public String fieldFromStorage(String storedField) {
      return storedField;
    }

    @Override
    public String fieldLabel(String label) {
      return label;
    }
  };

  /** {@code object} in the stored representation. */
  ObjectNode toStorage(ObjectNode object);

  /** A stored object in this representation. */
  ObjectNode fromStorage(ObjectNode stored);

  /** Whether this representation has the top-level field {@code field}. */
  boolean hasField(String field);

  /** The name in this representation of the stored representation's top-level field {@code storedField}. */
  String fieldFromStorage(String storedField);

  /**
   * The field selector label of the stored representation that {@code label} of this one selects on,
   * as kube-apiserver's field label conversion functions map them.
   *
   * @throws IllegalArgumentException when this representation cannot select on {@code label}, with
   *     kube-apiserver's message ({@code field label not supported: x})
   */
  String fieldLabel(String label);
}
