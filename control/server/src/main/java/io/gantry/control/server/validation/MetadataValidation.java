package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.control.server.resource.ResourceType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/** {@code metadata} rules shared by every kind: names, namespace, labels, annotations, finalizers, immutables. */
final class MetadataValidation {

  /** Upstream {@code TotalAnnotationSizeLimitB}: 256 KiB over all keys and values. */
  static final int ANNOTATIONS_MAX_BYTES = 256 * 1024;

  private static final FieldPath META = FieldPath.root("metadata");
  private static final Set<String> STANDARD_FINALIZERS = Set.of("kubernetes", "orphan", "foregroundDeletion");

  private MetadataValidation() {}

  /**
   * The name rule of a kind: Service names are DNS-1035 labels, Namespace and StatefulSet names (its pods'
   * hostnames carry them: ValidateStatefulSetName) DNS-1123 labels, RBAC names path
   * segments ({@code system:controller:x}), others subdomains.
   */
  static Function<String, List<String>> nameRule(ResourceType type) {
    return switch (type.kind()) {
      case "Service" -> NameRules::dns1035Label;
      case "Namespace", "StatefulSet" -> NameRules::dns1123Label;
      case "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding" -> NameRules::pathSegmentName;
      default -> NameRules::dns1123Subdomain;
    };
  }

  static void validate(ResourceType type, JsonNode object, List<FieldError> errs) {
    JsonNode meta = Nodes.field(object, "metadata");
    Function<String, List<String>> rule = nameRule(type);
    String generateName = Nodes.text(meta, "generateName", "");
    if (!generateName.isEmpty()) {
      for (String msg : rule.apply(maskTrailingDash(generateName))) {
        errs.add(FieldError.invalid(META.child("generateName"), generateName, msg));
      }
    }
    String name = Nodes.text(meta, "name", "");
    if (name.isEmpty()) {
      if (generateName.isEmpty()) {
        errs.add(FieldError.required(META.child("name"), "name or generateName is required"));
      }
    } else {
      for (String msg : rule.apply(name)) {
        errs.add(FieldError.invalid(META.child("name"), name, msg));
      }
    }
    String namespace = Nodes.text(meta, "namespace", "");
    if (type.namespaced()) {
      if (namespace.isEmpty()) {
        errs.add(FieldError.required(META.child("namespace"), ""));
      } else {
        for (String msg : NameRules.dns1123Label(namespace)) {
          errs.add(FieldError.invalid(META.child("namespace"), namespace, msg));
        }
      }
    } else if (!namespace.isEmpty()) {
      errs.add(FieldError.forbidden(META.child("namespace"), "not allowed on this type"));
    }
    validateLabels(Nodes.field(meta, "labels"), META.child("labels"), errs);
    validateAnnotations(Nodes.field(meta, "annotations"), META.child("annotations"), errs);
    validateOwnerReferences(Nodes.field(meta, "ownerReferences"), errs);
    List<String> finalizers = Nodes.strings(Nodes.field(meta, "finalizers"));
    if (finalizers.contains("orphan") && finalizers.contains("foregroundDeletion")) {
      errs.add(FieldError.invalid(META.child("finalizers"), finalizers,
          "finalizer orphan and foregroundDeletion cannot be both set"));
    }
    for (String finalizer : finalizers) {
      FieldPath path = META.child("finalizers");
      List<String> msgs = NameRules.qualifiedName(finalizer);
      msgs.forEach(msg -> errs.add(FieldError.invalid(path, finalizer, msg)));
      if (msgs.isEmpty() && type.group().isEmpty() && !finalizer.contains("/")
          && !STANDARD_FINALIZERS.contains(finalizer)) {
        errs.add(FieldError.invalid(path, finalizer, "name is neither a standard finalizer name nor is it fully qualified"));
      }
    }
  }

