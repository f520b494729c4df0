package io.gantry.control.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.api.ApiRouter;
import io.gantry.control.server.controller.HistoryCompactor;
import io.gantry.control.server.controller.NamespaceFinalizer;
import io.gantry.control.server.controller.WorkloadControllers;
import io.gantry.control.server.http.ApiServer;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.registry.ObjectWatcher;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.Store;
import io.gantry.control.server.store.sqlite.SqliteStore;
import io.gantry.control.server.tls.AdminToken;
import io.gantry.control.server.tls.ClusterCertificates;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control component: the store, the Kubernetes-shaped API over HTTPS, and the background
 * loops that finish namespace deletion and compact history.
 *
 * <p>Lifecycle: {@link #start} opens everything in the data dir (creating the CA, serving
 * certificate and admin token on first start) and binds; {@link #close} stops in reverse order.
 */
public final class ControlServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ControlServer.class);
  public static final String VERSION = "0.1.0";

  private final ControlConfig config;
  private final Store store;
  private final ClusterCertificates certificates;
  private final AdminToken token;
  private final ApiServer api;
  private final ScheduledExecutorService background;
  private final WorkloadControllers workloads;

  private ControlServer(ControlConfig config, Store store, ClusterCertificates certificates, AdminToken token,
      ApiServer api, ScheduledExecutorService background, WorkloadControllers workloads) {
    this.config = config;
    this.store = store;
    this.certificates = certificates;
    this.token = token;
    this.api = api;
    this.background = background;
    this.workloads = workloads;
  }

  public static ControlServer start(ControlConfig config) throws IOException, InterruptedException {
    Files.createDirectories(config.dataDir());
    Clock clock = Clock.systemUTC();
    Store store = SqliteStore.open(config.dataDir().resolve("store.db"));
    ApiServer api = null;
    ScheduledExecutorService background = null;
    WorkloadControllers workloads = null;
    try {
      ClusterCertificates certificates = ClusterCertificates.loadOrCreate(config.dataDir().resolve("pki"),
          List.of(), servingAddresses(config.apiAddress()));
      AdminToken token = AdminToken.loadOrCreate(config.dataDir());
      ObjectRegistry registry = new ObjectRegistry(store, clock);
      bootstrap(registry);
      api = ApiServer.start(config.apiAddress(), config.insecureHttp() ? null : certificates.serverSslContext(),
          new ApiRouter(registry, VERSION), new ObjectWatcher(store), token::matches, clock);
      background = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "gantry-control-background");
        thread.setDaemon(true);
        return thread;
      });
      NamespaceFinalizer namespaces = new NamespaceFinalizer(registry, config.namespaceTerminationDelay());
      background.scheduleWithFixedDelay(namespaces::runOnce, 500, 500, TimeUnit.MILLISECONDS);
      HistoryCompactor compactor = new HistoryCompactor(store, config.historyRetentionIntervals());
      long interval = config.compactionInterval().toMillis();
      background.scheduleWithFixedDelay(() -> {
        try {
          compactor.tick();
        } catch (RuntimeException e) {
          log.warn("history compaction failed: {}", e.toString());
        }
      }, interval, interval, TimeUnit.MILLISECONDS);
      // workload controllers (ReplicaSet, Deployment) and the garbage collector
      workloads = WorkloadControllers.start(registry, new ObjectWatcher(store));
      ControlServer server = new ControlServer(config, store, certificates, token, api, background, workloads);
      log.info("control API listening on {}://{}:{} (data dir {}, store revision {})",
          config.insecureHttp() ? "http" : "https", api.localAddress().getHostString(), api.localAddress().getPort(),
          config.dataDir(), store.currentRevision());
      return server;
    } catch (InterruptedException | RuntimeException e) {
      if (workloads != null) {
        workloads.close();
      }
      if (background != null) {
        background.shutdownNow();
      }
      if (api != null) {
        api.close();
      }
      store.close();
      throw e;
    }
  }

  /** The namespaces every cluster has. */
  private static void bootstrap(ObjectRegistry registry) {
    for (String name : List.of("default", "kube-system", "kube-public", "kube-node-lease")) {
      if (registry.find(ResourceTypes.NAMESPACES, null, name).isEmpty()) {
        ObjectNode namespace = Json.object();
        namespace.putObject("metadata").put("name", name);
        try {
          registry.create(ResourceTypes.NAMESPACES, null, namespace);
        } catch (ApiException e) {
          if (e.code() != 409) {
            throw new IllegalStateException("cannot create namespace " + name + ": " + e.getMessage(), e);
          }
        }
      }
    }
  }

  private static List<InetAddress> servingAddresses(InetSocketAddress address) {
    List<InetAddress> ips = new ArrayList<>();
    if (!address.getAddress().isAnyLocalAddress() && !address.getAddress().isLoopbackAddress()) {
      ips.add(address.getAddress());
    }
    return ips;
  }

  /** The URL clients use: https://host:port (or http with --insecure-http). */
  public String url() {
    InetSocketAddress address = api.localAddress();
    String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getHostString();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return (config.insecureHttp() ? "http" : "https") + "://" + host + ":" + address.getPort();
  }

  public ClusterCertificates certificates() {
    return certificates;
  }

  public AdminToken token() {
    return token;
  }

  public Path dataDir() {
    return config.dataDir();
  }

  @Override
  public void close() {
    workloads.close();
    background.shutdownNow();
    api.close();
    store.close();
    log.info("control stopped");
  }
}
