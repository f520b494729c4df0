package io.gantry.bench;

import io.gantry.control.api.v1.Ack;
import io.gantry.control.api.v1.ControlMessage;
import io.gantry.control.api.v1.DaemonMessage;
import io.gantry.control.api.v1.DataPlaneGrpc;
import io.gantry.control.api.v1.ResourceType;
import io.gantry.control.api.v1.Role;
import io.gantry.control.api.v1.Subscribe;
import io.gantry.control.client.DataPlaneClient;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One simulated daemon on its own DataPlane gRPC stream (its own HTTP/2 connection), logging
 * when each push arrives. Two kinds:
 * <ul>
 *   <li>{@link #light}: speaks the protocol itself with the generated stub: Subscribe (proxy
 *       role, services and endpoints), then for every push: decode it (gRPC does, into the
 *       protobuf message), ACK it at once, and keep only its version and arrival time. A
 *       thousand of these fit in one JVM; a thousand full snapshots of a 10 000-service cluster
 *       would not (each is tens of MB of protobuf objects).
 *   <li>{@link #full}: the real {@link DataPlaneClient}, which validates and folds every push into
 *       its snapshot before it ACKs; the arrival logged is after the fold (its listener).
 * </ul>
 *
 * <p>Concurrency: callbacks run on gRPC's threads (the light kind on the Netty event loop, the
 * full kind on the client's own thread); the {@link PushLog} is the only shared state.
 */
final class SimulatedDaemon implements AutoCloseable {

  /** The largest push a simulated daemon accepts: a cold start receives the whole cluster at once. */
  static final int MAX_MESSAGE_BYTES = 512 << 20;

  private final String node;
  private final PushLog log = new PushLog();
  private final CountDownLatch firstPush = new CountDownLatch(1);
  private ManagedChannel channel;
  private volatile ClientCallStreamObserver<DaemonMessage> requests;
  private DataPlaneClient client;

  private SimulatedDaemon(String node) {
    this.node = node;
  }

  static SimulatedDaemon light(InetSocketAddress target, String node) {
    SimulatedDaemon daemon = new SimulatedDaemon(node);
    daemon.channel = NettyChannelBuilder.forAddress(target)
        .usePlaintext()
        .directExecutor() // decode and ACK on the event loop: no thread per daemon
        .maxInboundMessageSize(MAX_MESSAGE_BYTES)
        .build();
    DataPlaneGrpc.newStub(daemon.channel).stream(daemon.new Observer());
    daemon.requests.onNext(DaemonMessage.newBuilder().setSubscribe(Subscribe.newBuilder()
        .setNodeName(node).setRole(Role.ROLE_PROXY)
        .addTypes(ResourceType.RESOURCE_TYPE_SERVICE).addTypes(ResourceType.RESOURCE_TYPE_ENDPOINTS)).build());
    return daemon;
  }

  static SimulatedDaemon full(InetSocketAddress target, String node) {
    SimulatedDaemon daemon = new SimulatedDaemon(node);
    daemon.client = DataPlaneClient.builder(target, node, Role.ROLE_PROXY)
        .types(ResourceType.RESOURCE_TYPE_SERVICE, ResourceType.RESOURCE_TYPE_ENDPOINTS)
        .listener((snapshot, changes) -> {
          daemon.log.record(snapshot.systemVersion(), System.nanoTime());
          daemon.firstPush.countDown();
        })
        .start();
    return daemon;
  }

  String node() {
    return node;
  }

  PushLog log() {
    return log;
  }

  boolean isFull() {
    return client != null;
  }

  /** The full client (null for a light daemon). */
  DataPlaneClient client() {
    return client;
  }

  boolean awaitFirstPush(Duration timeout) throws InterruptedException {
    return firstPush.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** What went wrong with this daemon, or null. */
  String problem() {
    if (client != null && client.stats().streamsOpened() > 1) {
      return "reconnected " + (client.stats().streamsOpened() - 1) + " times";
    }
    return log.problem();
  }

  @Override
  public void close() {
    if (client != null) {
      client.close();
      return;
    }
    ClientCallStreamObserver<DaemonMessage> r = requests;
    if (r != null) {
      r.cancel("benchmark done", null);
    }
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class Observer implements ClientResponseObserver<DaemonMessage, ControlMessage> {
    @Override
    public void beforeStart(ClientCallStreamObserver<DaemonMessage> requestStream) {
      requests = requestStream;
    }

    @Override
    public void onNext(ControlMessage push) {
      long now = System.nanoTime();
      requests.onNext(DaemonMessage.newBuilder().setAck(Ack.newBuilder().setNonce(push.getNonce())).build());
      log.record(push.getSystemVersion(), now);
      firstPush.countDown();
    }

    @Override
    public void onError(Throwable t) {
      log.fail("stream failed: " + t);
    }

    @Override
    public void onCompleted() {
      log.fail("the control component ended the stream");
    }
  }
}
