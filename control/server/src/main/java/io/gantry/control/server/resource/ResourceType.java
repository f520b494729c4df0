package io.gantry.control.server.resource;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One kind the API serves: where it lives in the REST tree and what discovery says about it.
 *
 * @param group        API group, empty for the core group
 * @param version      API version, such as {@code v1}
 * @param plural       the resource name in paths, such as {@code deployments}
 * @param singular     the singular name, such as {@code deployment}
 * @param kind         the object kind, such as {@code Deployment}
 * @param namespaced   whether objects live inside a namespace
 * @param shortNames   kubectl short names, such as {@code deploy}
 * @param categories   discovery categories, such as {@code all}
 * @param subresources subresources served, such as {@code status} and {@code scale}
 * @param readOnly     whether clients may only read (a mirror maintained by the server)
 * @param storage      the type whose stored objects these are, in another representation (events.k8s.io
 *                     Events are core Events, as kube-apiserver keeps both in {@code /registry/events}),
 *                     or null when the type is stored as itself
 */
public record ResourceType(
    String group,
    String version,
    String plural,
    String singular,
    String kind,
    boolean namespaced,
    List<String> shortNames,
    List<String> categories,
    Set<String> subresources,
    boolean readOnly,
    ResourceType storage) {

  public ResourceType {
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(plural, "plural");
    Objects.requireNonNull(singular, "singular");
    Objects.requireNonNull(kind, "kind");
    shortNames = List.copyOf(shortNames);
    categories = List.copyOf(categories);
    subresources = Set.copyOf(subresources);
    if (storage != null && storage.storage() != null) {
      throw new IllegalArgumentException("storage: " + storage.qualifiedName() + " (expected: a type stored as itself)");
    }
  }

  /** A type stored as itself. */
  public ResourceType(String group, String version, String plural, String singular, String kind, boolean namespaced,
      List<String> shortNames, List<String> categories, Set<String> subresources, boolean readOnly) {
    this(group, version, plural, singular, kind, namespaced, shortNames, categories, subresources, readOnly, null);
  }

  /** This type, its objects stored as {@code storage}'s (converted at the registry's edges). */
  public ResourceType storedAs(ResourceType storage) {
    Objects.requireNonNull(storage, "storage");
    if (storage.namespaced() != namespaced) {
      throw new IllegalArgumentException("storage: " + storage.qualifiedName() + " (expected: a type as namespaced as "
          + qualifiedName() + ")");
    }
    return new ResourceType(group, version, plural, singular, kind, namespaced, shortNames, categories, subresources,
        readOnly, storage);
  }

  /** The type whose store keys this type's objects live under: {@link #storage()}, or this type. */
  public ResourceType storageType() {
    return storage == null ? this : storage;
  }

  /** Whether this type's objects are stored as another type's (see {@link #storage()}). */
  public boolean isView() {
    return storage != null;
  }

  /** {@code v1} for the core group, else {@code group/version}: the {@code apiVersion} of objects. */
  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** How Kubernetes names the resource in messages: {@code deployments.apps}, or {@code pods}. */
  public String qualifiedName() {
    return group.isEmpty() ? plural : plural + "." + group;
  }

  /** The store key prefix of every object of this type, ending in {@code /}. */
  public String keyPrefix() {
    if (storage != null) {
      return storage.keyPrefix();
    }
    return "/registry/" + (group.isEmpty() ? "core" : group) + "/" + plural + "/";
  }

  /** The store key prefix of this type's objects in one namespace (or all, for cluster-scoped). */
  public String keyPrefix(String namespace) {
    return namespaced && namespace != null ? keyPrefix() + namespace + "/" : keyPrefix();
  }

  /** The store key of one object. */
  public String key(String namespace, String name) {
    return namespaced ? keyPrefix() + namespace + "/" + name : keyPrefix() + name;
  }

  public boolean hasSubresource(String name) {
    return subresources.contains(name);
  }
}
