package io.gantry.control.server.proto;

import static io.gantry.control.server.proto.ProtobufFixtures.body;
import static io.gantry.control.server.proto.ProtobufFixtures.envelope;
import static io.gantry.control.server.proto.ProtobufFixtures.goMeta;
import static io.gantry.control.server.proto.ProtobufFixtures.resource;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.kubernetes.client.proto.IntStr;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.V1;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Bad and hostile bodies: always a ProtobufBodyException that says what was wrong. */
class ProtobufBodiesRejectTest {

  private static final List<String> CAPTURED = List.of(
      "namespace", "configmap", "secret", "deployment", "service-nodeport", "job", "ingress",
      "resourcequota", "cronjob");

  @Test
  void jsonBodyLacksTheMagic() {
    assertRejected("{\"kind\":\"Namespace\"}".getBytes(StandardCharsets.UTF_8),
        "does not start with the Kubernetes protobuf prefix");
  }

  @Test
  void emptyBodyAndMagicAlone() {
    assertRejected(new byte[0], "does not start with the Kubernetes protobuf prefix");
    assertRejected(new byte[] {'k', '8', 's', 0}, "empty after the \"k8s\\0\" prefix");
  }

  @Test
  void truncatedInsideTheObject() {
    byte[] namespace = resource("namespace.pb");
    assertRejected(Arrays.copyOf(namespace, 30), "malformed protobuf in the runtime.Unknown");
  }

  @Test
  void garbageAfterTheMagic() {
    byte[] garbage = {'k', '8', 's', 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 0x13};
    assertRejected(garbage, "malformed protobuf");
  }

  @Test
  void unknownKindAndUnknownApiVersion() {
    byte[] widget = body("v1", "Widget", V1.Namespace.getDefaultInstance());
    assertRejected(widget, "kind \"Widget\" in v1 are not supported; send JSON instead");
    byte[] gadget = body("gantry.io/v1alpha1", "Widget", V1.Namespace.getDefaultInstance());
    assertRejected(gadget, "apiVersion \"gantry.io/v1alpha1\" are not supported");
  }

  @Test
  void missingTypeMeta() {
    byte[] noKind = body(envelope("v1", "").setRaw(ByteString.EMPTY).build());
    assertRejected(noKind, "apiVersion \"v1\" and kind \"\" (expected: both set)");
  }

  @Test
  void contentEncodingOrForeignContentType() {
    assertRejected(body(envelope("v1", "Namespace").setContentEncoding("gzip").build()),
        "contentEncoding \"gzip\" (expected: none)");
    assertRejected(body(envelope("v1", "Namespace").setContentType("application/json").build()),
        "contentType \"application/json\"");
  }

  @Test
  void oversizedBody() {
    byte[] huge = new byte[ProtobufBodies.MAX_BODY_BYTES + 1];
    System.arraycopy(new byte[] {'k', '8', 's', 0}, 0, huge, 0, 4);
    assertRejected(huge, "too large (expected: at most 3145728)");
  }

  @Test
  void unknownFieldWithAValueNamesWhereItIs() {
    V1.Namespace namespace = V1.Namespace.newBuilder()
        .setMetadata(goMeta("foo"))
        .setSpec(V1.NamespaceSpec.newBuilder().setUnknownFields(UnknownFieldSet.newBuilder()
            .addField(7, UnknownFieldSet.Field.newBuilder()
                .addLengthDelimited(ByteString.copyFromUtf8("new")).build())
            .build()))
        .build();
    assertRejected(body("v1", "Namespace", namespace), "spec: unknown field number 7");
  }

  @Test
  void impossibleIntOrStringType() {
    V1.Service service = V1.Service.newBuilder()
        .setSpec(V1.ServiceSpec.newBuilder().addPorts(V1.ServicePort.newBuilder()
            .setTargetPort(IntStr.IntOrString.newBuilder().setType(2))))
        .build();
    assertRejected(body("v1", "Service", service),
        "spec.ports[0].targetPort: IntOrString type 2 (expected: 0 or 1)");
  }

  @Test
  void managedFieldsThatAreNotJson() {
    V1.ConfigMap configMap = V1.ConfigMap.newBuilder()
        .setMetadata(goMeta("cm").addManagedFields(Meta.ManagedFieldsEntry.newBuilder()
            .setFieldsV1(Meta.FieldsV1.newBuilder().setRaw(ByteString.copyFromUtf8("{nope")))))
        .build();
    assertRejected(body("v1", "ConfigMap", configMap),
        "metadata.managedFields[0].fieldsV1: embedded raw object is not JSON");
  }

  @Test
  void timeOutsideGoYears() {
    V1.ConfigMap configMap = V1.ConfigMap.newBuilder()
        .setMetadata(goMeta("cm").setCreationTimestamp(
            Meta.Time.newBuilder().setSeconds(Long.MAX_VALUE)))
        .build();
    assertRejected(body("v1", "ConfigMap", configMap),
        "metadata.creationTimestamp: time 9223372036854775807s since 1970");
  }

  @Test
  void deeplyNestedUnknownGroupsHitTheRecursionLimit() {
    // 50,000 nested start-group tags for unknown field 99: a stack overflow if unbounded.
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    for (int i = 0; i < 50_000; i++) {
      raw.write(0x9b); // (99 << 3) | 3 as a varint: 0x9b 0x06
      raw.write(0x06);
    }
    byte[] body = body(envelope("v1", "Namespace")
        .setRaw(ByteString.copyFrom(raw.toByteArray())).build());
    assertRejected(body, "malformed protobuf in v1 Namespace");
  }

  @Test
  void randomDamageToRealBodiesNeverEscapesAsAnythingElse() {
    Random random = new Random(20250601);
    int decoded = 0;
    int rejected = 0;
    for (int round = 0; round < 20_000; round++) {
      byte[] body = resource(CAPTURED.get(random.nextInt(CAPTURED.size())) + ".pb");
      byte[] damaged = damage(body, random);
      try {
        ProtobufBodies.decode(damaged);
        decoded++;
      } catch (ProtobufBodyException e) {
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
        rejected++;
      } catch (Throwable t) {
        fail("round " + round + ": " + t + " for body " + Arrays.toString(damaged), t);
      }
    }
    assertTrue(decoded > 0 && rejected > 0, decoded + " decoded, " + rejected + " rejected");
  }

  private static byte[] damage(byte[] body, Random random) {
    byte[] copy = body.clone();
    switch (random.nextInt(3)) {
      case 0 -> {
        int flips = 1 + random.nextInt(3);
        for (int i = 0; i < flips; i++) {
          copy[4 + random.nextInt(copy.length - 4)] = (byte) random.nextInt(256);
        }
        return copy;
      }
      case 1 -> {
        return Arrays.copyOf(copy, 4 + random.nextInt(copy.length - 4));
      }
      default -> {
        int at = 4 + random.nextInt(copy.length - 4);
        byte[] longer = new byte[copy.length + 1];
        System.arraycopy(copy, 0, longer, 0, at);
        longer[at] = (byte) random.nextInt(256);
        System.arraycopy(copy, at, longer, at + 1, copy.length - at);
        return longer;
      }
    }
  }

  private static void assertRejected(byte[] body, String expectedInMessage) {
    ProtobufBodyException e =
        assertThrows(ProtobufBodyException.class, () -> ProtobufBodies.decode(body));
    assertTrue(e.getMessage().contains(expectedInMessage),
        "message \"" + e.getMessage() + "\" (expected to contain: " + expectedInMessage + ")");
  }
}
