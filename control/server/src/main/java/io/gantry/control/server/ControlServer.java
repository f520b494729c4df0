package io.gantry.control.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.allocation.Allocators;
import io.gantry.control.server.allocation.KubernetesService;
import io.gantry.common.admin.AdminServer;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.api.ApiRouter;
import io.gantry.control.server.auth.ServiceAccountTokens;
import io.gantry.control.server.controller.HistoryCompactor;
import io.gantry.control.server.controller.NamespaceFinalizer;
import io.gantry.control.server.controller.endpoints.EndpointSliceController;
import io.gantry.control.server.controller.endpoints.EndpointSliceMirroringController;
import io.gantry.control.server.controller.nodelifecycle.NodeLifecycleController;
import io.gantry.control.server.controller.disruption.DisruptionController;
import io.gantry.control.server.controller.resourcequota.ResourceQuotaController;
import io.gantry.control.server.controller.cronjob.CronJobController;
import io.gantry.control.server.controller.job.JobController;
import io.gantry.control.server.controller.rootca.RootCaPublisher;
import io.gantry.control.server.controller.scheduler.Scheduler;
import io.gantry.control.server.controller.serviceaccount.ServiceAccountsController;
import io.gantry.control.server.controller.volume.PersistentVolumeBinder;
import io.gantry.control.server.controller.volume.PvProtectionController;
import io.gantry.control.server.controller.volume.PvcProtectionController;
import io.gantry.control.server.dataplane.DataPlane;
import io.gantry.control.server.dataplane.PushTimings;
import io.gantry.control.server.controller.WorkloadControllers;
import io.gantry.control.server.http.ApiMetrics;
import io.gantry.control.server.http.ApiServer;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.registry.ObjectWatcher;
import io.gantry.control.server.registry.DefaultIngressClassAdmission;
import io.gantry.control.server.registry.DefaultStorageClassAdmission;
import io.gantry.control.server.registry.DefaultTolerationSecondsAdmission;
import io.gantry.control.server.registry.LimitRangerAdmission;
import io.gantry.control.server.registry.PriorityAdmission;
import io.gantry.control.server.registry.PriorityClasses;
import io.gantry.control.server.registry.ResourceQuotaAdmission;
import io.gantry.control.server.controller.podautoscaler.HorizontalPodAutoscalerController;
import io.gantry.control.server.registry.RuntimeClassAdmission;
import io.gantry.control.server.registry.ServiceAccountAdmission;
import io.gantry.control.server.registry.StorageObjectInUseProtectionAdmission;
import io.gantry.control.server.registry.WritePlugin;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.Store;
import io.gantry.control.server.store.sqlite.SqliteStore;
import io.gantry.control.server.tls.AdminToken;
import io.gantry.control.server.tls.ServiceAccountKey;
import io.gantry.control.server.tls.ClusterCertificates;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
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

  /** The field manager of what the control component writes for itself (namespaces, the kubernetes Service). */
  private static final String APISERVER_MANAGER = "gantry-apiserver";
  public static final String VERSION = "0.1.0";
  /** kube-controller-manager's default {@code --resource-quota-sync-period}: every quota is recounted this often. */
  private static final Duration RESOURCE_QUOTA_SYNC_PERIOD = Duration.ofMinutes(5);

  private final ControlConfig config;
  private final Store store;
  private final ClusterCertificates certificates;
  private final AdminToken token;
  private final ApiServer api;
  private final ScheduledExecutorService background;
  /** Controllers, in start order; closed last-started first, after the API and before the store. */
  private final List<AutoCloseable> controllers;
  private final ApiMetrics apiMetrics;
  // Data plane: set once in start, before the server is returned.
  private DataPlane dataPlane;
  private AdminServer admin;
  private ObjectRegistry registry;

  private ControlServer(ControlConfig config, Store store, ClusterCertificates certificates, AdminToken token,
      ApiServer api, ScheduledExecutorService background, List<AutoCloseable> controllers, ApiMetrics apiMetrics) {
    this.apiMetrics = apiMetrics;
    this.config = config;
    this.store = store;
    this.certificates = certificates;
    this.token = token;
    this.api = api;
    this.background = background;
    this.controllers = List.copyOf(controllers);
  }

  public static ControlServer start(ControlConfig config) throws IOException, InterruptedException {
    Files.createDirectories(config.dataDir());
    Clock clock = Clock.systemUTC();
    Store store = SqliteStore.open(config.dataDir().resolve("store.db"));
    ApiServer api = null;
    ScheduledExecutorService background = null;
    List<AutoCloseable> controllers = new ArrayList<>();
    ApiMetrics apiMetrics = new ApiMetrics();
    try {
      ClusterCertificates certificates = ClusterCertificates.loadOrCreate(config.dataDir().resolve("pki"),
          List.of(), servingAddresses(config.apiAddress()));
      AdminToken token = AdminToken.loadOrCreate(config.dataDir());
      ServiceAccountKey serviceAccountKey = ServiceAccountKey.loadOrCreate(config.dataDir().resolve("pki"));
      // Allocators: ClusterIPs, node ports, LoadBalancer addresses and pod CIDRs are reserved in
      // the same store transaction as the Service or Node they serve.
      Allocators allocators = Allocators.create(store, config);
      List<WritePlugin> plugins = new ArrayList<>(allocators.plugins());
      // kube-apiserver's order: LimitRanger before ServiceAccount and Priority
      plugins.add(new LimitRangerAdmission(store));
      plugins.add(new ServiceAccountAdmission(store));
      plugins.add(new PriorityAdmission(store));
      plugins.add(new RuntimeClassAdmission(store));
      plugins.add(new DefaultIngressClassAdmission(store));
      // DefaultStorageClass before StorageObjectInUseProtection and ResourceQuota, which charges the class
      plugins.add(new DefaultStorageClassAdmission(store));
      plugins.add(new StorageObjectInUseProtectionAdmission());
      // rounded up: a sub-second timeout still waits its fraction rather than evicting at once
      long evictAfter = (config.podEvictionTimeout().toMillis() + 999) / 1000;
      plugins.add(new DefaultTolerationSecondsAdmission(evictAfter));
      // last, as upstream orders ResourceQuota after the plugins that default what it measures
      plugins.add(new ResourceQuotaAdmission(store, clock));
      ObjectRegistry registry = new ObjectRegistry(store, clock, plugins);
      bootstrap(registry.as(APISERVER_MANAGER));
      api = ApiServer.start(config.apiAddress(), config.insecureHttp() ? null : certificates.serverSslContext(),
          new ApiRouter(registry, VERSION, token.value(), ServiceAccountTokens.withDefaults(serviceAccountKey, clock),
              token::matches), new ObjectWatcher(store), token::matches, clock,
          apiMetrics);
      ObjectRegistry asApiServer = registry.as(APISERVER_MANAGER);
      String kubernetesIp = allocators.kubernetesServiceIp();
      String apiEndpoint = endpointAddress(api.localAddress());
      int apiPort = api.localAddress().getPort();
      KubernetesService.ensure(asApiServer, kubernetesIp, apiEndpoint, apiPort);
      background = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "gantry-control-background");
        thread.setDaemon(true);
        return thread;
      });
      // As kube-apiserver's bootstrap controllers: what a client deleted comes back (every 10 s)
      background.scheduleWithFixedDelay(() -> {
        try {
          bootstrap(asApiServer);
          KubernetesService.ensure(asApiServer, kubernetesIp, apiEndpoint, apiPort);
        } catch (RuntimeException e) {
          log.warn("cannot restore the system namespaces, PriorityClasses or the kubernetes Service: {}", e.toString());
        }
      }, 10, 10, TimeUnit.SECONDS);
      NamespaceFinalizer namespaces = new NamespaceFinalizer(registry.as("namespace-controller"), config.namespaceTerminationDelay());
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
      startControllers(config, registry, store, clock, controllers, certificates.caCertificatePem());
      ControlServer server = new ControlServer(config, store, certificates, token, api, background, controllers,
          apiMetrics);
      server.startDataPlane(registry, clock);
      log.info("control API listening on {}://{}:{} (data dir {}, store revision {})",
          config.insecureHttp() ? "http" : "https", api.localAddress().getHostString(), api.localAddress().getPort(),
          config.dataDir(), store.currentRevision());
      return server;
    } catch (IOException | InterruptedException | RuntimeException e) {
      closeAll(controllers);
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

  /** The controllers, on the registry; each adds itself to {@code started} so a failed start closes it. */
  private static void startControllers(ControlConfig config, ObjectRegistry registry, Store store, Clock clock,
      List<AutoCloseable> started, String caPem) {
    started.add(EndpointSliceController.start(registry.as("endpointslice-controller"), new ObjectWatcher(store)));
    started.add(EndpointSliceMirroringController.start(registry.as("endpointslicemirroring-controller"),
        new ObjectWatcher(store)));
    // before the workload controllers, so that the pods they create find their default ServiceAccount
    started.add(ServiceAccountsController.start(registry.as("serviceaccount-controller"), new ObjectWatcher(store)));
    started.add(RootCaPublisher.start(registry.as("root-ca-cert-publisher"), new ObjectWatcher(store), caPem));
    started.add(WorkloadControllers.start(registry, new ObjectWatcher(store)));
    started.add(DisruptionController.start(registry.as("disruption-controller"), new ObjectWatcher(store)));
    started.add(ResourceQuotaController.start(registry.as("resourcequota-controller"), new ObjectWatcher(store),
        RESOURCE_QUOTA_SYNC_PERIOD));
    started.add(JobController.start(registry.as("job-controller"), new ObjectWatcher(store)));
    started.add(CronJobController.start(registry.as("cronjob-controller"), new ObjectWatcher(store)));
    started.add(HorizontalPodAutoscalerController.start(registry.as("horizontal-pod-autoscaler"),
        new ObjectWatcher(store)));
    started.add(PersistentVolumeBinder.start(registry.as("persistentvolume-binder-controller"), new ObjectWatcher(store)));
    started.add(PvcProtectionController.start(registry.as("persistentvolumeclaim-protection-controller"),
        new ObjectWatcher(store)));
    started.add(PvProtectionController.start(registry.as("persistentvolume-protection-controller"),
        new ObjectWatcher(store)));
    started.add(Scheduler.start(registry.as("gantry-scheduler"), new ObjectWatcher(store), clock));
    started.add(new NodeLifecycleController(registry.as("node-lifecycle-controller"), clock, config.nodeMonitorGracePeriod(),
        config.podEvictionTimeout()).start(Duration.ofSeconds(1)));
  }

  private static void closeAll(List<AutoCloseable> controllers) {
    for (int i = controllers.size() - 1; i >= 0; i--) {
      try {
        controllers.get(i).close();
      } catch (Exception e) {
        log.warn("stopping {} failed: {}", controllers.get(i).getClass().getSimpleName(), e.toString());
      }
    }
  }

  /** The DataPlane gRPC stream and the admin port ({@code /metrics}, {@code /status}, health). */
  private void startDataPlane(ObjectRegistry registry, Clock clock) throws IOException, InterruptedException {
    this.registry = registry;
    dataPlane = DataPlane.start(new ObjectWatcher(store), config.dataPlaneAddress(), PushTimings.DEFAULT, clock);
    try {
      admin = AdminServer.start(config.adminAddress(), this::metricsText, () -> true, dataPlane::statusJson);
    } catch (IOException | RuntimeException e) {
      dataPlane.close();
      throw e;
    }
  }

  private String metricsText() {
    StringBuilder out = new StringBuilder(4096);
    out.append("# HELP gantry_store_revision The store's current revision.\n")
        .append("# TYPE gantry_store_revision gauge\n")
        .append("gantry_store_revision ").append(store.currentRevision()).append('\n');
    apiMetrics.render(out);
    dataPlane.server().renderMetrics(out);
    return out.toString();
  }

  /** The data-plane side (snapshot builder and DataPlane gRPC server). */
  public DataPlane dataPlane() {
    return dataPlane;
  }

  /** The object registry, for in-process callers (tests, the all-in-one command). */
  public ObjectRegistry registry() {
    return registry;
  }

  /** Where the admin port listens. */
  public InetSocketAddress adminAddress() {
    return admin.localAddress();
  }

  /** The namespaces and the system PriorityClasses every cluster has. */
  private static void bootstrap(ObjectRegistry registry) {
    PriorityClasses.ensureSystemClasses(registry);
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

  /** Where the {@code kubernetes} Service's endpoints point: the API's address, loopback for a wildcard bind. */
  private static String endpointAddress(InetSocketAddress bound) {
    InetAddress address = bound.getAddress();
    return address.isAnyLocalAddress() || !(address instanceof java.net.Inet4Address)
        ? "127.0.0.1" : address.getHostAddress();
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
    api.close();
    if (admin != null) {
      admin.close();
    }
    if (dataPlane != null) {
      dataPlane.close(); // before the store: its informers watch the store
    }
    closeAll(controllers);
    background.shutdownNow();
    store.close();
    log.info("control stopped");
  }
}
