package io.gantry.control.server.registry;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.conversion.Conversions;
import io.gantry.control.server.conversion.ObjectConversion;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import java.io.IOException;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Checks that an object decodes as its real Kubernetes type (the fabric8 model), so that a
 * string where a number belongs is refused with a 400 as kube-apiserver refuses it.
 */
final class TypedDecoding {

  private static final Map<ResourceType, Class<?>> MODEL = Map.ofEntries(
      Map.entry(ResourceTypes.NAMESPACES, io.fabric8.kubernetes.api.model.Namespace.class),
      Map.entry(ResourceTypes.NODES, io.fabric8.kubernetes.api.model.Node.class),
      Map.entry(ResourceTypes.PODS, io.fabric8.kubernetes.api.model.Pod.class),
      Map.entry(ResourceTypes.SERVICES, io.fabric8.kubernetes.api.model.Service.class),
      Map.entry(ResourceTypes.ENDPOINTS, io.fabric8.kubernetes.api.model.Endpoints.class),
      Map.entry(ResourceTypes.SECRETS, io.fabric8.kubernetes.api.model.Secret.class),
      Map.entry(ResourceTypes.CONFIGMAPS, io.fabric8.kubernetes.api.model.ConfigMap.class),
      Map.entry(ResourceTypes.EVENTS, io.fabric8.kubernetes.api.model.Event.class),
      Map.entry(ResourceTypes.SERVICEACCOUNTS, io.fabric8.kubernetes.api.model.ServiceAccount.class),
      Map.entry(ResourceTypes.REPLICATIONCONTROLLERS, io.fabric8.kubernetes.api.model.ReplicationController.class),
      Map.entry(ResourceTypes.PODTEMPLATES, io.fabric8.kubernetes.api.model.PodTemplate.class),
      Map.entry(ResourceTypes.PERSISTENTVOLUMECLAIMS, io.fabric8.kubernetes.api.model.PersistentVolumeClaim.class),
      Map.entry(ResourceTypes.LIMITRANGES, io.fabric8.kubernetes.api.model.LimitRange.class),
      Map.entry(ResourceTypes.RESOURCEQUOTAS, io.fabric8.kubernetes.api.model.ResourceQuota.class),
      Map.entry(ResourceTypes.PERSISTENTVOLUMES, io.fabric8.kubernetes.api.model.PersistentVolume.class),
      Map.entry(ResourceTypes.DEPLOYMENTS, io.fabric8.kubernetes.api.model.apps.Deployment.class),
      Map.entry(ResourceTypes.REPLICASETS, io.fabric8.kubernetes.api.model.apps.ReplicaSet.class),
      Map.entry(ResourceTypes.DAEMONSETS, io.fabric8.kubernetes.api.model.apps.DaemonSet.class),
      Map.entry(ResourceTypes.STATEFULSETS, io.fabric8.kubernetes.api.model.apps.StatefulSet.class),
      Map.entry(ResourceTypes.CONTROLLERREVISIONS, io.fabric8.kubernetes.api.model.apps.ControllerRevision.class),
      Map.entry(ResourceTypes.ENDPOINTSLICES, io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice.class),
      Map.entry(ResourceTypes.INGRESSES, io.fabric8.kubernetes.api.model.networking.v1.Ingress.class),
      Map.entry(ResourceTypes.INGRESSCLASSES, io.fabric8.kubernetes.api.model.networking.v1.IngressClass.class),
      Map.entry(ResourceTypes.NETWORKPOLICIES, io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class),
      Map.entry(ResourceTypes.PRIORITYCLASSES, io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass.class),
      Map.entry(ResourceTypes.LEASES, io.fabric8.kubernetes.api.model.coordination.v1.Lease.class),
      Map.entry(ResourceTypes.PODDISRUPTIONBUDGETS, io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class),
      Map.entry(ResourceTypes.JOBS, io.fabric8.kubernetes.api.model.batch.v1.Job.class),
      Map.entry(ResourceTypes.CRONJOBS, io.fabric8.kubernetes.api.model.batch.v1.CronJob.class),
      Map.entry(ResourceTypes.ROLES, io.fabric8.kubernetes.api.model.rbac.Role.class),
      Map.entry(ResourceTypes.ROLEBINDINGS, io.fabric8.kubernetes.api.model.rbac.RoleBinding.class),
      Map.entry(ResourceTypes.CLUSTERROLES, io.fabric8.kubernetes.api.model.rbac.ClusterRole.class),
      Map.entry(ResourceTypes.CLUSTERROLEBINDINGS, io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding.class));