  /**
   * apimachinery's ValidateOwnerReferences: each reference names a version, kind, name and uid, an
   * Event owns nothing, and at most one reference is the controller. (The garbage collector would
   * otherwise read a reference without a uid as a missing owner and delete the object.)
   */
  static void validateOwnerReferences(JsonNode refs, List<FieldError> errs) {
    FieldPath path = META.child("ownerReferences");
    String firstController = "";
    for (JsonNode ref : refs) {
      String apiVersion = Nodes.text(ref, "apiVersion", "");
      String kind = Nodes.text(ref, "kind", "");
      if (apiVersion.substring(apiVersion.indexOf('/') + 1).isEmpty()) {
        errs.add(FieldError.invalid(path.child("apiVersion"), apiVersion, "version must not be empty"));
      }
      if (kind.isEmpty()) {
        errs.add(FieldError.invalid(path.child("kind"), kind, "kind must not be empty"));
      }
      for (String field : List.of("name", "uid")) {
        String value = Nodes.text(ref, field, "");
        if (value.isEmpty()) {
          errs.add(FieldError.invalid(path.child(field), value, field + " must not be empty"));
        }
      }
      if (apiVersion.equals("v1") && kind.equals("Event")) {
        errs.add(FieldError.invalid(path, ref, "/v1, Kind=Event is disallowed from being an owner"));
      }
      if (Nodes.field(ref, "controller").asBoolean(false)) {
        String controller = kind + "/" + Nodes.text(ref, "name", "");
        if (firstController.isEmpty()) {
          firstController = controller;
        } else {
          errs.add(FieldError.invalid(path, refs, "Only one reference can have Controller set to true. Found \"true\" "
              + "in references for " + firstController + " and " + controller));
        }
      }
    }
  }

  /** Names, namespace and uid may not change; an absent uid is taken to be the stored one. */
  static void validateUpdate(JsonNode object, JsonNode old, List<FieldError> errs) {
    JsonNode meta = Nodes.field(object, "metadata");
    JsonNode oldMeta = Nodes.field(old, "metadata");
    for (String field : List.of("name", "namespace", "uid")) {
      String now = Nodes.text(meta, field, "");
      String before = Nodes.text(oldMeta, field, "");
      if (field.equals("uid") && now.isEmpty()) {
        continue;
      }
      immutable(META.child(field), now, before, errs);
    }
    if (!Nodes.text(oldMeta, "deletionTimestamp", "").isEmpty()) {
      Set<String> before = new java.util.HashSet<>();
      Nodes.field(oldMeta, "finalizers").forEach(f -> before.add(f.asText()));
      List<String> added = new java.util.ArrayList<>();
      Nodes.field(meta, "finalizers").forEach(f -> {
        if (!before.contains(f.asText()) && !added.contains(f.asText())) {
          added.add(f.asText());
        }
      });
      if (!added.isEmpty()) {
        errs.add(FieldError.forbidden(META.child("finalizers"), "no new finalizers can be added if the object is being "
            + "deleted, found new finalizers " + GoFormat.stringSlice(added.stream().sorted().toList())));
      }
    }
  }

  static void immutable(FieldPath path, Object now, Object before, List<FieldError> errs) {
    if (!Objects.equals(now, before)) {
      errs.add(FieldError.invalid(path, now, "field is immutable"));
    }
  }

  /** Label keys must be qualified names and values valid label values; errors name the whole map's path. */
  static void validateLabels(JsonNode labels, FieldPath path, List<FieldError> errs) {
    for (Map.Entry<String, String> e : Nodes.stringMap(labels).entrySet()) {
      for (String msg : NameRules.qualifiedName(e.getKey())) {
        errs.add(FieldError.invalid(path, e.getKey(), msg));
      }
      for (String msg : NameRules.labelValue(e.getValue())) {
        errs.add(FieldError.invalid(path, e.getValue(), msg));
      }
    }
  }

  static void validateAnnotations(JsonNode annotations, FieldPath path, List<FieldError> errs) {
    long size = 0;
    for (Map.Entry<String, String> e : Nodes.stringMap(annotations).entrySet()) {
      for (String msg : NameRules.qualifiedName(e.getKey().toLowerCase(Locale.ROOT))) {
        errs.add(FieldError.invalid(path, e.getKey(), msg));
      }
      size += e.getKey().getBytes(StandardCharsets.UTF_8).length + e.getValue().getBytes(StandardCharsets.UTF_8).length;
    }
    if (size > ANNOTATIONS_MAX_BYTES) {
      errs.add(FieldError.tooLong(path, ANNOTATIONS_MAX_BYTES));
    }
  }

  /** Upstream's {@code maskTrailingDash}, quirk included: {@code "web-"} is checked as {@code "wea"}. */
  static String maskTrailingDash(String name) {
    if (name.length() > 1 && name.endsWith("-")) {
      return name.substring(0, name.length() - 2) + "a";
    }
    return name;
  }
}
