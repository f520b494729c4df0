package io.gantry.control.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import java.util.Optional;

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
    for (String groupVersion : groupVersions()) {
      if (groupVersion.contains("/")) {
        groups.add(group(groupVersion));
      }
    }
    return list;
  }

  /** The APIGroup document of {@code /apis/{group}}. */
  public static Optional<ObjectNode> group(String groupName, boolean withKind) {
    return groupVersions().stream()
        .filter(gv -> gv.startsWith(groupName + "/"))
        .findFirst()
        .map(gv -> {
          ObjectNode group = group(gv);
          if (withKind) {
            ObjectNode ordered = Json.object();
            ordered.put("kind", "APIGroup");
            ordered.put("apiVersion", "v1");
            ordered.setAll(group);
            return ordered;
          }
          return group;
        });
  }

  /** The served group versions: those of stored kinds, then those of the review resources. */
  private static List<String> groupVersions() {
    return java.util.stream.Stream.concat(ResourceTypes.groupVersions().stream(),
        AccessReviews.ALL.stream().map(AccessReviews.Review::groupVersion)).distinct().toList();
  }

  private static ObjectNode group(String groupVersion) {
    String name = groupVersion.substring(0, groupVersion.indexOf('/'));
    String version = groupVersion.substring(groupVersion.indexOf('/') + 1);
    ObjectNode group = Json.object();
    group.put("name", name);
    ObjectNode entry = group.putArray("versions").addObject();
    entry.put("groupVersion", groupVersion);
    entry.put("version", version);
    ObjectNode preferred = group.putObject("preferredVersion");
    preferred.put("groupVersion", groupVersion);
    preferred.put("version", version);
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
