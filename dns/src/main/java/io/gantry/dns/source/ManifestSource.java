package io.gantry.dns.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.api.translate.EndpointAggregator;
import io.gantry.control.api.translate.EndpointsMirror;
import io.gantry.control.api.translate.ViewTranslator;
import io.gantry.control.api.v1.PodView;
import io.gantry.control.api.v1.ServiceView;
import io.gantry.control.api.yaml.YamlTrees;
import io.gantry.dns.zone.DnsZoneSnapshot;
import io.gantry.dns.zone.ZoneConfig;
import io.gantry.dns.zone.ZoneHolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The static mode: a folder of Kubernetes YAML (Namespaces, Services, EndpointSlices or v1
 * Endpoints, Pods; one or many documents per file, {@code kind: List} too) translated with the
 * control component's own {@link ViewTranslator} and {@link EndpointAggregator}, so it answers
 * exactly as the control-driven mode would. The folder is polled (names, sizes, modification times) every
 * {@code interval}; a change rebuilds and publishes the zone. A file that does not parse is
 * logged and skipped; the others still count.
 *
 * <p>Concurrency: one scheduler thread reads and builds; publishing is one volatile write.
 */
public final class ManifestSource implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ManifestSource.class);

  private final Path dir;
  private final ZoneConfig config;
  private final ZoneHolder holder;
  private final ScheduledExecutorService scheduler;
  private String lastSignature = "";
  private long version;

  private ManifestSource(Path dir, ZoneConfig config, ZoneHolder holder) {
    this.dir = dir;
    this.config = config;
    this.holder = holder;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "gantry-dns-manifests");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Loads the folder once (synchronously, so the server starts with it) and polls it from then on. */
  public static ManifestSource start(Path dir, ZoneConfig config, ZoneHolder holder, long intervalMillis) {
    Objects.requireNonNull(dir, "dir");
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("manifests: " + dir + " (expected: a directory of YAML files)");
    }
    ManifestSource source = new ManifestSource(dir, config, holder);
    source.poll();
    source.scheduler.scheduleWithFixedDelay(source::poll, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    return source;
  }

  private void poll() {
    try {
      List<Path> files = files();
      StringBuilder signature = new StringBuilder();
      for (Path file : files) {
        signature.append(file).append('|').append(Files.size(file)).append('|')
            .append(Files.getLastModifiedTime(file).toMillis()).append('\n');
      }
      if (signature.toString().equals(lastSignature)) {
        return;
      }
      lastSignature = signature.toString();
      long start = System.nanoTime();
      DnsZoneSnapshot snapshot = load(files);
      holder.publish(snapshot);
      log.info("zone rebuilt from {} ({} files, {} names) in {} ms", dir, files.size(), snapshot.size(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    } catch (IOException | RuntimeException e) {
      log.warn("reading {} failed (keeping the last zone): {}", dir, e.toString());
    }
  }

  private List<Path> files() throws IOException {
    try (Stream<Path> paths = Files.walk(dir, 4)) {
      return paths.filter(Files::isRegularFile)
          .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml") || p.toString().endsWith(".json"))
          .sorted().toList();
    }
  }

  private DnsZoneSnapshot load(List<Path> files) {
    List<ObjectNode> objects = new ArrayList<>();
    for (Path file : files) {
      try {
        for (JsonNode doc : YamlTrees.readAll(Files.readAllBytes(file))) {
          collect(doc, objects);
        }
      } catch (IOException | RuntimeException e) {
        log.warn("skipping {}: {}", file, e.getMessage());
      }
    }
    return build(config, ++version, objects);
  }

  private static void collect(JsonNode doc, List<ObjectNode> out) {
    if (doc instanceof ObjectNode object) {
      if (object.path("kind").asText("").endsWith("List") && object.path("items").isArray()) {
        object.path("items").forEach(item -> collect(item, out));
      } else {
        out.add(object);
      }
    }
  }

  /** Translates Kubernetes objects to views and builds the zone from them. */
  public static DnsZoneSnapshot build(ZoneConfig config, long version, List<ObjectNode> objects) {
    List<ServiceView> services = new ArrayList<>();
    List<PodView> pods = new ArrayList<>();
    List<ObjectNode> slices = new ArrayList<>();
    for (ObjectNode object : objects) {
      JsonNode metadata = object.path("metadata");
      if (metadata instanceof ObjectNode meta && meta.path("namespace").asText("").isEmpty()) {
        meta.put("namespace", "default");
      }
      switch (object.path("kind").asText("")) {
        case "Service" -> services.add(ViewTranslator.service(object));
        case "Pod" -> pods.add(ViewTranslator.pod(object));
        case "EndpointSlice" -> slices.add(object);
        case "Endpoints" -> slices.addAll(EndpointsMirror.slices(object));
        default -> {
          // Namespaces and everything else add no records.
        }
      }
    }
    return DnsZoneSnapshot.build(config, version, services, EndpointAggregator.byService(slices).values(), pods);
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
