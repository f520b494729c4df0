package io.gantry.node.registration;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.node.NodeAgentConfig;
import io.gantry.node.api.ApiException;
import io.gantry.node.api.KubeClient;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the Node and keeps it alive, as the kubelet does: creates the Node (capacity,
 * allocatable, addresses, nodeInfo, conditions) or takes over an existing one, renews its Lease
 * in {@code kube-node-lease} every heartbeat, and re-posts the Node status when it differs from
 * what the API holds (the Ready condition turned Unknown by the node lifecycle controller, a new
 * address) or the report interval passed. Hands the Node's {@code spec.podCIDR} to a consumer as
 * soon as the control component allocated it.
 *
 * <p>Concurrency: every step runs on one private scheduler thread; API calls block only it.
 */
public final class NodeRegistrar implements AutoCloseable {

  public static final String KUBELET_VERSION = "v1.32.0-gantry";
  private static final Logger log = LoggerFactory.getLogger(NodeRegistrar.class);
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final DateTimeFormatter MICRO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private final KubeClient api;
  private final NodeAgentConfig config;
  private final MachineInfo machine;
  private final int serverPort;
  private final Consumer<String> onPodCidr;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;

  private boolean registered;
  private boolean started;
  private Boolean lastUnschedulable;
  private final NodeEvents events;
  private String nodeUid;
  private volatile String podCidr;
  private Instant lastReport = Instant.EPOCH;
  private volatile boolean closed;
  private volatile Instant lastHeartbeat = Instant.EPOCH;

