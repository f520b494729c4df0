package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/**
 * Which StorageClass is the default, as {@code GetDefaultClass} of pkg/volume/util decides it for the
 * DefaultStorageClass admission plugin and the persistentvolume binder alike: a class annotated
 * {@code storageclass.kubernetes.io/is-default-class} (or its beta predecessor) "true"; of several, the one
 * created last, then the lowest name.
 */
public final class StorageClasses {

  public static final String IS_DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class";
  public static final String BETA_IS_DEFAULT_CLASS = "storageclass.beta.kubernetes.io/is-default-class";
  /** The claim annotation that named a class before {@code spec.storageClassName}. */
  public static final String BETA_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class";

  /** Later creation first; then the lower name. RFC 3339 timestamps in UTC order as text. */
  private static final Comparator<ObjectNode> PREFERRED = Comparator
      .comparing((ObjectNode c) -> ObjectMeta.text(c, "creationTimestamp")).reversed()
      .thenComparing(ObjectMeta::name);

  private StorageClasses() {}

  /** {@code IsDefaultAnnotation}. */
  public static boolean isDefault(ObjectNode storageClass) {
    JsonNode annotations = ObjectMeta.metadata(storageClass).path("annotations");
    return "true".equals(annotations.path(IS_DEFAULT_CLASS).asText(null))
        || "true".equals(annotations.path(BETA_IS_DEFAULT_CLASS).asText(null));
  }

  /** The name of the default class among {@code classes}, if any is one. */
  public static Optional<String> defaultClass(Collection<ObjectNode> classes) {
    return classes.stream().filter(StorageClasses::isDefault).min(PREFERRED).map(ObjectMeta::name);
  }

  /**
   * {@code PersistentVolumeClaimHasClass}: the claim names a class, even "" (which asks for a volume without
   * one), in {@code spec.storageClassName} or the beta annotation.
   */
  public static boolean claimHasClass(ObjectNode claim) {
    return claim.path("spec").hasNonNull("storageClassName")
        || ObjectMeta.metadata(claim).path("annotations").has(BETA_CLASS_ANNOTATION);
  }
}
