package io.gantry.control.server.registry;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.FieldsV1;
import io.gantry.control.server.conversion.Conversions;
import io.gantry.control.server.conversion.ObjectConversion;
import io.gantry.control.server.resource.ResourceType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The fields of an object that its Kubernetes type does not have, such as a misspelt
 * {@code imagePullPolicyy}. kube-apiserver decodes into its Go types, which drops such fields, and
 * reports them by the request's {@code fieldValidation}; this finds them the same way, by decoding
 * into the fabric8 model with the model's catch-all maps switched off. Paths are spelt as
 * kube-apiserver spells them: {@code spec.template.spec.containers[0].imagePullPolicyy}.
 */
public final class UnknownFields {

  private static final String FOUND = "gantry.unknownFields";

  private static final com.fasterxml.jackson.databind.ObjectMapper STRICT = TypedDecoding.mapper().copy()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .registerModule(new SimpleModule("gantry-unknown-fields").setDeserializerModifier(new WithoutCatchAll()))
      .addHandler(new Collector());

  private UnknownFields() {}

  /** One unknown field: its path from the object's root (names and list indices). */
  public record Field(List<Object> path) {
    @Override
    public String toString() {
      StringBuilder s = new StringBuilder();
      for (Object step : path) {
        if (step instanceof Integer index) {
          s.append('[').append(index).append(']');
        } else {
          s.append(s.isEmpty() ? "" : ".").append(step);
        }
      }
      return s.toString();
    }
  }

  /**
   * The unknown fields of {@code object} as a {@code type}, as far as it decodes (a field of the
   * wrong type is {@link TypedDecoding}'s to report); empty for kinds without a model.
   */
  public static List<Field> find(ResourceType type, JsonNode object) {
    if (type.isView() && object instanceof ObjectNode view) {
      ObjectConversion conversion = Conversions.of(type);
      return inView(conversion, view, find(type.storageType(), conversion.toStorage(view)));
    }
    Class<?> model = TypedDecoding.model(type);
    if (model == null || !object.isObject()) {
      return List.of();
    }
    List<Field> found = new ArrayList<>();
    try {
      decode(model, object, found);
    } catch (IOException | RuntimeException e) {
      // reported by TypedDecoding
    }
    return found;
  }

  /**
   * The unknown fields of {@code view}, an object in a representation that {@code conversion} converts to
   * the stored one: its top-level fields that representation lacks, then the unknown fields found in
   * its stored form ({@code stored}), renamed back.
   */
  static List<Field> inView(ObjectConversion conversion, ObjectNode view, List<Field> stored) {
    List<Field> found = new ArrayList<>();
    for (Map.Entry<String, JsonNode> field : view.properties()) {
      if (!conversion.hasField(field.getKey())) {
        found.add(new Field(List.of(field.getKey())));
      }
    }
    for (Field field : stored) {
      List<Object> path = new ArrayList<>(field.path());
      path.set(0, conversion.fieldFromStorage((String) path.get(0)));
      found.add(new Field(List.copyOf(path)));
    }
    return found;
  }

  /** Decodes {@code object} into {@code model} and returns its unknown fields; a wrong type throws. */
  static List<Field> decode(Class<?> model, JsonNode object) throws IOException {
    List<Field> found = new ArrayList<>();
    decode(model, object, found);
    return found;
  }

  private static void decode(Class<?> model, JsonNode object, List<Field> found) throws IOException {
    ObjectReader reader = STRICT.readerFor(model).withAttribute(FOUND, found);
    reader.readValue(STRICT.treeAsTokens(object));
  }

  /** Removes {@code fields} from {@code object}, as kube-apiserver drops what its types do not have. */
  public static void remove(ObjectNode object, List<Field> fields) {
    for (Field field : fields) {
      List<Object> path = field.path();
      JsonNode parent = object;
      for (Object step : path.subList(0, path.size() - 1)) {
        parent = step instanceof Integer index ? parent.path(index) : parent.path((String) step);
      }
      if (parent instanceof ObjectNode owner) {
        owner.remove((String) path.get(path.size() - 1)); // an unknown field is always a name
      }
    }
  }

  /** Drops the any-setter that fabric8 models use to keep unknown fields, except where it is the content. */
  private static final class WithoutCatchAll extends BeanDeserializerModifier {
    private static final long serialVersionUID = 1L;

    @Override
    public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription description,
        BeanDeserializerBuilder builder) {
      if (description.getBeanClass() != FieldsV1.class) { // managedFields' field sets are free-form
        builder.setAnySetter(null);
        builder.setIgnoreUnknownProperties(false);
      }
      return builder;
    }
  }

  /** Records an unknown field with its path, skips its value and lets decoding go on. */
  private static final class Collector extends DeserializationProblemHandler {
    @Override
    @SuppressWarnings("unchecked")
    public boolean handleUnknownProperty(DeserializationContext context, JsonParser parser,
        JsonDeserializer<?> deserializer, Object beanOrClass, String propertyName) throws IOException {
      Object sink = context.getAttribute(FOUND);
      if (!(sink instanceof List<?>)) {
        return false;
      }
      JsonStreamContext at = parser.getParsingContext();
      JsonToken token = parser.currentToken();
      if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
        at = at.getParent(); // the value's own context: its field name is one up
      }
      List<Object> path = new ArrayList<>();
      path.add(propertyName);
      for (JsonStreamContext up = at.getParent(); up != null && !up.inRoot(); up = up.getParent()) {
        if (up.inArray()) {
          path.add(0, up.getCurrentIndex());
        } else if (up.getCurrentName() != null) {
          path.add(0, up.getCurrentName());
        }
      }
      ((List<Field>) sink).add(new Field(List.copyOf(path)));
      parser.skipChildren();
      return true;
    }
  }
}