  /**
   * The shared mapper plus RFC 3339 times for the fabric8 fields typed {@code ZonedDateTime}
   * (MicroTime, such as a Lease's {@code spec.renewTime}), which plain Jackson refuses to bind.
   */
  private static final ObjectMapper MAPPER = strictScalars(Json.MAPPER.copy()
      .registerModule(new SimpleModule("gantry-times").addDeserializer(ZonedDateTime.class, new TimeDeserializer())));

  /**
   * Go's decoder takes a JSON number only into a number, a boolean only into a bool and a string
   * only into a string; Jackson by default turns {@code true} into "true" for a string field (a
   * ConfigMap's {@code data: {a: true}}, stored so, then broke every Go client reading it) and
   * "80" into 80 for a number.
   */
  private static ObjectMapper strictScalars(ObjectMapper mapper) {
    mapper.coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    for (LogicalType type : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
      mapper.coercionConfigFor(type).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
    }
    // and a number only into a bool when it is one, a fraction never into an integer (hostNetwork: -1
    // was stored, and the agent took it for true; periodSeconds: 2.7 then broke Go clients' decoding)
    mapper.coercionConfigFor(LogicalType.Boolean)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
    mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
    mapper.disable(com.fasterxml.jackson.databind.DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    return mapper;
  }

  private static final class TimeDeserializer extends StdScalarDeserializer<ZonedDateTime> {
    private static final long serialVersionUID = 1L;

    TimeDeserializer() {
      super(ZonedDateTime.class);
    }

    @Override
    public ZonedDateTime deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      String text = parser.getValueAsString();
      try {
        return ZonedDateTime.parse(text);
      } catch (DateTimeParseException | NullPointerException e) {
        return (ZonedDateTime) context.handleWeirdStringValue(ZonedDateTime.class, text,
            "expected an RFC 3339 time such as 2026-01-02T03:04:05.000000Z");
      }
    }
  }

  private TypedDecoding() {}

  /** The fabric8 model class of {@code type}, or null for a kind without one. */
  static Class<?> model(ResourceType type) {
    return MODEL.get(type);
  }

  /** The mapper that decodes into the models. */
  static ObjectMapper mapper() {
    return MAPPER;
  }

  private static final java.util.regex.Pattern COERCION = java.util.regex.Pattern.compile(
      "(?:Cannot coerce ([\\w-]+) value(?: \\(([^)]*)\\))?|Cannot deserialize value of type \\S+ from ([\\w-]+) value)");