  public NodeRegistrar(KubeClient api, NodeAgentConfig config, MachineInfo machine, int serverPort,
      Consumer<String> onPodCidr, Clock clock) {
    this.api = requireNonNull(api, "api");
    this.config = requireNonNull(config, "config");
    this.machine = requireNonNull(machine, "machine");
    this.serverPort = serverPort;
    this.onPodCidr = requireNonNull(onPodCidr, "onPodCidr");
    this.clock = requireNonNull(clock, "clock");
    this.events = new NodeEvents(api, config.nodeName(), clock);
    this.scheduler = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().name("node-" + config.nodeName() + "-heartbeat").daemon().factory());
  }

  public void start() {
    scheduler.scheduleWithFixedDelay(this::tick, 0, config.heartbeatInterval().toMillis(), TimeUnit.MILLISECONDS);
  }

  private void tick() {
    if (closed) {
      return;
    }
    try {
      if (!registered) {
        register();
      }
      renewLease();
      syncStatus();
      lastHeartbeat = clock.instant();
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        log.warn("node {}: heartbeat failed: {}", config.nodeName(), e.toString());
      }
    }
  }

  private String nodePath() {
    return "/api/v1/nodes/" + config.nodeName();
  }

  private void register() throws IOException {
    ObjectNode node = F.objectNode();
    node.put("apiVersion", "v1");
    node.put("kind", "Node");
    ObjectNode metadata = node.putObject("metadata");
    metadata.put("name", config.nodeName());
    ObjectNode labels = metadata.putObject("labels");
    labels.put("kubernetes.io/hostname", config.nodeName());
    labels.put("kubernetes.io/os", "linux");
    labels.put("kubernetes.io/arch", machine.architecture());
    labels.put("beta.kubernetes.io/os", "linux");
    labels.put("beta.kubernetes.io/arch", machine.architecture());
    node.set("status", desiredStatus(null));
    JsonNode stored;
    boolean created = false;
    try {
      stored = api.create("/api/v1/nodes", node);
      created = true;
      log.info("node {}: registered (address {})", config.nodeName(), config.nodeAddress());
    } catch (ApiException e) {
      if (e.code() != 409) {
        throw e;
      }
      stored = api.get(nodePath());
      log.info("node {}: already registered, taking it over", config.nodeName());
    }
    registered = true;
    lastReport = Instant.EPOCH;
    if (!started) {
      started = true;
      events.started();
    }
    if (created) {
      events.statusIsNow("NodeReady");
    }
    observe(stored);
  }

  private void observe(JsonNode node) {
    nodeUid = node.path("metadata").path("uid").asText(null);
    boolean unschedulable = node.path("spec").path("unschedulable").asBoolean(false);
    if (lastUnschedulable != null && lastUnschedulable != unschedulable) {
      events.statusIsNow(unschedulable ? "NodeNotSchedulable" : "NodeSchedulable");
    }
    lastUnschedulable = unschedulable;
    String cidr = node.path("spec").path("podCIDR").asText("");
    if (!cidr.isEmpty() && !cidr.equals(podCidr)) {
      podCidr = cidr;
      log.info("node {}: pod CIDR {}", config.nodeName(), cidr);
      onPodCidr.accept(cidr);
    }
  }

  private void syncStatus() throws IOException {
    JsonNode current;
    try {
      current = api.get(nodePath());
    } catch (ApiException e) {
      if (e.code() == 404) {
        registered = false; // deleted under us: register again next heartbeat, as the kubelet does
        log.warn("node {}: Node object gone, registering again", config.nodeName());
        return;
      }
      throw e;
    }
    observe(current);
    Instant now = clock.instant();
    ObjectNode desired = desiredStatus(current.path("status"));
    boolean due = !now.isBefore(lastReport.plus(config.statusReportInterval()));
    if (due || !sameIgnoringHeartbeats(current.path("status"), desired)) {
      ObjectNode patch = F.objectNode();
      patch.set("status", desired);
      observe(api.mergePatch(nodePath() + "/status", patch));
      lastReport = now;
      if (!"True".equals(readyStatus(current))) {
        events.statusIsNow("NodeReady"); // posted Ready where it was not (new, or NotReady/Unknown before)
      }
    }
  }

  private static String readyStatus(JsonNode node) {
    for (JsonNode condition : node.path("status").path("conditions")) {
      if ("Ready".equals(condition.path("type").asText())) {
        return condition.path("status").asText();
      }
    }
    return "";
  }

  /** Equal apart from the conditions' heartbeat times. */
  private static boolean sameIgnoringHeartbeats(JsonNode current, ObjectNode desired) {
    ObjectNode a = strip(current);
    ObjectNode b = strip(desired);
    for (String field : new String[] {"capacity", "allocatable", "addresses", "conditions", "daemonEndpoints"}) {
      if (!a.path(field).equals(b.path(field))) {
        return false;
      }
    }
    return true;
  }

  private static ObjectNode strip(JsonNode status) {
    ObjectNode copy = status.isObject() ? ((ObjectNode) status).deepCopy() : F.objectNode();
    for (JsonNode condition : copy.path("conditions")) {
      ((ObjectNode) condition).remove("lastHeartbeatTime");
    }
    return copy;
  }

  ObjectNode desiredStatus(JsonNode current) {
    String now = seconds(clock.instant());
    ObjectNode status = F.objectNode();
    ObjectNode capacity = status.putObject("capacity");
    capacity.put("cpu", Integer.toString(machine.cpus()));
    capacity.put("memory", (machine.memoryBytes() / 1024) + "Ki");
    capacity.put("pods", "110");
    status.set("allocatable", capacity.deepCopy());
    ArrayNode addresses = status.putArray("addresses");
    addresses.addObject().put("type", "InternalIP").put("address", config.nodeAddress());
    addresses.addObject().put("type", "Hostname").put("address", config.nodeName());
    ArrayNode conditions = status.putArray("conditions");
    condition(conditions, current, "MemoryPressure", "False", "KubeletHasSufficientMemory",
        "kubelet has sufficient memory available", now);
    condition(conditions, current, "DiskPressure", "False", "KubeletHasNoDiskPressure",
        "kubelet has no disk pressure", now);
    condition(conditions, current, "PIDPressure", "False", "KubeletHasSufficientPID",
        "kubelet has sufficient PID available", now);
    condition(conditions, current, "Ready", "True", "KubeletReady", "kubelet is posting ready status", now);
    status.putObject("daemonEndpoints").putObject("kubeletEndpoint").put("Port", serverPort);
    ObjectNode info = status.putObject("nodeInfo");
    info.put("machineID", machine.machineId());
    info.put("systemUUID", machine.machineId());
    info.put("bootID", machine.bootId());
    info.put("kernelVersion", machine.kernel());
    info.put("osImage", machine.osImage());
    info.put("containerRuntimeVersion", "gantry-process://" + KUBELET_VERSION.substring(1));
    info.put("kubeletVersion", KUBELET_VERSION);
    info.put("kubeProxyVersion", KUBELET_VERSION);
    info.put("operatingSystem", "linux");
    info.put("architecture", machine.architecture());
    return status;
  }

  private static void condition(ArrayNode conditions, JsonNode current, String type, String value, String reason,
      String message, String now) {
    String transition = now;
    if (current != null) {
      for (JsonNode c : current.path("conditions")) {
        if (type.equals(c.path("type").asText()) && value.equals(c.path("status").asText())
            && c.hasNonNull("lastTransitionTime")) {
          transition = c.get("lastTransitionTime").asText();
        }
      }
    }
    conditions.addObject().put("type", type).put("status", value).put("lastHeartbeatTime", now)
        .put("lastTransitionTime", transition).put("reason", reason).put("message", message);
  }

  private void renewLease() throws IOException {
    String path = "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/" + config.nodeName();
    String renew = MICRO.format(clock.instant().truncatedTo(ChronoUnit.MICROS));
    try {
      ObjectNode lease = (ObjectNode) api.get(path);
      ObjectNode spec = lease.withObjectProperty("spec");
      spec.put("holderIdentity", config.nodeName());
      spec.put("leaseDurationSeconds", config.leaseDuration());
      spec.put("renewTime", renew);
      api.update(path, lease);
    } catch (ApiException e) {
      if (e.code() == 409) {
        return; // someone wrote in between; the next heartbeat renews
      }
      if (e.code() != 404) {
        throw e;
      }
      ObjectNode lease = F.objectNode();
      lease.put("apiVersion", "coordination.k8s.io/v1");
      lease.put("kind", "Lease");
      ObjectNode metadata = lease.putObject("metadata");
      metadata.put("name", config.nodeName());
      metadata.put("namespace", "kube-node-lease");
      if (nodeUid != null) {
        metadata.putArray("ownerReferences").addObject().put("apiVersion", "v1").put("kind", "Node")
            .put("name", config.nodeName()).put("uid", nodeUid);
      }
      lease.putObject("spec").put("holderIdentity", config.nodeName())
          .put("leaseDurationSeconds", config.leaseDuration()).put("renewTime", renew);
      api.create("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", lease);
    }
  }

  private static String seconds(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }

  /** When the Lease was last renewed and the status synced successfully (EPOCH: never). */
  public Instant lastHeartbeat() {
    return lastHeartbeat;
  }

  /** The pod CIDR once known, else null. Only for tests and status; read on any thread. */
  public String podCidr() {
    return podCidr;
  }

  @Override
  public void close() {
    closed = true;
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    events.close();
  }
}
