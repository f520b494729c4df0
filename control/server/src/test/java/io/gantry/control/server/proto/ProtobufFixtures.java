package io.gantry.control.server.proto;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import io.gantry.control.server.json.Json;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Runtime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;

/** Small factories for protobuf request bodies and the JSON they should decode to. */
final class ProtobufFixtures {

  private ProtobufFixtures() {}

  /** The body kubectl sends: "k8s\0" + runtime.Unknown, with the empty strings Go writes. */
  static byte[] body(String apiVersion, String kind, Message object) {
    return body(envelope(apiVersion, kind).setRaw(object.toByteString()).build());
  }

  static Runtime.Unknown.Builder envelope(String apiVersion, String kind) {
    return Runtime.Unknown.newBuilder()
        .setTypeMeta(Runtime.TypeMeta.newBuilder().setApiVersion(apiVersion).setKind(kind))
        .setContentEncoding("")
        .setContentType("");
  }

  static byte[] body(Runtime.Unknown envelope) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {'k', '8', 's', 0});
    out.writeBytes(envelope.toByteArray());
    return out.toByteArray();
  }

  /**
   * ObjectMeta as Go marshals it: every non-pointer field written, zero or not, and an empty
   * creationTimestamp (the zero time).
   */
  static Meta.ObjectMeta.Builder goMeta(String name) {
    return Meta.ObjectMeta.newBuilder()
        .setName(name)
        .setGenerateName("")
        .setNamespace("")
        .setSelfLink("")
        .setUid("")
        .setResourceVersion("")
        .setGeneration(0)
        .setCreationTimestamp(Meta.Time.getDefaultInstance());
  }

  /** Parses JSON; single quotes are allowed so expected values read well in Java strings. */
  static ObjectNode json(String text) {
    try {
      return (ObjectNode) Json.MAPPER.reader().with(JsonReadFeature.ALLOW_SINGLE_QUOTES)
          .readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] resource(String name) {
    try (InputStream in = ProtobufFixtures.class.getResourceAsStream("kubectl/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource kubectl/" + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * kubectl's own JSON for an object ({@code --dry-run=client -o json}) without the {@code
   * "creationTimestamp": null} entries, which the decoder leaves out (a zero time is unset).
   */
  static ObjectNode withoutNullTimestamps(ObjectNode kubectlJson) {
    ObjectNode copy = kubectlJson.deepCopy();
    strip(copy);
    return copy;
  }

  private static void strip(JsonNode node) {
    if (node instanceof ObjectNode object) {
      for (Iterator<java.util.Map.Entry<String, JsonNode>> it = object.properties().iterator();
          it.hasNext(); ) {
        java.util.Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals("creationTimestamp") && e.getValue().isNull()) {
          it.remove();
        } else {
          strip(e.getValue());
        }
      }
    } else if (node instanceof ArrayNode array) {
      array.forEach(ProtobufFixtures::strip);
    }
  }
}