  /**
   * Why a field did not decode, in encoding/json's words where a scalar has the wrong kind
   * ({@code json: cannot unmarshal bool into Go struct field metadata.labels.a of type string}),
   * which is what clients match on; Jackson's own words otherwise.
   */
  private static String goReason(JsonMappingException e, String path, ObjectNode object) {
    if (String.valueOf(e.getOriginalMessage()).contains(INT_OR_STRING_REFUSAL)) {
      // IntOrString.UnmarshalJSON: anything but a string is unmarshalled as its int32
      JsonNode given = at(object, e.getPath());
      String shape = given == null ? "number" : given.isBoolean() ? "bool" : given.isObject() ? "object"
          : given.isArray() ? "array" : given.isNumber() ? "number " + given.asText() : "number";
      return "json: cannot unmarshal " + shape + " into Go struct field " + path + " of type int32";
    }
    java.util.regex.Matcher coercion = COERCION.matcher(String.valueOf(e.getOriginalMessage()));
    if (e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException mismatch
        && mismatch.getTargetType() != null && coercion.lookingAt()) {
      String shape = coercion.group(1) != null ? coercion.group(1) : coercion.group(3);
      Class<?> target = mismatch.getTargetType();
      boolean integerTarget = target == Integer.class || target == int.class || target == Long.class
          || target == long.class;
      String given = switch (shape) {
        case "Boolean" -> "bool";
        case "String" -> "string";
        case "Object" -> "object";
        case "Array" -> "array";
        // as encoding/json: a fraction into an integer names the number, any number into a non-number not
        case "Floating-point" -> integerTarget && coercion.group(2) != null ? "number " + coercion.group(2) : "number";
        default -> "number";
      };
      return "json: cannot unmarshal " + given + " into Go struct field " + path + " of type "
          + goType(mismatch.getTargetType());
    }
    return "json: cannot decode field " + path + ": " + e.getOriginalMessage();
  }

  /** fabric8's IntOrString deserializer's words for a value that is neither an int32 nor a string. */
  private static final String INT_OR_STRING_REFUSAL = "Either integer or string value needs to be provided";

  private static JsonNode at(JsonNode root, List<JsonMappingException.Reference> path) {
    JsonNode node = root;
    for (JsonMappingException.Reference ref : path) {
      node = ref.getFieldName() != null ? node.get(ref.getFieldName()) : node.get(ref.getIndex());
      if (node == null) {
        return null;
      }
    }
    return node;
  }

  private static String goType(Class<?> type) {
    if (type == String.class) {
      return "string";
    } else if (type == Integer.class || type == int.class) {
      return "int32";
    } else if (type == Long.class || type == long.class) {
      return "int64";
    } else if (type == Boolean.class || type == boolean.class) {
      return "bool";
    } else if (type == Double.class || type == double.class) {
      return "float64";
    } else if (java.util.Collection.class.isAssignableFrom(type)) {
      return "[]"; // the element type is erased here; Go would name it, as []v1.Container
    } else if (Map.class.isAssignableFrom(type)) {
      return "map";
    }
    return type.getSimpleName();
  }

  /**
   * Checks that {@code object} decodes as {@code type} and returns the fields it has that the type
   * does not (none for kinds without a model).
   */
  static List<UnknownFields.Field> check(ResourceType type, ObjectNode object) throws ApiException {
    if (type.isView()) {
      // decoded as the type it is stored as, which is what its representation converts to; paths named as given
      ObjectConversion conversion = Conversions.of(type);
      return UnknownFields.inView(conversion, object, decode(type, MODEL.get(type.storageType()),
          conversion.toStorage(object), conversion::fieldFromStorage));
    }
    return decode(type, MODEL.get(type), object, UnaryOperator.identity());
  }

  /** {@link #check}'s decoding into {@code model}; {@code topLevel} names a top-level field in error messages. */
  private static List<UnknownFields.Field> decode(ResourceType type, Class<?> model, ObjectNode object,
      UnaryOperator<String> topLevel) throws ApiException {
    if (model == null) {
      return List.of();
    }
    try {
      return UnknownFields.decode(model, object);
    } catch (JsonMappingException e) {
      List<String> steps = new ArrayList<>();
      for (JsonMappingException.Reference ref : e.getPath()) {
        String name = ref.getFieldName();
        steps.add(name == null ? "[" + ref.getIndex() + "]" : steps.isEmpty() ? topLevel.apply(name) : name);
      }
      String path = String.join(".", steps).replace(".[", "[");
      throw ApiException.badRequest(type.kind() + " in version \"" + type.version() + "\" cannot be handled as a "
          + type.kind() + ": " + goReason(e, path, object));
    } catch (Exception e) {
      throw ApiException.badRequest(type.kind() + " in version \"" + type.version() + "\" cannot be handled as a "
          + type.kind() + ": " + e.getMessage());
    }
  }
}
