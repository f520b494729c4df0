package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * v1 PersistentVolumeClaims and PersistentVolumes, as {@code ValidatePersistentVolumeClaim(Spec)},
 * {@code ValidatePersistentVolume(Spec)} and their updates: access modes, the storage request or capacity,
 * class names, volume modes, exactly one volume source with its required fields (for the common
 * sources: hostPath, local, nfs, csi), and what may not change once created.
 */
final class PersistentVolumeValidation {
  private static final String BETA_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class";
  private static final List<String> ACCESS_MODES = List.of("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce",
      "ReadWriteOncePod");
  private static final List<String> VOLUME_MODES = List.of("Block", "Filesystem");
  private static final List<String> RECLAIM_POLICIES = List.of("Delete", "Recycle", "Retain");
  /** The volume sources of a PersistentVolumeSpec, in upstream's order. */
  private static final List<String> SOURCES = List.of("gcePersistentDisk", "awsElasticBlockStore", "hostPath",
      "glusterfs", "nfs", "rbd", "quobyte", "cinder", "cephfs", "iscsi", "fc", "flocker", "flexVolume", "azureFile",
      "vsphereVolume", "azureDisk", "photonPersistentDisk", "portworxVolume", "scaleIO", "local", "storageos", "csi");
  private static final FieldPath SPEC = FieldPath.root("spec");

  private PersistentVolumeValidation() {}

  static void validateClaim(JsonNode claim, List<FieldError> errs) {
    JsonNode spec = Nodes.field(claim, "spec");
    accessModes(spec, true, errs);
    JsonNode selector = Nodes.field(spec, "selector");
    if (selector.isObject()) {
      SelectorValidation.validate(selector, SPEC.child("selector"), errs);
    }
    FieldPath storage = SPEC.child("resources").key("storage");
    JsonNode request = Nodes.path(spec, "resources", "requests", "storage");
    if (request.isMissingNode() || request.isNull()) {
      errs.add(FieldError.required(storage, ""));
    } else {
      positive(request, storage, errs);
    }
    className(spec, errs);
    volumeMode(spec, errs);
    JsonNode dataSource = Nodes.field(spec, "dataSource");
    if (dataSource.isObject()) {
      typedReference(dataSource, SPEC.child("dataSource"), errs);
    }
    JsonNode dataSourceRef = Nodes.field(spec, "dataSourceRef");
    if (dataSourceRef.isObject()) {
      typedReference(dataSourceRef, SPEC.child("dataSourceRef"), errs);
    }
  }

  /**
   * ValidatePersistentVolumeClaimUpdate: the spec may not change, except that an unset {@code volumeName}
   * may be set once and, for a bound claim, {@code resources.requests} and
   * {@code volumeAttributesClassName} may change (the storage request never shrinks).
   */
  static void validateClaimUpdate(JsonNode claim, JsonNode old, List<FieldError> errs) {
    ObjectNode now = specCopy(claim);
    ObjectNode before = specCopy(old);
    if (Nodes.text(before, "volumeName", "").isEmpty()) {
      before.remove("volumeName");
      if (now.has("volumeName")) {
        before.set("volumeName", now.get("volumeName"));
      }
    }
    // validateStorageClassUpgradeFrom(Annotation|Nil): a claim without a class may be given one once (the
    // binder's retroactive default), the one its beta annotation names if it has that annotation
    JsonNode betaClass = Nodes.field(Nodes.field(old, "metadata"), "annotations").path(BETA_CLASS_ANNOTATION);
    if (!before.hasNonNull("storageClassName") && now.hasNonNull("storageClassName")
        && (betaClass.isMissingNode() || betaClass.asText().equals(now.get("storageClassName").asText()))) {
      now.remove("storageClassName");
      before.remove("storageClassName");
    }
    if ("Bound".equals(Nodes.text(Nodes.field(claim, "status"), "phase", ""))) {
      for (ObjectNode spec : List.of(now, before)) {
        spec.remove("resources");
        spec.remove("volumeAttributesClassName");
      }
    }
    if (!now.equals(before)) {
      errs.add(FieldError.forbidden(SPEC, "spec is immutable after creation except resources.requests and"
          + " volumeAttributesClassName for bound claims"));
    }
    BigDecimal newSize = Quantities.parse(Nodes.path(claim, "spec", "resources", "requests", "storage"));
    BigDecimal oldSize = Quantities.parse(Nodes.path(old, "spec", "resources", "requests", "storage"));
    if (newSize != null && oldSize != null && newSize.compareTo(oldSize) < 0) {
      errs.add(FieldError.forbidden(SPEC.child("resources", "requests", "storage"),
          "field can not be less than previous value"));
    }
  }

  private static ObjectNode specCopy(JsonNode object) {
    JsonNode spec = Nodes.field(object, "spec");
    return spec.isObject() ? ((ObjectNode) spec).deepCopy() : JsonNodeFactory.instance.objectNode();
  }

