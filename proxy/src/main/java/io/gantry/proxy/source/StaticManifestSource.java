package io.gantry.proxy.source;

import io.gantry.proxy.ProxyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Static mode: serves a folder of Kubernetes YAML and picks up changes to it. The folder is
 * polled (names, sizes and modification times), which works on every file system and needs no
 * native watch; a change re-reads the whole folder.
 *
 * <p>Lifecycle: {@link #start} reads once (synchronously, so the first configuration is live
 * when it returns) and then polls on its own thread until {@link #close}.
 */
public final class StaticManifestSource implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(StaticManifestSource.class);

  private final Path dir;
  private final ProxyServer proxy;
  private final ScheduledExecutorService poller;
  private List<String> lastStamp = List.of();

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
    source.reload().get(30, TimeUnit.SECONDS);
    source.poller.scheduleWithFixedDelay(source::poll, poll.toMillis(), poll.toMillis(), TimeUnit.MILLISECONDS);
    return source;
  }

  private void poll() {
    try {
      if (!stamp().equals(lastStamp)) {
        reload();
      }
    } catch (Exception e) {
      log.warn("{}: {}", dir, e.toString());
    }
  }

  private java.util.concurrent.CompletableFuture<?> reload() throws IOException {
    lastStamp = stamp();
    Views views = ManifestReader.read(dir);
    log.info("{}: {} services, {} endpoint sets, {} nodes", dir, views.services().size(), views.endpoints().size(),
        views.nodes().size());
    return proxy.update(views.services(), views.endpoints(), views.nodes());
  }

  private List<String> stamp() throws IOException {
    List<String> stamp = new ArrayList<>();
    for (Path file : ManifestReader.files(dir)) {
      stamp.add(file.getFileName() + ":" + Files.size(file) + ":" + Files.getLastModifiedTime(file).to(TimeUnit.NANOSECONDS));
    }
    return stamp;
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }
}
