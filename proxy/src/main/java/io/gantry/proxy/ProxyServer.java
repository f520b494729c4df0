package io.gantry.proxy;

import io.gantry.common.transport.Transports;
import io.gantry.control.api.v1.EndpointView;
import io.gantry.control.api.v1.NodeView;
import io.gantry.control.api.v1.ServiceView;
import io.gantry.proxy.balance.EndpointLoad;
import io.gantry.proxy.health.HealthCheckListener;
import io.gantry.proxy.health.ProxyHealth;
import io.gantry.proxy.host.AddressPlumbing;
import io.gantry.proxy.host.DummyInterface;
import io.gantry.proxy.host.HostAddresses;
import io.gantry.proxy.host.NodeAddressWatcher;
import io.gantry.proxy.host.ServiceAddresses;
import io.gantry.proxy.metrics.ProxyMetrics;
import io.gantry.proxy.table.ListenKey;
import io.gantry.proxy.table.Protocol;
import io.gantry.proxy.table.RoutingSnapshot;
import io.gantry.proxy.table.RoutingSnapshotBuilder;
import io.gantry.proxy.table.ViewDelta;
import io.gantry.proxy.tcp.ConnectionRegistry;
import io.gantry.proxy.tcp.TcpListener;
import io.gantry.proxy.tcp.TcpSettings;
import io.gantry.proxy.udp.UdpListener;
import io.gantry.proxy.udp.UdpSettings;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
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
 * The service proxy daemon: takes views ({@link #update}), builds a {@link RoutingSnapshot},
 * publishes it, then opens the listeners it needs and closes the ones it no longer needs.
 *
 * <p>Concurrency: every update, listener change and drain sweep runs on one serialized context
 * (a single thread that may block on binds, never an event loop). The snapshot is published with
 * one volatile write before new listeners open, so a new listener never accepts a connection the
 * table does not know. Event loops read {@link #snapshot()} once per connection or datagram.
 *
 * <p>Addresses: before a listener binds, its address is made local by the
 * {@link AddressPlumbing} (host mode: a /32 on a dummy interface; loopback mode: nothing). An
 * address no listener needs any more is taken away only once no connection uses it or the drain
 * timeout passed, so draining connections keep their local address.
 *
 * <p>Node addresses: NodePorts and health-check ports listen on the configured node addresses and
 * the Node's InternalIP and ExternalIP. In host mode without configured ones, the node's own
 * ({@link HostAddresses}) are read at start and followed ({@link NodeAddressWatcher}): an address
 * added gets its listeners, a removed one's listeners close and their connections drain.
 *
 * <p>Lifecycle: {@link #start} creates the event loops and the context; {@link #close} closes
 * listeners and loops. Service addresses stay on the interface after close: a restarted proxy
 * takes them over, and reconciles away the ones no service owns with its first table.
 */
public final class ProxyServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);
  /** How long after the drain deadline an address waits for its last connections to finish closing. */
  private static final long RELEASE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final ProxyConfig config;
  private final Transports transport;
  private final EventLoopGroup workers;
  private final ScheduledExecutorService context;
  private final ProxyMetrics metrics = new ProxyMetrics();
  private final ProxyHealth health = new ProxyHealth(java.time.Clock.systemUTC(), ProxyHealth.DEFAULT_TIMEOUT);
  private final ConnectionRegistry connections;
  private final RoutingSnapshotBuilder builder;
  private final TcpSettings tcp;
  private final UdpSettings udp;
  private final Map<ListenKey, AutoCloseable> listeners = new HashMap<>(); // context only
  private final Map<ListenKey, HealthCheckListener> healthListeners = new HashMap<>(); // context only
  private final ServiceAddresses addresses; // context only
  /** Some listener of the last table could not open: retried with the next change. Context only. */
  private boolean listenersIncomplete;
  private volatile RoutingSnapshot snapshot = RoutingSnapshot.EMPTY;
  private volatile boolean firstUpdate;
  private volatile LastApply lastApply = new LastApply(0, 0, 0, 0);
  private volatile List<InetAddress> nodeAddresses;
  private volatile NodeAddressWatcher nodeAddressWatcher; // host mode following the node's addresses; else null

  private ProxyServer(ProxyConfig config, ServiceAddresses addresses) {
    this.config = config;
    this.addresses = addresses;
    this.nodeAddresses = config.nodeAddresses();
    // io_uring: fewer system calls per connection than epoll (bin/bench proxy, README "Benchmarks");
    // splice(2) needs epoll channels.
    this.transport = Transports.chosen(config.splice() ? Transports.EPOLL : Transports.IO_URING);
    int threads = config.threads() > 0 ? config.threads() : Runtime.getRuntime().availableProcessors();
    this.workers = transport.group(threads);
    this.context = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "gantry-proxy-update");
      t.setDaemon(true);
      return t;
    });
    this.connections = new ConnectionRegistry(config.maxConnections());
    this.builder = new RoutingSnapshotBuilder(config.nodeName(), config.nodeAddresses(), config.balancing(),
        new EndpointLoad.Registry(), metrics, System::nanoTime).clusterAddresses(config.clusterAddresses()).clusterCidr(config.clusterCidr());
    this.tcp = new TcpSettings(this::snapshot, transport, config.connectTimeout(), config.idleTimeout(), 3,
        config.splice(), connections, metrics);
    this.udp = new UdpSettings(this::snapshot, transport, config.udpIdleTimeout(), config.maxUdpFlows(), metrics);
  }

  /**
   * Starts a proxy; in host network mode it first creates the service interface if missing and
   * reads the addresses on it (blocks on {@code ip}). Host mode without configured node addresses
   * reads the node's own and follows them.
   *
   * @throws IllegalStateException when host mode cannot use its service interface
   */
  public static ProxyServer start(ProxyConfig config) {
    Objects.requireNonNull(config, "config");
    if (!config.hostNetwork()) {
      return start(config, AddressPlumbing.NONE);
    }
    String name = config.serviceInterface();
    ProxyServer server;
    List<InetAddress> detected = null;
    try {
      DummyInterface plumbing = DummyInterface.open(name);
      if (config.nodeAddresses().isEmpty()) {
        detected = HostAddresses.detect(name);
      }
      server = start(detected == null ? config : config.withNodeAddresses(detected), plumbing);
    } catch (IOException e) {
      throw new IllegalStateException("host network mode (needs root or CAP_NET_ADMIN): " + e.getMessage(), e);
    }
    if (detected != null) {
      server.nodeAddressWatcher = NodeAddressWatcher.start(name, detected, server::followNodeAddresses);
    }
    return server;
  }

  /**
   * Netty's buffer leak detection samples allocations by default: measured in {@code bin/bench
   * proxy}, it cost about a sixth of the proxy's CPU per new connection (89 against 73-76 us).
   * A debugging aid, so it is off unless {@code -Dio.netty.leakDetection.level} asks for it.
   * Global to the JVM: in {@code gantry up} the other Netty servers run without it too.
   */
  private static void disableLeakDetectionUnlessAsked() {
    if (System.getProperty("io.netty.leakDetection.level") == null
        && System.getProperty("io.netty.leakDetectionLevel") == null) {
      io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
    }
  }

  /** Starts a proxy that makes service addresses local with {@code plumbing} (tests pass their own). */
  public static ProxyServer start(ProxyConfig config, AddressPlumbing plumbing) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(plumbing, "plumbing");
    disableLeakDetectionUnlessAsked();
    ServiceAddresses addresses;
    try {
      addresses = new ServiceAddresses(plumbing);
    } catch (IOException e) {
      throw new IllegalStateException("reading service addresses from " + plumbing + ": " + e.getMessage(), e);
    }
    ProxyServer server = new ProxyServer(config, addresses);
    server.context.scheduleWithFixedDelay(server::sweep, 1, 1, TimeUnit.SECONDS);
    log.info("proxy for node {} started ({} transport, {} balancing by default, {})", config.nodeName(),
        server.transport.name().toLowerCase(java.util.Locale.ROOT), config.balancing().flag(), plumbing);
    return server;
  }

  /** The routing table now live. */
  public RoutingSnapshot snapshot() {
    return snapshot;
  }

  public ProxyMetrics metrics() {
    return metrics;
  }

  /** The proxy's own health (kube-proxy's /healthz and /livez, and health-check ports' serviceProxyHealthy). */
  public ProxyHealth health() {
    return health;
  }

  public ConnectionRegistry connections() {
    return connections;
  }

  public ProxyConfig config() {
    return config;
  }

  /** The addresses NodePorts are served on besides the Node's InternalIP and ExternalIP, now. */
  public List<InetAddress> nodeAddresses() {
    return nodeAddresses;
  }

  /**
   * Serves NodePorts and health-check ports on {@code addresses} (besides the Node's own) from now
   * on: listeners on new addresses open, those on addresses gone close and their connections drain.
   *
   * @return completes with the snapshot once it is live and its listeners are open (before the
   *         first configuration: the empty one; the addresses apply with that configuration)
   */
  public CompletableFuture<RoutingSnapshot> nodeAddresses(List<InetAddress> addresses) {
    List<InetAddress> copy = List.copyOf(addresses);
    long arrived = System.nanoTime();
    return CompletableFuture.supplyAsync(() -> {
      builder.extraNodeAddresses(copy);
      nodeAddresses = copy;
      return firstUpdate ? apply(b -> b.apply(ViewDelta.NONE), arrived) : snapshot;
    }, context);
  }

  private void followNodeAddresses(List<InetAddress> addresses) {
    nodeAddresses(addresses).whenComplete((table, failure) -> {
      if (failure != null) {
        log.warn("serving NodePorts on node addresses {} failed: {}", addresses, failure.toString());
      }
    });
  }

  /** Whether the proxy has applied a first configuration. */
  public boolean ready() {
    return firstUpdate;
  }

  /**
   * Applies a complete configuration (asynchronously, on the update context); only the services
   * that differ from the configuration held now are rebuilt.
   *
   * @return completes with the snapshot once it is live and its listeners are open
   */
  public CompletableFuture<RoutingSnapshot> update(Collection<ServiceView> services, Map<String, EndpointView> endpoints,
      Collection<NodeView> nodes) {
    long arrived = System.nanoTime();
    List<ServiceView> s = List.copyOf(services);
    Map<String, EndpointView> e = Map.copyOf(endpoints);
    List<NodeView> n = List.copyOf(nodes);
    health.queued();
    return logged(CompletableFuture.supplyAsync(() -> applyQueued(builder -> builder.build(s, e, n), arrived),
        context));
  }

  /**
   * Applies a change (asynchronously, on the update context), rebuilding only the services it
   * names.
   *
   * @param arrivedNanos when the change reached this proxy ({@link System#nanoTime}), for {@link #lastApply}
   * @return completes with the snapshot once it is live and its listeners are open
   */
  public CompletableFuture<RoutingSnapshot> update(ViewDelta delta, long arrivedNanos) {
    Objects.requireNonNull(delta, "delta");
    health.queued();
    return logged(CompletableFuture.supplyAsync(() -> applyQueued(builder -> builder.apply(delta), arrivedNanos),
        context));
  }

  /** {@code applying}, whose failure is also logged: callers only chain on success. */
  private static CompletableFuture<RoutingSnapshot> logged(CompletableFuture<RoutingSnapshot> applying) {
    applying.whenComplete((snapshot, e) -> {
      if (e != null) {
        log.error("applying a routing table change failed: {}", e.toString(), e);
      }
    });
    return applying;
  }

  /**
   * The last change made live: its table version, how many services it rebuilt, and the time from
   * its arrival at this proxy to the new table being published (before listeners open).
   */
  public LastApply lastApply() {
    return lastApply;
  }

  /**
   * @param version         the routing table version published
   * @param servicesRebuilt services compiled for it
   * @param nanos           arrival to publication
   * @param buildNanos      the share of that spent building the table (the rest: reading and translating
   *                        the change, waiting for the update context)
   */
  public record LastApply(long version, long servicesRebuilt, long nanos, long buildNanos) {
  }

  /** {@link #apply} of a change counted by {@link ProxyHealth#queued}: it no longer waits, made live or failed. */
  private RoutingSnapshot applyQueued(java.util.function.Function<RoutingSnapshotBuilder, RoutingSnapshot> change,
      long arrivedNanos) {
    try {
      return apply(change, arrivedNanos);
    } finally {
      health.updated();
    }
  }

  private RoutingSnapshot apply(java.util.function.Function<RoutingSnapshotBuilder, RoutingSnapshot> change,
      long arrivedNanos) {
    RoutingSnapshot previous = snapshot;
    long compiledBefore = builder.servicesCompiled();
    long buildStarted = System.nanoTime();
    RoutingSnapshot next = change.apply(builder);
    health.nodeEligible(builder.nodeEligible());
    if (!next.warnings().isEmpty()) {
      java.util.Set<String> known = new java.util.HashSet<>(previous.warnings());
      for (String warning : next.warnings()) {
        if (!known.contains(warning)) {
          log.warn("{}", warning);
        }
      }
    }
    // Reconciling walks every listener: only for the first table (it also clears stray addresses), when
    // the table's addresses changed, or when some listener failed to open last time.
    boolean reconcile = !firstUpdate || builder.listenersChanged() || listenersIncomplete;
    if (reconcile) {
      // Before binding: a listener needs its address to be local. Unwanted ones leave once drained (sweep).
      addresses.want(serviceAddresses(next),
          System.nanoTime() + config.drainTimeout().toNanos() + RELEASE_GRACE_NANOS);
    }
    snapshot = next; // publish before opening listeners: they must find their entries
    long published = System.nanoTime();
    lastApply = new LastApply(next.version(), builder.servicesCompiled() - compiledBefore, published - arrivedNanos,
        published - buildStarted);
    if (reconcile) {
      reconcileListeners(next);
    }
    metrics.snapshotApplied(listeners.size());
    metrics.synced((System.nanoTime() - buildStarted) / 1e9, System.currentTimeMillis() / 1000.0);
    firstUpdate = true;
    return next;
  }

  /** Opens the listeners {@code next} needs and closes the others; notes whether some could not open. */
  private void reconcileListeners(RoutingSnapshot next) {
    listenersIncomplete = true; // until this walk is done
    Set<ListenKey> wanted = next.listeners();
    List<ListenKey> opened = new ArrayList<>();
    for (ListenKey key : wanted) {
      if (listeners.containsKey(key)) {
        continue;
      }
      try {
        listeners.put(key, key.protocol() == Protocol.TCP
            ? TcpListener.open(key, workers, tcp)
            : UdpListener.open(key, workers, udp));
        opened.add(key);
      } catch (Exception ex) { // Netty rethrows a failed bind (an IOException) undeclared
        log.warn("cannot listen on {} for {}: {} (will retry on the next change)", key, next.lookup(key).key(),
            ex.toString());
      }
    }
    List<ListenKey> closed = new ArrayList<>();
    listeners.entrySet().removeIf(entry -> {
      if (wanted.contains(entry.getKey())) {
        return false;
      }
      closeQuietly(entry.getValue());
      closed.add(entry.getKey());
      return true;
    });
    applyHealthChecks(next, opened, closed);
    if (!opened.isEmpty() || !closed.isEmpty()) {
      log.info("routing table v{}: {} listeners, {} health-check listeners ({} opened, {} closed; connections on "
          + "closed ones drain)", next.version(), listeners.size(), healthListeners.size(), opened.size(),
          closed.size());
    }
    listenersIncomplete = listeners.size() != wanted.size()
        || healthListeners.size() != next.healthListeners().size();
  }

  /**
   * The addresses of {@code table}'s entries that are not node addresses: what the plumbing must
   * make local (also those of entries left unbound for want of endpoints: the kernel refuses
   * their connections and datagrams only when the address is local).
   */
  private static Set<InetAddress> serviceAddresses(RoutingSnapshot table) {
    Set<InetAddress> node = new HashSet<>(table.nodeAddresses());
    Set<InetAddress> service = new HashSet<>();
    for (ListenKey key : table.entries().keySet()) {
      InetAddress address = key.address().getAddress();
      if (!node.contains(address)) {
        service.add(address);
      }
    }
    return service;
  }

  /** Opens and closes the healthCheckNodePort listeners; their answers read the live snapshot. */
  private void applyHealthChecks(RoutingSnapshot next, List<ListenKey> opened, List<ListenKey> closed) {
    java.util.Set<ListenKey> wanted = next.healthListeners();
    for (ListenKey key : wanted) {
      if (healthListeners.containsKey(key)) {
        continue;
      }
      try {
        healthListeners.put(key, HealthCheckListener.open(key, workers, transport.serverSocketChannel(),
            this::snapshot, health::healthy));
        opened.add(key);
      } catch (Exception ex) { // Netty rethrows a failed bind (an IOException) undeclared
        log.warn("cannot serve health checks on {} for {}: {} (will retry on the next change)", key,
            next.healthChecks().get(key.address().getPort()), ex.toString());
      }
    }
    healthListeners.entrySet().removeIf(entry -> {
      if (wanted.contains(entry.getKey())) {
        return false;
      }
      closeQuietly(entry.getValue());
      closed.add(entry.getKey());
      return true;
    });
  }

  private void sweep() {
    try {
      RoutingSnapshot current = snapshot;
      long now = System.nanoTime();
      connections.sweep(current, now, config.drainTimeout().toNanos());
      if (addresses.releasing()) { // after closing expired connections: their addresses can go now
        addresses.releaseDrained(connections.listenerAddresses(), now);
      }
      builder.sweepAffinity(); // the services with affinity only: a walk over every entry would hold up changes
    } catch (RuntimeException e) {
      log.warn("drain sweep failed: {}", e.toString());
    }
  }

  /** The service addresses the plumbing holds now (for status and tests). */
  public CompletableFuture<Set<InetAddress>> serviceAddresses() {
    return CompletableFuture.supplyAsync(addresses::held, context);
  }

  /** The addresses listened on now (for status and tests). */
  public CompletableFuture<List<ListenKey>> listening() {
    return CompletableFuture.supplyAsync(() -> List.copyOf(listeners.keySet()), context);
  }

  /** The healthCheckNodePort addresses listened on now (for status and tests). */
  public CompletableFuture<List<ListenKey>> healthListening() {
    return CompletableFuture.supplyAsync(() -> List.copyOf(healthListeners.keySet()), context);
  }

  @Override
  public void close() {
    NodeAddressWatcher watcher = nodeAddressWatcher;
    if (watcher != null) {
      watcher.close();
    }
    try {
      context.submit(() -> {
        listeners.values().forEach(ProxyServer::closeQuietly);
        listeners.clear();
        healthListeners.values().forEach(ProxyServer::closeQuietly);
        healthListeners.clear();
      }).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("closing listeners: {}", e.toString());
    }
    context.shutdownNow();
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      log.debug("close failed: {}", e.toString());
    }
  }
}
