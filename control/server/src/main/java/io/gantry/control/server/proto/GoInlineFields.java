package io.gantry.control.server.proto;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Networking;
import java.util.HashSet;
import java.util.Set;

/**
 * Message fields that stand for a Go struct embedded with {@code json:",inline"}: protobuf nests
 * them under a field of their own ({@code Probe.handler}, {@code Volume.volumeSource}, {@code
 * ConfigMapKeySelector.localObjectReference}, ...) while the JSON lifts their fields into the
 * enclosing object ({@code {"httpGet":...}}, {@code {"configMap":...}}, {@code {"name":...}}).
 * The descriptors do not say which fields are embedded, hence this list.
 */
final class GoInlineFields {

  private static final Set<FieldDescriptor> FIELDS;

  static {
    Set<FieldDescriptor> s = new HashSet<>();
    add(s, V1.Probe.getDescriptor(), "handler");
    add(s, V1.Volume.getDescriptor(), "volumeSource");
    add(s, V1.PersistentVolumeSpec.getDescriptor(), "persistentVolumeSource");
    add(s, V1.EphemeralContainer.getDescriptor(), "ephemeralContainerCommon");
    add(s, V1.ConfigMapVolumeSource.getDescriptor(), "localObjectReference");
    add(s, V1.ConfigMapProjection.getDescriptor(), "localObjectReference");
    add(s, V1.ConfigMapEnvSource.getDescriptor(), "localObjectReference");
    add(s, V1.ConfigMapKeySelector.getDescriptor(), "localObjectReference");
    add(s, V1.SecretProjection.getDescriptor(), "localObjectReference");
    add(s, V1.SecretEnvSource.getDescriptor(), "localObjectReference");
    add(s, V1.SecretKeySelector.getDescriptor(), "localObjectReference");
    add(s, V1Networking.IngressRule.getDescriptor(), "ingressRuleValue");
    FIELDS = Set.copyOf(s);
  }

  private GoInlineFields() {}

  /** Whether this message field's own fields belong to the enclosing JSON object. */
  static boolean isInline(FieldDescriptor field) {
    return FIELDS.contains(field);
  }

  private static void add(Set<FieldDescriptor> set, Descriptor message, String name) {
    FieldDescriptor field = message.findFieldByName(name);
    if (field == null || field.getType() != FieldDescriptor.Type.MESSAGE || field.isRepeated()) {
      throw new IllegalStateException(
          "GoInlineFields: " + message.getFullName() + "." + name
              + " (expected: an existing singular message field)");
    }
    set.add(field);
  }
}
