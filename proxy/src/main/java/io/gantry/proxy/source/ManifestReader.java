package io.gantry.proxy.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.api.translate.EndpointAggregator;
import io.gantry.control.api.translate.EndpointsMirror;
import io.gantry.control.api.translate.ViewTranslator;
import io.gantry.control.api.v1.NodeView;
import io.gantry.control.api.v1.ServiceView;
import io.gantry.control.api.yaml.YamlTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads Services, EndpointSlices (and v1 Endpoints, mirrored into slices) and Nodes from files of
 * Kubernetes YAML or JSON (one or many documents per file; {@code kind: List} too) and translates
 * them with control/api's {@link ViewTranslator} and {@link EndpointAggregator}. Other kinds are
 * ignored. A file that does not parse is skipped with a warning, so one bad file does not take the
 * others down.
 */
public final class ManifestReader {

  private static final Logger log = LoggerFactory.getLogger(ManifestReader.class);
  /** Files larger than this are skipped (a manifest folder, not a data dump). */
  private static final long MAX_FILE_BYTES = 64L << 20;

  private ManifestReader() {
  }

  /** The manifest files of a folder, sorted by name. */
  public static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.filter(Files::isRegularFile).filter(p -> {
        String name = p.getFileName().toString();
        return !name.startsWith(".") && (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json"));
      }).sorted().toList();
    }
  }

  /** The views of one file (none when it cannot be read: a warning says why). */
  public static Views readFile(Path file) {
    return translate(objects(file));
  }

  private static List<ObjectNode> objects(Path file) {
    List<ObjectNode> objects = new ArrayList<>();
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        log.warn("{}: larger than {} bytes; skipped", file, MAX_FILE_BYTES);
        return objects;
      }
      for (JsonNode doc : YamlTrees.readAll(Files.readAllBytes(file))) {
        collect(doc, objects);
      }
    } catch (IOException | RuntimeException e) {
      log.warn("{}: cannot read ({}); skipped", file, e.getMessage());
      objects.clear();
    }
    return objects;
  }

  /** Translates Kubernetes objects to views (objects of other kinds are ignored). */
  public static Views translate(List<ObjectNode> objects) {
    List<ServiceView> services = new ArrayList<>();
    List<NodeView> nodes = new ArrayList<>();
    List<ObjectNode> slices = new ArrayList<>();
    for (ObjectNode o : objects) {
      String kind = o.path("kind").asText("");
      try {
        switch (kind) {
          case "Service" -> services.add(ViewTranslator.service(withNamespace(o)));
          case "Node" -> nodes.add(ViewTranslator.node(o));
          case "EndpointSlice" -> slices.add(withNamespace(o));
          case "Endpoints" -> slices.addAll(EndpointsMirror.slices(withNamespace(o)));
          default -> {
          }
        }
      } catch (RuntimeException e) {
        log.warn("{} {}: cannot translate ({}); skipped", kind, o.path("metadata").path("name").asText(),
            e.toString());
      }
    }
    return new Views(services, EndpointAggregator.byService(slices), nodes);
  }

  private static void collect(JsonNode doc, List<ObjectNode> into) {
    if (!(doc instanceof ObjectNode o)) {
      return;
    }
    if (o.path("kind").asText("").endsWith("List") && o.path("items").isArray()) {
      o.path("items").forEach(item -> collect(item, into));
    } else {
      into.add(o);
    }
  }

  private static ObjectNode withNamespace(ObjectNode o) {
    JsonNode meta = o.path("metadata");
    if (meta instanceof ObjectNode m && m.path("namespace").asText("").isEmpty()) {
      m.put("namespace", "default");
    }
    return o;
  }
}
