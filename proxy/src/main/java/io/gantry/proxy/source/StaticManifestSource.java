package io.gantry.proxy.source;

import io.gantry.proxy.ProxyServer;
import io.gantry.proxy.table.ViewDelta;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Static mode: serves a folder of Kubernetes YAML and picks up changes to it. The folder is
 * polled (names, sizes and modification times), which works on every file system and needs no
 * native watch; only changed files are read again, and only the services and endpoint views they
 * define are rebuilt ({@link ManifestIndex}).
 *
 * <p>Lifecycle: {@link #start} reads once (synchronously, so the first configuration is live
 * when it returns) and then polls on its own thread until {@link #close}.
 */
public final class StaticManifestSource implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(StaticManifestSource.class);

  private final Path dir;
  private final ProxyServer proxy;
  private final ScheduledExecutorService poller;
  private final ManifestIndex index = new ManifestIndex(); // poller thread only
  private Map<Path, Stamp> stamps = Map.of(); // poller thread only

  private StaticManifestSource(Path dir, ProxyServer proxy) {
    this.dir = dir;
    this.proxy = proxy;
    this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "gantry-proxy-manifests");
      t.setDaemon(true);
      return t;
    });
  }

  public static StaticManifestSource start(Path dir, ProxyServer proxy, Duration poll) throws Exception {
    Objects.requireNonNull(dir, "dir");
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("manifests: " + dir + " (expected: a directory)");
    }
    StaticManifestSource source = new StaticManifestSource(dir, proxy);
    source.poller.submit(source::reload).get().get(120, TimeUnit.SECONDS);
    source.poller.scheduleWithFixedDelay(source::poll, poll.toMillis(), poll.toMillis(), TimeUnit.MILLISECONDS);
    return source;
  }

  private void poll() {
    try {
      reload();
    } catch (Exception e) {
      log.warn("{}: {}", dir, e.toString());
    }
  }

  /** Reads the files that changed since the last call and applies what they changed. */
  private CompletableFuture<?> reload() throws IOException {
    Map<Path, Stamp> now = stamps();
    long arrived = System.nanoTime();
    Map<Path, Views> changed = new HashMap<>();
    now.forEach((file, stamp) -> {
      if (!stamp.equals(stamps.get(file))) {
        changed.put(file, ManifestReader.readFile(file));
      }
    });
    Set<Path> removed = new HashSet<>(stamps.keySet());
    removed.removeAll(now.keySet());
    boolean first = stamps.isEmpty() && !proxy.ready();
    stamps = now;
    if (changed.isEmpty() && removed.isEmpty() && !first) {
      return CompletableFuture.completedFuture(null);
    }
    ViewDelta delta = index.update(changed, removed);
    log.info("{}: {} files read, {} removed; {} services and {} endpoint sets changed ({} services in all)", dir,
        changed.size(), removed.size(), delta.services().size() + delta.removedServices().size(),
        delta.endpoints().size() + delta.removedEndpoints().size(), index.services());
    return proxy.update(delta, arrived);
  }

  /** What tells a changed file: its size and modification time. */
  private record Stamp(long size, long modifiedNanos) {
  }

  private Map<Path, Stamp> stamps() throws IOException {
    Map<Path, Stamp> stamps = new HashMap<>();
    for (Path file : ManifestReader.files(dir)) {
      try {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        stamps.put(file, new Stamp(a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS)));
      } catch (IOException e) {
        // removed between listing and reading: it counts as gone
      }
    }
    return stamps;
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }
}
