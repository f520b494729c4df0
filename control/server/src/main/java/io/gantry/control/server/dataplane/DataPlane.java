package io.gantry.control.server.dataplane;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.controller.runtime.Informer;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.ObjectWatcher;
import io.gantry.control.server.resource.ResourceTypes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The control component's data-plane side, assembled: informers on Services, EndpointSlices,
 * Nodes and Pods feed a {@link ViewSnapshotBuilder}, whose snapshots a {@link DataPlaneServer}
 * streams to the daemons.
 *
 * <p>Lifecycle: {@link #start} publishes the complete initial state before it binds, so the
 * first daemon never sees half a world; {@link #close} stops the server, then the informers.
 * Start after the registry exists; close before the store closes.
 */
public final class DataPlane implements AutoCloseable {

  /** How long the builder gathers informer events into one snapshot. */
  static final Duration PUBLISH_DELAY = Duration.ofMillis(2);

  private final List<Informer> informers;
  private final ViewSnapshotBuilder builder;
  private final DataPlaneServer server;

  private DataPlane(List<Informer> informers, ViewSnapshotBuilder builder, DataPlaneServer server) {
    this.informers = informers;
    this.builder = builder;
    this.server = server;
  }

  public static DataPlane start(ObjectWatcher watcher, InetSocketAddress address, PushTimings timings, Clock clock)
      throws IOException, InterruptedException {
    ViewSnapshotBuilder builder = new ViewSnapshotBuilder(PUBLISH_DELAY);
    List<Informer> informers = new ArrayList<>();
    try {
      for (var type : List.of(ResourceTypes.NODES, ResourceTypes.SERVICES, ResourceTypes.ENDPOINTSLICES,
          ResourceTypes.PODS)) {
        Informer informer = Informer.of(type);
        builder.attach(informer);
        informers.add(informer);
        informer.start(watcher);
      }
      builder.sync().get(30, TimeUnit.SECONDS);
      return new DataPlane(informers, builder, DataPlaneServer.start(address, builder, timings, clock));
    } catch (ExecutionException | TimeoutException e) {
      closeAll(informers, builder);
      throw new IllegalStateException("cannot build the initial data-plane snapshot: " + e, e);
    } catch (IOException | InterruptedException | RuntimeException e) {
      closeAll(informers, builder);
      throw e;
    }
  }

  private static void closeAll(List<Informer> informers, ViewSnapshotBuilder builder) {
    informers.forEach(Informer::close);
    builder.close();
  }

  public DataPlaneServer server() {
    return server;
  }

  public ViewSnapshotBuilder builder() {
    return builder;
  }

  /** The {@code /status} document: the snapshot version and every daemon with its ACKed version and lag. */
  public String statusJson() {
    ViewSnapshot snapshot = server.snapshot();
    ObjectNode root = Json.object();
    root.put("systemVersion", snapshot.systemVersion());
    root.put("resources", snapshot.size());
    ArrayNode daemons = root.putArray("daemons");
    for (DaemonStatus status : server.status()) {
      ObjectNode daemon = daemons.addObject();
      daemon.put("id", status.daemonId());
      daemon.put("node", status.nodeName());
      daemon.put("role", status.role().name().replace("ROLE_", "").toLowerCase(java.util.Locale.ROOT));
      daemon.put("connected", status.connected());
      daemon.put("ackedVersion", status.ackedVersion());
      daemon.put("syncedVersion", status.syncedVersion());
      daemon.put("lag", status.lag(snapshot.systemVersion()));
      daemon.put("pushes", status.pushes());
      daemon.put("nacks", status.nacks());
      daemon.put("lastNack", status.lastNack());
      daemon.put("pendingKeys", status.pendingKeys());
      daemon.put("connectedAt", status.connectedAt().toString());
      ArrayNode types = daemon.putArray("types");
      status.types().forEach(types::add);
    }
    return root.toPrettyString() + "\n";
  }

  @Override
  public void close() {
    server.close();
    closeAll(informers, builder);
  }
}
