package io.gantry.control.server.managedfields;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * An immutable set of field paths in the {@code FieldsV1} vocabulary: a path is a list of
 * elements {@code f:name} (a map field), {@code k:{"name":"web"}} (the element of an associative
 * list with those key values), {@code v:"x"} (the element of a set-like list) or {@code i:3}
 * (a list index). A path in the set is a member; its prefixes are not, unless added themselves,
 * which {@code FieldsV1} writes as {@code ".": {}}.
 */
public final class FieldSet {

  public static final FieldSet EMPTY = new FieldSet(Set.of());

  private final Set<List<String>> paths;

  private FieldSet(Set<List<String>> paths) {
    this.paths = paths;
  }

  public static FieldSet of(Collection<List<String>> paths) {
    return paths.isEmpty() ? EMPTY : new FieldSet(Set.copyOf(paths));
  }

  public Set<List<String>> paths() {
    return paths;
  }

  public boolean isEmpty() {
    return paths.isEmpty();
  }

  public boolean contains(List<String> path) {
    return paths.contains(path);
  }

  /** Whether a member of this set lies strictly below {@code prefix}. */
  public boolean hasBelow(List<String> prefix) {
    for (List<String> path : paths) {
      if (path.size() > prefix.size() && path.subList(0, prefix.size()).equals(prefix)) {
        return true;
      }
    }
    return false;
  }

  public FieldSet union(FieldSet other) {
    if (other.isEmpty()) {
      return this;
    }
    Set<List<String>> all = new HashSet<>(paths);
    all.addAll(other.paths);
    return of(all);
  }

  public FieldSet minus(FieldSet other) {
    if (other.isEmpty()) {
      return this;
    }
    Set<List<String>> rest = new HashSet<>(paths);
    rest.removeAll(other.paths);
    return of(rest);
  }

  public FieldSet intersect(FieldSet other) {
    Set<List<String>> both = new HashSet<>(paths);
    both.retainAll(other.paths);
    return of(both);
  }

  /** Keeps the paths {@code keep} accepts. */
  public FieldSet filter(java.util.function.Predicate<List<String>> keep) {
    List<List<String>> kept = new ArrayList<>();
    for (List<String> path : paths) {
      if (keep.test(path)) {
        kept.add(path);
      }
    }
    return kept.size() == paths.size() ? this : of(kept);
  }

  /** The {@code FieldsV1} tree: members without members below them are {@code {}}, others carry {@code "."}. */
  public ObjectNode toFieldsV1() {
    Node root = new Node();
    for (List<String> path : paths) {
      Node node = root;
      for (String element : path) {
        node = node.children.computeIfAbsent(element, e -> new Node());
      }
      node.member = true;
    }
    return root.json();
  }

  /**
   * Reads a {@code FieldsV1} tree.
   *
   * @throws IllegalArgumentException if it is not one: a non-object, or an element that is not
   *     {@code .}, {@code f:}, {@code k:}, {@code v:} or {@code i:}
   */
  public static FieldSet fromFieldsV1(JsonNode fields) {
    if (fields == null || fields.isNull() || fields.isMissingNode()) {
      return EMPTY;
    }
    List<List<String>> paths = new ArrayList<>();
    read(fields, new ArrayList<>(), paths);
    return of(paths);
  }

  private static void read(JsonNode node, List<String> prefix, List<List<String>> out) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("fieldsV1 at " + describe(prefix) + ": " + node.getNodeType()
          + " (expected: an object)");
    }
    if (node.isEmpty() && !prefix.isEmpty()) {
      out.add(List.copyOf(prefix));
      return;
    }
    for (Map.Entry<String, JsonNode> child : node.properties()) {
      String element = child.getKey();
      if (element.equals(".")) {
        if (!prefix.isEmpty()) {
          out.add(List.copyOf(prefix));
        }
        continue;
      }
      if (element.length() < 2 || element.charAt(1) != ':' || "fkvi".indexOf(element.charAt(0)) < 0) {
        throw new IllegalArgumentException("fieldsV1 at " + describe(prefix) + ": element \"" + element
            + "\" (expected: \".\" or a prefix f:, k:, v: or i:)");
      }
      prefix.add(element);
      read(child.getValue(), prefix, out);
      prefix.remove(prefix.size() - 1);
    }
  }

  /**
   * A path as structured-merge-diff prints it in conflict messages:
   * {@code .spec.template.spec.containers[name="web"].image}, {@code .metadata.finalizers[="x"]}.
   */
  public static String describe(List<String> path) {
    StringBuilder out = new StringBuilder();
    for (String element : path) {
      String rest = element.length() > 2 ? element.substring(2) : "";
      switch (element.charAt(0)) {
        case 'f' -> out.append('.').append(rest);
        case 'v' -> out.append("[=").append(rest).append(']');
        case 'i' -> out.append('[').append(rest).append(']');
        default -> out.append('[').append(keyText(rest)).append(']');
      }
    }
    return out.toString();
  }

  private static String keyText(String json) {
    try {
      JsonNode keys = Json.MAPPER.readTree(json);
      List<String> parts = new ArrayList<>();
      keys.properties().forEach(e -> parts.add(e.getKey() + "=" + e.getValue()));
      return String.join(",", parts);
    } catch (IOException | RuntimeException e) {
      return json;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FieldSet other && paths.equals(other.paths);
  }

  @Override
  public int hashCode() {
    return paths.hashCode();
  }

  @Override
  public String toString() {
    return toFieldsV1().toString();
  }

  /** One level of the FieldsV1 tree while encoding; sorted, so "." comes first as in Kubernetes. */
  private static final class Node {
    final Map<String, Node> children = new TreeMap<>();
    boolean member;

    ObjectNode json() {
      ObjectNode out = Json.object();
      if (member && !children.isEmpty()) {
        out.putObject(".");
      }
      children.forEach((element, child) -> out.set(element, child.json()));
      return out;
    }
  }
}
