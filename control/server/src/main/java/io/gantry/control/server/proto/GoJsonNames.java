package io.gantry.control.server.proto;

import com.google.protobuf.Descriptors.FieldDescriptor;
import io.kubernetes.client.proto.V1Authentication;
import io.kubernetes.client.proto.V1Networking;
import java.util.Map;

/**
 * JSON names for the few fields whose generated.proto name is not the JSON name: the field's
 * {@code protobuf:"...,name=..."} tag in Go was derived from the Go field name ({@code APIGroup}
 * → {@code aPIGroup}) while its {@code json} tag says {@code apiGroup}. Found by scanning every
 * descriptor in client-java-proto for names that are not plain lowerCamel; the rest
 * ({@code FieldsV1.Raw}, {@code DaemonEndpoint.Port}) are spelled that way in JSON too.
 */
final class GoJsonNames {

  private static final Map<FieldDescriptor, String> RENAMED = Map.of(
      field(V1Networking.IngressClassParametersReference.getDescriptor()
          .findFieldByName("aPIGroup")), "apiGroup",
      field(V1Authentication.BoundObjectReference.getDescriptor().findFieldByName("uID")), "uid");

  private GoJsonNames() {}

  /** The JSON property name of a field. */
  static String of(FieldDescriptor field) {
    return RENAMED.getOrDefault(field, field.getName());
  }

  private static FieldDescriptor field(FieldDescriptor field) {
    if (field == null) {
      throw new IllegalStateException("GoJsonNames: a renamed field is gone from the descriptors");
    }
    return field;
  }
}
