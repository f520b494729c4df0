package io.gantry.control.server.proto;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.kubernetes.client.proto.Runtime;
import java.util.Arrays;

/**
 * Decodes Kubernetes protobuf request bodies ({@value #CONTENT_TYPE}) into the JSON object
 * kube-apiserver would hold for the same request.
 *
 * <p>The body is the 4-byte magic {@code k8s\0} followed by a {@code runtime.Unknown} message:
 * {@code typeMeta} (1) with {@code apiVersion} (1) and {@code kind} (2), {@code raw} (2) holding
 * the serialized object, {@code contentEncoding} (3) and {@code contentType} (4), both empty in
 * what kubectl sends. kubectl 1.32 and 1.33 send this for {@code create namespace|configmap|
 * secret|deployment|service|job|...}; see {@link MessageJson} for how the object's fields map to
 * JSON and {@link ProtobufKinds} for the kinds accepted.
 *
 * <p>The body is untrusted: it is bounded by {@link #MAX_BODY_BYTES}, nesting is bounded by
 * protobuf's recursion limit, and every failure is a {@link ProtobufBodyException}.
 */
public final class ProtobufBodies {

  public static final String CONTENT_TYPE = "application/vnd.kubernetes.protobuf";

  /** The largest body accepted: etcd's default request limit (1.5 MiB) twice over, 3 MiB. */
  public static final int MAX_BODY_BYTES = 3 * 1024 * 1024;

  private static final byte[] MAGIC = {'k', '8', 's', 0};
  private static final int RECURSION_LIMIT = 100;

  private ProtobufBodies() {}

  /**
   * Decodes a kubectl protobuf request body into the object's JSON form, with {@code apiVersion}
   * and {@code kind} set. Throws {@link ProtobufBodyException}, whose message says what was wrong,
   * for a bad envelope, an unknown apiVersion/kind, or a malformed message.
   */
  public static ObjectNode decode(byte[] body) throws ProtobufBodyException {
    requireNonNull(body, "body");
    if (body.length > MAX_BODY_BYTES) {
      throw new ProtobufBodyException("protobuf body of " + body.length
          + " bytes is too large (expected: at most " + MAX_BODY_BYTES + ")");
    }
    if (body.length < MAGIC.length
        || !Arrays.equals(body, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new ProtobufBodyException(
          "body does not start with the Kubernetes protobuf prefix \"k8s\\0\" (expected: a "
              + CONTENT_TYPE + " body: k8s\\0 followed by a runtime.Unknown message)");
    }
    if (body.length == MAGIC.length) {
      throw new ProtobufBodyException("protobuf body is empty after the \"k8s\\0\" prefix");
    }
    Message envelope = parse(Runtime.Unknown.getDescriptor(), body, MAGIC.length,
        "the runtime.Unknown envelope");
    Message typeMeta = (Message) field(envelope, "typeMeta");
    String apiVersion = (String) field(typeMeta, "apiVersion");
    String kind = (String) field(typeMeta, "kind");
    if (kind.isEmpty() || apiVersion.isEmpty()) {
      throw new ProtobufBodyException("protobuf envelope has apiVersion \"" + printable(apiVersion)
          + "\" and kind \"" + printable(kind) + "\" (expected: both set)");
    }
    String contentEncoding = (String) field(envelope, "contentEncoding");
    if (!contentEncoding.isEmpty()) {
      throw new ProtobufBodyException("protobuf envelope has contentEncoding \""
          + printable(contentEncoding) + "\" (expected: none)");
    }
    String contentType = (String) field(envelope, "contentType");
    if (!contentType.isEmpty() && !contentType.equals(CONTENT_TYPE)) {
      throw new ProtobufBodyException("protobuf envelope has contentType \""
          + printable(contentType) + "\" (expected: none or " + CONTENT_TYPE + ")");
    }
    Descriptor type = ProtobufKinds.descriptor(apiVersion, kind);
    if (type == null) {
      throw new ProtobufBodyException(ProtobufKinds.knowsGroupVersion(apiVersion)
          ? "protobuf bodies of kind \"" + printable(kind) + "\" in " + apiVersion
              + " are not supported; send JSON instead"
          : "protobuf bodies for apiVersion \"" + printable(apiVersion)
              + "\" are not supported; send JSON instead");
    }
    byte[] raw = ((ByteString) field(envelope, "raw")).toByteArray();
    Message object = parse(type, raw, 0, apiVersion + " " + kind);
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("apiVersion", apiVersion);
    json.put("kind", kind);
    try {
      json.setAll(MessageJson.convert(object));
    } catch (RuntimeException e) {
      throw new ProtobufBodyException(
          "cannot convert " + apiVersion + " " + kind + " to JSON: " + e, e);
    }
    return json;
  }

  /**
   * Parses into a {@link DynamicMessage}: the runtime's parser bounds recursion (nested unknown
   * groups included), which the pre-22 generated parsers in client-java-proto do not promise.
   */
  private static Message parse(Descriptor type, byte[] bytes, int offset, String what)
      throws ProtobufBodyException {
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes, offset, bytes.length - offset);
      in.setRecursionLimit(RECURSION_LIMIT);
      in.setSizeLimit(MAX_BODY_BYTES);
      Message message = DynamicMessage.getDefaultInstance(type).getParserForType().parseFrom(in);
      in.checkLastTagWas(0);
      return message;
    } catch (InvalidProtocolBufferException e) {
      throw new ProtobufBodyException("malformed protobuf in " + what + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      // protobuf-java documents only InvalidProtocolBufferException; hostile bytes must not
      // escape as anything else.
      throw new ProtobufBodyException("malformed protobuf in " + what + ": " + e, e);
    }
  }

  private static Object field(Message message, String name) {
    return message.getField(message.getDescriptorForType().findFieldByName(name));
  }

  /** Echoes client text into an error message safely: short, and control characters escaped. */
  private static String printable(String s) {
    String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
    StringBuilder out = new StringBuilder(cut.length());
    for (char c : cut.toCharArray()) {
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\x%02x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
