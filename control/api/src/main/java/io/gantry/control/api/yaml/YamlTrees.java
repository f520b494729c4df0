package io.gantry.control.api.yaml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads YAML documents into JSON trees as Kubernetes reads them (sigs.k8s.io/yaml over go-yaml):
 * an alias ({@code *name}) stands for a copy of its anchored node ({@code &name}), and a merge key
 * ({@code <<: *defaults}, or a list of aliases) adds the fields of the referenced mappings that the
 * mapping does not set itself. Jackson's own YAML trees give an alias's name as a string instead.
 * Scalars are typed by YAML 1.1's rules, as go-yaml types them; timestamps stay strings. What
 * aliases expand to is bounded, so that a few lines of nested aliases cannot expand into gigabytes.
 */
public final class YamlTrees {

  /** At most this many nodes copied for aliases in one stream of documents. */
  static final int MAX_ALIAS_NODES = 100_000;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** The YAML nodes already turned into trees: meeting one again is meeting an alias of it. */
  private final Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
  /** The nodes being turned into trees, outermost first: an alias of one of them would contain itself. */
  private final Set<Node> building = Collections.newSetFromMap(new IdentityHashMap<>());
  private int expanding;
  private int aliasNodes;

  private YamlTrees() {}

  /** Every non-empty document of {@code yaml}, in order (a top-level list is one document). */
  public static List<JsonNode> readAll(byte[] yaml) throws IOException {
    return readAll(new java.io.ByteArrayInputStream(yaml));
  }

  /** Every non-empty document of {@code yaml} (UTF-8), in order. */
  public static List<JsonNode> readAll(InputStream yaml) throws IOException {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(1000);
    options.setAllowDuplicateKeys(true); // the last one wins, as in JSON
    options.setCodePointLimit(Integer.MAX_VALUE); // callers bound their input
    YamlTrees trees = new YamlTrees();
    List<JsonNode> documents = new ArrayList<>();
    try (Reader reader = new InputStreamReader(yaml, StandardCharsets.UTF_8)) {
      for (Node document : new Yaml(options).composeAll(reader)) {
        JsonNode tree = trees.tree(document);
        if (!tree.isNull()) {
          documents.add(tree);
        }
      }
    } catch (YAMLException e) {
      throw new IOException(e.getMessage(), e);
    }
    return documents;
  }

  /** The single document of {@code yaml}; null when it has none; an error when it has several. */
  public static JsonNode readOne(byte[] yaml) throws IOException {
    List<JsonNode> documents = readAll(yaml);
    if (documents.size() > 1) {
      throw new IOException("expected one YAML document, found " + documents.size());
    }
    return documents.isEmpty() ? null : documents.get(0);
  }

  private JsonNode tree(Node node) throws IOException {
    if (!building.add(node)) {
      throw new IOException("anchor " + (node.getAnchor() == null ? "" : "'" + node.getAnchor() + "' ")
          + "value contains itself, at " + node.getStartMark());
    }
    boolean alias = !seen.add(node);
    if (alias) {
      expanding++;
    }
    try {
      if (expanding > 0 && ++aliasNodes > MAX_ALIAS_NODES) {
        throw new IOException("the YAML's aliases expand to more than " + MAX_ALIAS_NODES + " nodes");
      }
      return switch (node) {
        case MappingNode mapping -> object(mapping);
        case SequenceNode sequence -> array(sequence);
        case ScalarNode scalar -> scalar(scalar);
        default -> throw new IOException("unexpected YAML node " + node.getNodeId());
      };
    } finally {
      building.remove(node);
      if (alias) {
        expanding--;
      }
    }
  }

  private ObjectNode object(MappingNode mapping) throws IOException {
    ObjectNode object = NODES.objectNode();
    List<ObjectNode> merged = new ArrayList<>();
    for (NodeTuple tuple : mapping.getValue()) {
      Node key = tuple.getKeyNode();
      Node value = tuple.getValueNode();
      if (key.getTag().equals(Tag.MERGE)) {
        for (Node source : value instanceof SequenceNode list ? list.getValue() : List.of(value)) {
          if (!(tree(source) instanceof ObjectNode sourceObject)) {
            throw new IOException("a merge key (<<) takes a mapping or a list of mappings, at " + source.getStartMark());
          }
          merged.add(sourceObject);
        }
      } else if (key instanceof ScalarNode name) {
        object.set(name.getValue(), tree(value));
      } else {
        throw new IOException("a mapping key must be a scalar, at " + key.getStartMark());
      }
    }
    for (ObjectNode source : merged) { // the mapping's own keys win, then earlier sources over later ones
      source.properties().forEach(field -> object.putIfAbsent(field.getKey(), field.getValue()));
    }
    return object;
  }

  private ArrayNode array(SequenceNode sequence) throws IOException {
    ArrayNode array = NODES.arrayNode();
    for (Node item : sequence.getValue()) {
      array.add(tree(item));
    }
    return array;
  }

  private static JsonNode scalar(ScalarNode scalar) {
    String text = scalar.getValue();
    Tag tag = scalar.getTag();
    if (tag.equals(Tag.NULL)) {
      return NODES.nullNode();
    }
    if (tag.equals(Tag.BOOL)) {
      String lower = text.toLowerCase(Locale.ROOT);
      return NODES.booleanNode(lower.equals("true") || lower.equals("yes") || lower.equals("on") || lower.equals("y"));
    }
    if (tag.equals(Tag.INT)) {
      JsonNode number = integer(text);
      return number == null ? NODES.textNode(text) : number;
    }
    if (tag.equals(Tag.FLOAT)) {
      try {
        double value = Double.parseDouble(text.replace("_", ""));
        return Double.isFinite(value) ? NODES.numberNode(value) : NODES.textNode(text);
      } catch (NumberFormatException e) {
        return NODES.textNode(text); // sexagesimal and the like: kept as written
      }
    }
    return NODES.textNode(text); // strings, timestamps, !!binary (base64 as written) and custom tags
  }

  /** An integer in YAML 1.1 notation (sign, underscores, 0x, 0b, leading-0 octal), typed as Jackson types it. */
  private static JsonNode integer(String text) {
    String digits = text.replace("_", "");
    boolean negative = digits.startsWith("-");
    if (negative || digits.startsWith("+")) {
      digits = digits.substring(1);
    }
    int radix = 10;
    if (digits.startsWith("0x")) {
      radix = 16;
      digits = digits.substring(2);
    } else if (digits.startsWith("0b")) {
      radix = 2;
      digits = digits.substring(2);
    } else if (digits.startsWith("0o")) {
      radix = 8;
      digits = digits.substring(2);
    } else if (digits.length() > 1 && digits.startsWith("0")) {
      radix = 8;
      digits = digits.substring(1);
    }
    try {
      BigInteger value = new BigInteger(digits, radix);
      value = negative ? value.negate() : value;
      if (value.bitLength() < 32) {
        return NODES.numberNode(value.intValue());
      }
      return value.bitLength() < 64 ? NODES.numberNode(value.longValue()) : NODES.numberNode(value);
    } catch (NumberFormatException e) {
      return null; // sexagesimal (1:30) and the like
    }
  }
}
