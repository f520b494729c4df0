package io.gantry.control.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** The discovery documents: {@code /version}, {@code /api}, {@code /apis} and each group version. */
public final class Discovery {

  public static final String KUBERNETES_VERSION = "v1.32.0";
  private static final List<String> WRITE_VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
  private static final List<String> READ_VERBS = List.of("get", "list", "watch");

  private Discovery() {}

  public static ObjectNode version(String gantryVersion) {
    ObjectNode version = Json.object();
    version.put("major", "1");
    version.put("minor", "32");
    version.put("gitVersion", KUBERNETES_VERSION + "-gantry." + gantryVersion);
    version.put("gitCommit", "0000000000000000000000000000000000000000");
    version.put("gitTreeState", "clean");
    version.put("buildDate", "2026-01-01T00:00:00Z");
    version.put("goVersion", "java" + Runtime.version().feature());
    version.put("compiler", "gantry");
    version.put("platform", "linux/amd64");
    return version;
  }

  public static ObjectNode coreVersions() {
    ObjectNode api = Json.object();
    api.put("kind", "APIVersions");
    api.putArray("versions").add("v1");
    ObjectNode cidr = api.putArray("serverAddressByClientCIDRs").addObject();
    cidr.put("clientCIDR", "0.0.0.0/0");
    cidr.put("serverAddress", "");
    return api;
  }

  public static ObjectNode groupList() {
    ObjectNode list = Json.object();
    list.put("kind", "APIGroupList");
    list.put("apiVersion", "v1");
    ArrayNode groups = list.putArray("groups");
    GROUPS.forEach((name, versions) -> {
      if (!name.isEmpty()) {
        groups.add(group(name, versions));
      }
    });
    return list;
  }

  /** The APIGroup document of {@code /apis/{group}}. */
  public static Optional<ObjectNode> group(String groupName, boolean withKind) {
    List<String> versions = groupName.isEmpty() ? null : GROUPS.get(groupName);
    if (versions == null) {
      return Optional.empty();
    }
    ObjectNode group = group(groupName, versions);
    if (!withKind) {
      return Optional.of(group);
    }
    ObjectNode ordered = Json.object();
    ordered.put("kind", "APIGroup");
    ordered.put("apiVersion", "v1");
    ordered.setAll(group);
    return Optional.of(ordered);
  }

  /**
   * The served groups by name, the core group as {@code ""} first, each with its versions in
   * preference order: the one source both the legacy documents and aggregated discovery list.
   */
  public static Map<String, List<String>> servedGroups() {
    return GROUPS;
  }

  private static final Map<String, List<String>> GROUPS = servedGroupsOf(
      Stream.concat(ResourceTypes.groupVersions().stream(), AccessReviews.ALL.stream().map(AccessReviews.Review::groupVersion))
          .distinct().toList());

  private static Map<String, List<String>> servedGroupsOf(List<String> groupVersions) {
    Map<String, List<String>> groups = new LinkedHashMap<>();
    groups.put("", new ArrayList<>());
    for (String groupVersion : groupVersions) {
      int slash = groupVersion.indexOf('/');
      String name = slash < 0 ? "" : groupVersion.substring(0, slash);
      groups.computeIfAbsent(name, n -> new ArrayList<>()).add(groupVersion.substring(slash + 1));
    }
    Map<String, List<String>> sorted = new LinkedHashMap<>();
    groups.forEach((name, versions) -> sorted.put(name,
        versions.stream().sorted(KubeVersions.PREFERRED_FIRST).toList()));
    return Collections.unmodifiableMap(sorted);
  }

  private static ObjectNode group(String name, List<String> versions) {
    ObjectNode group = Json.object();
    group.put("name", name);
    ArrayNode entries = group.putArray("versions");
    for (String version : versions) {
      ObjectNode entry = entries.addObject();
      entry.put("groupVersion", name + "/" + version);
      entry.put("version", version);
    }
    ObjectNode preferred = group.putObject("preferredVersion");
    preferred.put("groupVersion", name + "/" + versions.get(0));
    preferred.put("version", versions.get(0));
    return group;
  }