  static void validateVolume(JsonNode volume, List<FieldError> errs) {
    JsonNode spec = Nodes.field(volume, "spec");
    accessModes(spec, false, errs);
    JsonNode capacity = Nodes.field(spec, "capacity");
    FieldPath capacityPath = SPEC.child("capacity");
    if (!capacity.isObject() || capacity.isEmpty()) {
      errs.add(FieldError.required(capacityPath, ""));
    }
    if (!capacity.has("storage") || capacity.size() > 1) {
      errs.add(FieldError.notSupported(capacityPath, capacity.isObject() ? capacity.toString() : "map[]",
          List.of("storage")));
    }
    if (capacity.isObject()) {
      for (Map.Entry<String, JsonNode> entry : capacity.properties()) {
        positive(entry.getValue(), capacityPath.key(entry.getKey()), errs);
      }
    }
    className(spec, errs);
    String reclaim = Nodes.text(spec, "persistentVolumeReclaimPolicy", "");
    if (!reclaim.isEmpty() && !RECLAIM_POLICIES.contains(reclaim)) {
      errs.add(FieldError.notSupported(SPEC.child("persistentVolumeReclaimPolicy"), reclaim, RECLAIM_POLICIES));
    }
    List<String> sources = new ArrayList<>();
    for (String source : SOURCES) {
      if (Nodes.field(spec, source).isObject()) {
        if (sources.isEmpty()) {
          source(source, Nodes.field(spec, source), SPEC.child(source), errs);
        } else {
          errs.add(FieldError.forbidden(SPEC.child(source), "may not specify more than 1 volume type"));
        }
        sources.add(source);
      }
    }
    if (sources.isEmpty()) {
      errs.add(FieldError.required(SPEC, "must specify a volume type"));
    }
    volumeMode(spec, errs);
  }

  /** ValidatePersistentVolumeUpdate: the volume source and the volume mode stay as created. */
  static void validateVolumeUpdate(JsonNode volume, JsonNode old, List<FieldError> errs) {
    JsonNode spec = Nodes.field(volume, "spec");
    JsonNode before = Nodes.field(old, "spec");
    for (String source : SOURCES) {
      if (!Objects.equals(Nodes.field(spec, source), Nodes.field(before, source))) {
        errs.add(FieldError.forbidden(SPEC.child("persistentvolumesource"),
            "spec.persistentvolumesource is immutable after creation"));
        break;
      }
    }
    MetadataValidation.immutable(SPEC.child("volumeMode"), Nodes.text(spec, "volumeMode", ""),
        Nodes.text(before, "volumeMode", ""), errs);
  }

  private static void accessModes(JsonNode spec, boolean claim, List<FieldError> errs) {
    FieldPath path = SPEC.child("accessModes");
    List<String> modes = Nodes.strings(Nodes.field(spec, "accessModes"));
    if (modes.isEmpty()) {
      errs.add(FieldError.required(path, claim ? "at least 1 access mode is required" : ""));
    }
    boolean once = false;
    boolean other = false;
    for (String mode : modes) {
      if (!ACCESS_MODES.contains(mode)) {
        errs.add(FieldError.notSupported(path, mode, ACCESS_MODES));
      } else if (mode.equals("ReadWriteOncePod")) {
        once = true;
      } else {
        other = true;
      }
    }
    if (once && other) {
      errs.add(FieldError.forbidden(path, "may not use ReadWriteOncePod with other access modes"));
    }
  }

  private static void positive(JsonNode quantity, FieldPath path, List<FieldError> errs) {
    BigDecimal value = Quantities.parse(quantity);
    if (value == null) {
      errs.add(FieldError.invalid(path, Nodes.badValue(quantity), Quantities.FORMAT_MSG));
    } else if (value.signum() <= 0) {
      errs.add(FieldError.invalid(path, quantity.asText(), "must be greater than zero"));
    }
  }

  private static void className(JsonNode spec, List<FieldError> errs) {
    String name = Nodes.text(spec, "storageClassName", "");
    for (String msg : name.isEmpty() ? List.<String>of() : NameRules.dns1123Subdomain(name)) {
      errs.add(FieldError.invalid(SPEC.child("storageClassName"), name, msg));
    }
  }

  private static void volumeMode(JsonNode spec, List<FieldError> errs) {
    JsonNode mode = Nodes.field(spec, "volumeMode");
    if (mode.isTextual() && !VOLUME_MODES.contains(mode.asText())) {
      errs.add(FieldError.notSupported(SPEC.child("volumeMode"), mode.asText(), VOLUME_MODES));
    }
  }

  private static void typedReference(JsonNode reference, FieldPath path, List<FieldError> errs) {
    if (Nodes.text(reference, "name", "").isEmpty()) {
      errs.add(FieldError.required(path.child("name"), ""));
    }
    if (Nodes.text(reference, "kind", "").isEmpty()) {
      errs.add(FieldError.required(path.child("kind"), ""));
    }
  }

  /** The required fields of the common sources (upstream validates every source type this way). */
  private static void source(String type, JsonNode source, FieldPath path, List<FieldError> errs) {
    switch (type) {
      case "hostPath", "local" -> {
        if (Nodes.text(source, "path", "").isEmpty()) {
          errs.add(FieldError.required(path.child("path"), ""));
        }
      }
      case "nfs" -> {
        if (Nodes.text(source, "server", "").isEmpty()) {
          errs.add(FieldError.required(path.child("server"), ""));
        }
        String nfsPath = Nodes.text(source, "path", "");
        if (nfsPath.isEmpty()) {
          errs.add(FieldError.required(path.child("path"), ""));
        } else if (!nfsPath.startsWith("/")) {
          errs.add(FieldError.invalid(path.child("path"), nfsPath, "must be an absolute path"));
        }
      }
      case "csi" -> {
        if (Nodes.text(source, "driver", "").isEmpty()) {
          errs.add(FieldError.required(path.child("driver"), ""));
        }
        if (Nodes.text(source, "volumeHandle", "").isEmpty()) {
          errs.add(FieldError.required(path.child("volumeHandle"), ""));
        }
      }
      default -> { }
    }
  }
}
