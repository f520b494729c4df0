package io.gantry.control.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Aggregated discovery ({@code apidiscovery.k8s.io/v2} and {@code v2beta1}
 * {@code APIGroupDiscoveryList}): {@code /api} and {@code /apis} answered in one document each, as
 * kube-apiserver's {@code discovery/aggregated} handler serves them to clients that ask for them in
 * the Accept header (see {@link DiscoveryAccept}).
 *
 * <p>Each group version's entries are converted from its legacy {@link Discovery#resources}
 * APIResourceList as upstream's {@code ConvertGroupVersionIntoToDiscovery} does, so the two forms
 * cannot disagree: subresources nest under their resource, and each {@code responseKind} carries the
 * legacy entry's group, version and kind (empty group and version meaning the group version's own).
 *
 * <p>Concurrency: the served kinds are fixed at build time, so every document, with its ETag, is
 * computed once at class initialization and shared read-only.
 */
public final class AggregatedDiscovery {

  private record Representation(String contentType, byte[] body, String etag) {}

  /** By {@code "/api v2"}, {@code "/apis v2beta1"} and so on. */
  private static final Map<String, Representation> DOCUMENTS = documents();

  private AggregatedDiscovery() {}

  /**
   * The answer to {@code GET /api} or {@code GET /apis} when the request's Accept header asks for
   * aggregated discovery before anything else served; empty when the legacy document answers.
   */
  public static Optional<ApiResponse> answer(String path, ApiRequest request) {
    Optional<String> version = DiscoveryAccept.aggregatedVersion(request.accept());
    if (version.isEmpty()) {
      return Optional.empty();
    }
    Representation document = DOCUMENTS.get(path + " " + version.get());
    if (document == null) {
      return Optional.empty();
    }
    // as upstream's ServeHTTPWithETag: a client holding this representation gets 304 and no body
    boolean unchanged = matches(request.ifNoneMatch(), document.etag);
    return Optional.of(new ApiResponse(unchanged ? 304 : 200, document.contentType,
        unchanged ? new byte[0] : document.body)
        .withHeader("ETag", document.etag)
        .withHeader("Vary", "Accept")
        .withHeader("Cache-Control", "public"));
  }

  /** The {@code APIGroupDiscoveryList} of {@code /api} ({@code core}) or {@code /apis}, in {@code version}. */
  static ObjectNode document(boolean core, String version) {
    ObjectNode list = Json.object();
    list.put("kind", DiscoveryAccept.KIND);
    list.put("apiVersion", DiscoveryAccept.GROUP + "/" + version);
    list.putObject("metadata");
    ArrayNode items = list.putArray("items");
    Discovery.servedGroups().forEach((name, versions) -> {
      if (name.isEmpty() == core) {
        items.add(group(name, versions));
      }
    });
    return list;
  }

  private static ObjectNode group(String name, List<String> versions) {
    ObjectNode group = Json.object();
    ObjectNode metadata = group.putObject("metadata");
    if (!name.isEmpty()) {
      metadata.put("name", name);
    }
    metadata.putNull("creationTimestamp");
    ArrayNode entries = group.putArray("versions");
    for (String version : versions) {
      String groupVersion = name.isEmpty() ? version : name + "/" + version;
      ObjectNode entry = entries.addObject();
      entry.put("version", version);
      entry.set("resources", resources(Discovery.resources(groupVersion).orElseThrow()));
      entry.put("freshness", "Current");
    }
    return group;
  }

  /** The APIResourceDiscovery entries of an APIResourceList, sorted by resource as upstream lists them. */
  static ArrayNode resources(ObjectNode resourceList) {
    Map<String, ObjectNode> parents = new LinkedHashMap<>();
    List<JsonNode> subresources = new ArrayList<>();
    for (JsonNode resource : resourceList.path("resources")) {
      String name = resource.path("name").asText();
      if (name.contains("/")) {
        subresources.add(resource);
        continue;
      }
      ObjectNode entry = Json.object();
      entry.put("resource", name);
      entry.set("responseKind", responseKind(resource));
      entry.put("scope", resource.path("namespaced").asBoolean() ? "Namespaced" : "Cluster");
      entry.put("singularResource", resource.path("singularName").asText());
      entry.set("verbs", resource.path("verbs").deepCopy());
      copyIfPresent(resource, "shortNames", entry);
      copyIfPresent(resource, "categories", entry);
      parents.put(name, entry);
    }
    for (JsonNode resource : subresources) {
      String[] names = resource.path("name").asText().split("/", 2);
      ObjectNode parent = parents.get(names[0]);
      if (parent == null) {
        throw new IllegalStateException("subresource " + names[1] + " of " + names[0] + " has no resource");
      }
      ArrayNode list = parent.has("subresources") ? (ArrayNode) parent.get("subresources")
          : parent.putArray("subresources");
      ObjectNode entry = list.addObject();
      entry.put("subresource", names[1]);
      entry.set("responseKind", responseKind(resource));
      entry.set("verbs", resource.path("verbs").deepCopy());
    }
    ArrayNode sorted = Json.object().arrayNode();
    parents.values().stream().sorted(Comparator.comparing(entry -> entry.path("resource").asText()))
        .forEach(sorted::add);
    return sorted;
  }

  private static ObjectNode responseKind(JsonNode resource) {
    ObjectNode kind = Json.object();
    kind.put("group", resource.path("group").asText(""));
    kind.put("version", resource.path("version").asText(""));
    kind.put("kind", resource.path("kind").asText(""));
    return kind;
  }

  private static void copyIfPresent(JsonNode from, String field, ObjectNode to) {
    if (from.has(field) && !from.get(field).isEmpty()) {
      to.set(field, from.get(field).deepCopy());
    }
  }

  private static Map<String, Representation> documents() {
    Map<String, Representation> documents = new LinkedHashMap<>();
    for (String version : DiscoveryAccept.VERSIONS) {
      String contentType = "application/json;g=" + DiscoveryAccept.GROUP + ";v=" + version + ";as="
          + DiscoveryAccept.KIND;
      for (boolean core : new boolean[] {true, false}) {
        byte[] body = Json.bytes(document(core, version));
        documents.put((core ? "/api " : "/apis ") + version, new Representation(contentType, body, etag(body)));
      }
    }
    return Map.copyOf(documents);
  }

  /** A strong ETag as upstream's: the quoted upper-case hex SHA-512 of the document. */
  private static String etag(byte[] body) {
    try {
      return "\"" + HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-512").digest(body)) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-512 is unavailable", e);
    }
  }

  /** Whether an If-None-Match header names {@code etag} (or is {@code *}). */
  private static boolean matches(String ifNoneMatch, String etag) {
    for (String candidate : ifNoneMatch.split(",")) {
      String tag = candidate.trim();
      if (tag.startsWith("W/")) {
        tag = tag.substring(2);
      }
      if (tag.equals(etag) || tag.equals("*")) {
        return true;
      }
    }
    return false;
  }
}