  /** The APIResourceList of one group version, or empty when not served. */
  public static Optional<ObjectNode> resources(String groupVersion) {
    List<ResourceType> types = ResourceTypes.ALL.stream().filter(t -> t.apiVersion().equals(groupVersion)).toList();
    List<AccessReviews.Review> reviews = AccessReviews.ALL.stream()
        .filter(review -> review.groupVersion().equals(groupVersion)).toList();
    if (types.isEmpty() && reviews.isEmpty()) {
      return Optional.empty();
    }
    ObjectNode list = Json.object();
    list.put("kind", "APIResourceList");
    list.put("apiVersion", "v1");
    list.put("groupVersion", groupVersion);
    ArrayNode resources = list.putArray("resources");
    for (ResourceType type : types) {
      ObjectNode resource = resources.addObject();
      resource.put("name", type.plural());
      resource.put("singularName", type.singular());
      resource.put("namespaced", type.namespaced());
      resource.put("kind", type.kind());
      ArrayNode verbs = resource.putArray("verbs");
      (type.readOnly() ? READ_VERBS : WRITE_VERBS).stream()
          // namespaces are deleted one at a time (kube-apiserver serves no deletecollection for them)
          .filter(verb -> !(type == ResourceTypes.NAMESPACES && verb.equals("deletecollection")))
          .forEach(verbs::add);
      if (!type.shortNames().isEmpty()) {
        ArrayNode shortNames = resource.putArray("shortNames");
        type.shortNames().forEach(shortNames::add);
      }
      if (!type.categories().isEmpty()) {
        ArrayNode categories = resource.putArray("categories");
        type.categories().forEach(categories::add);
      }
      for (String subresource : type.subresources().stream().sorted().toList()) {
        resources.add(subresource(type, subresource));
      }
    }
    for (AccessReviews.Review review : reviews) {
      ObjectNode resource = resources.addObject();
      resource.put("name", review.plural());
      resource.put("singularName", review.kind().toLowerCase(java.util.Locale.ROOT));
      resource.put("namespaced", review.namespaced());
      resource.put("kind", review.kind());
      resource.putArray("verbs").add("create");
    }
    return Optional.of(list);
  }

  private static ObjectNode subresource(ResourceType type, String subresource) {
    ObjectNode resource = Json.object();
    resource.put("name", type.plural() + "/" + subresource);
    resource.put("singularName", "");
    resource.put("namespaced", type.namespaced());
    ArrayNode verbs = Json.object().arrayNode();
    switch (subresource) {
      case "scale" -> {
        resource.put("group", "autoscaling");
        resource.put("version", "v1");
        resource.put("kind", "Scale");
        List.of("get", "patch", "update").forEach(verbs::add);
      }
      case "token" -> {
        resource.put("group", "authentication.k8s.io");
        resource.put("version", "v1");
        resource.put("kind", "TokenRequest");
        verbs.add("create");
      }
      case "binding" -> {
        resource.put("kind", "Binding");
        verbs.add("create");
      }
      case "eviction" -> {
        resource.put("group", "policy");
        resource.put("version", "v1");
        resource.put("kind", "Eviction");
        verbs.add("create");
      }
      case "log" -> {
        resource.put("kind", "Pod");
        verbs.add("get");
      }
      case "proxy" -> {
        resource.put("kind", type.kind() + "ProxyOptions");
        List.of("create", "delete", "get", "patch", "update").forEach(verbs::add);
      }
      case "attach" -> {
        resource.put("kind", "PodAttachOptions");
        List.of("create", "get").forEach(verbs::add);
      }
      case "exec", "portforward" -> {
        resource.put("kind", "PodExecOptions");
        List.of("create", "get").forEach(verbs::add);
      }
      default -> {
        resource.put("kind", type.kind());
        List.of("get", "patch", "update").forEach(verbs::add);
      }
    }
    resource.set("verbs", verbs);
    return resource;
  }
}
