package io.gantry.control.server.conversion;

import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;

/** The conversion of each served type to the type it is stored as. */
public final class Conversions {

  private Conversions() {}

  /** {@link ObjectConversion#IDENTITY} for a type stored as itself. */
  public static ObjectConversion of(ResourceType type) {
    if (!type.isView()) {
      return ObjectConversion.IDENTITY;
    }
    if (type.equals(ResourceTypes.EVENTS_V1)) {
      return EventsV1Conversion.INSTANCE;
    }
    if (type.equals(ResourceTypes.HORIZONTALPODAUTOSCALERS_V1)) {
      return AutoscalingV1Conversion.INSTANCE;
    }
    throw new IllegalStateException("no conversion from " + type.qualifiedName() + " to its storage "
        + type.storageType().qualifiedName());
  }
}
