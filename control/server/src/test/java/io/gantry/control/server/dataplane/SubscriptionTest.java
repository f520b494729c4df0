package io.gantry.control.server.dataplane;

import static io.gantry.control.server.dataplane.DeltaTest.SERVICE;
import static io.gantry.control.server.dataplane.DeltaTest.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.control.api.v1.Ack;
import io.gantry.control.api.v1.ControlMessage;
import io.gantry.control.api.v1.DaemonMessage;
import io.gantry.control.api.v1.Nack;
import io.gantry.control.api.v1.ResourceError;
import io.gantry.control.api.v1.ResourceType;
import io.gantry.control.api.v1.Role;
import io.gantry.control.api.v1.Subscribe;
import io.grpc.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SubscriptionTest {

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final BlockingQueue<ControlMessage> pushed = new LinkedBlockingQueue<>();
  private final AtomicReference<Status> failed = new AtomicReference<>();
  private final AtomicReference<ViewSnapshot> current = new AtomicReference<>(ViewSnapshot.EMPTY);
  private final DataPlaneMetrics metrics = new DataPlaneMetrics();
  private final Subscription subscription = new Subscription(new PushSink() {
    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public void push(ControlMessage message) {
      pushed.add(message);
    }

    @Override
    public void fail(Status status) {
      failed.set(status);
    }
  }, current::get, scheduler, new PushTimings(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofSeconds(30)),
      metrics, Instant.EPOCH);

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  /** Publishes a snapshot where service "web" is at {@code version}. */
  private void publish(long version) {
    Map<String, io.gantry.control.api.v1.Resource> services = new HashMap<>();
    services.put("demo/web", service("web", version));
    current.set(new ViewSnapshot(version, Map.of(SERVICE, services), Map.of(SERVICE, Set.of("demo/web"))));
    subscription.onSnapshot(current.get());
  }

  private ControlMessage nextPush() throws InterruptedException {
    ControlMessage message = pushed.poll(5, TimeUnit.SECONDS);
    assertTrue(message != null, "expected a push");
    return message;
  }

  private void subscribe() {
    subscription.onMessage(DaemonMessage.newBuilder().setSubscribe(Subscribe.newBuilder().setNodeName("n1")
        .setRole(Role.ROLE_PROXY).addTypes(SERVICE)).build());
  }

  @Test
  void manyChangesWhileAPushIsUnansweredBecomeOnePushOfTheLatestState() throws InterruptedException {
    publish(1);
    subscribe();
    ControlMessage initial = nextPush();
    assertEquals(1, initial.getUpserts(0).getVersion());

    for (long version = 2; version <= 50; version++) {
      publish(version);
    }
    assertNull(pushed.poll(50, TimeUnit.MILLISECONDS), "no push before the previous one is answered");
    assertEquals(1, subscription.status().pendingKeys(), "only the dirty key is kept, not 49 changes");

    subscription.onMessage(DaemonMessage.newBuilder().setAck(Ack.newBuilder().setNonce(initial.getNonce())).build());
    ControlMessage coalesced = nextPush();
    assertEquals(1, coalesced.getUpsertsCount());
    assertEquals(50, coalesced.getUpserts(0).getVersion());
    assertEquals(50, coalesced.getSystemVersion());
    assertNull(pushed.poll(50, TimeUnit.MILLISECONDS));
    assertEquals(1, subscription.status().ackedVersion());
  }

  @Test
  void anAnswerThatComesAfterItsPushTimedOutStillCounts() throws InterruptedException {
    ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    BlockingQueue<ControlMessage> sent = new LinkedBlockingQueue<>();
    AtomicReference<ViewSnapshot> state = new AtomicReference<>(ViewSnapshot.EMPTY);
    Subscription slow = new Subscription(new PushSink() {
      @Override
      public boolean isReady() {
        return true;
      }

      @Override
      public void push(ControlMessage message) {
        sent.add(message);
      }

      @Override
      public void fail(Status status) {
        failed.set(status);
      }
    }, state::get, timers, new PushTimings(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(50)),
        metrics, Instant.EPOCH);
    try {
      Map<String, io.gantry.control.api.v1.Resource> services = new HashMap<>();
      services.put("demo/web", service("web", 7));
      state.set(new ViewSnapshot(7, Map.of(SERVICE, services), Map.of(SERVICE, Set.of("demo/web"))));
      slow.onSnapshot(state.get());
      slow.onMessage(DaemonMessage.newBuilder().setSubscribe(Subscribe.newBuilder().setNodeName("n1")
          .setRole(Role.ROLE_PROXY).addTypes(SERVICE)).build());
      ControlMessage initial = sent.poll(5, TimeUnit.SECONDS);
      assertTrue(initial != null, "expected the initial push");
      Thread.sleep(200); // past the 50 ms ACK timeout
      assertEquals(0, slow.status().ackedVersion());

      slow.onMessage(DaemonMessage.newBuilder().setAck(Ack.newBuilder().setNonce(initial.getNonce())).build());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (slow.status().ackedVersion() != 7 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertEquals(7, slow.status().ackedVersion(), "a late ACK still says what the daemon holds");
    } finally {
      timers.shutdownNow();
    }
  }

  @Test
  void changesOfOtherTypesDoNotMakeAnUpToDateDaemonLag() throws InterruptedException {
    publish(1);
    subscribe();
    ControlMessage initial = nextPush();
    ack(initial);
    eventually(() -> subscription.status().lag(1) == 0);

    // Only a node changed (version 5): a service-only daemon has nothing to receive and is current.
    Map<String, io.gantry.control.api.v1.Resource> services = current.get().of(SERVICE);
    current.set(new ViewSnapshot(5, Map.of(SERVICE, services, ResourceType.RESOURCE_TYPE_NODE,
        Map.of("n1", node("n1", 5))), Map.of(ResourceType.RESOURCE_TYPE_NODE, Set.of("n1"))));
    subscription.onSnapshot(current.get());
    assertNull(pushed.poll(50, TimeUnit.MILLISECONDS), "nothing to push for a node");
    assertEquals(1, subscription.status().ackedVersion());
    eventually(() -> subscription.status().lag(5) == 0);

    // A service change is a real lag until the daemon answers its push.
    publish(6);
    ControlMessage next = nextPush();
    eventually(() -> subscription.status().lag(6) == 1);
    // A node change while that push is unanswered is no reason to call the daemon current.
    current.set(new ViewSnapshot(7, Map.of(SERVICE, current.get().of(SERVICE), ResourceType.RESOURCE_TYPE_NODE,
        Map.of("n1", node("n1", 7))), Map.of(ResourceType.RESOURCE_TYPE_NODE, Set.of("n1"))));
    subscription.onSnapshot(current.get());
    eventually(() -> subscription.status().lag(7) == 2);
    ack(next);
    eventually(() -> subscription.status().ackedVersion() == 6);
    eventually(() -> subscription.status().lag(7) == 0);
  }

  /**
   * Waits for the subscription's serialized context: a message handed to it while its timer
   * thread is inside a push runs on that thread right after, not on the caller's.
   */
  private void eventually(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, () -> "timed out; status " + subscription.status());
      Thread.sleep(1);
    }
  }

  private void ack(ControlMessage push) {
    subscription.onMessage(DaemonMessage.newBuilder().setAck(Ack.newBuilder().setNonce(push.getNonce())).build());
  }

  private static io.gantry.control.api.v1.Resource node(String name, long version) {
    return io.gantry.control.api.v1.Resource.newBuilder().setName(name).setVersion(version)
        .setNode(io.gantry.control.api.v1.NodeView.newBuilder().setName(name)).build();
  }

  @Test
  void nackIsRecordedAndTheSameBadVersionIsNotResent() throws InterruptedException {
    publish(1);
    subscribe();
    ControlMessage initial = nextPush();
    subscription.onMessage(DaemonMessage.newBuilder().setNack(Nack.newBuilder().setNonce(initial.getNonce())
        .addErrors(ResourceError.newBuilder().setType(SERVICE).setName("demo/web").setMessage("bad port"))).build());
    subscription.onSnapshot(current.get()); // the same snapshot again: nothing new to send

    assertNull(pushed.poll(50, TimeUnit.MILLISECONDS));
    DaemonStatus status = subscription.status();
    assertEquals(1, status.nacks());
    assertTrue(status.lastNack().contains("service demo/web: bad port"), status.lastNack());
    assertEquals(1, metrics.nacks());
    assertEquals("proxy/n1", status.daemonId());

    publish(2);
    assertEquals(2, nextPush().getUpserts(0).getVersion(), "a new version is pushed after a NACK");
  }

  @Test
  void subscribeWithoutTypesIsRefused() {
    subscription.onMessage(DaemonMessage.newBuilder().setSubscribe(Subscribe.newBuilder().setNodeName("n1")
        .setRole(Role.ROLE_DNS)).build());
    assertEquals(Status.Code.INVALID_ARGUMENT, failed.get().getCode());
    assertTrue(failed.get().getDescription().contains("types: []"), failed.get().getDescription());
  }

  @Test
  void aNodeNameOrDaemonIdThatNoDaemonWouldSendIsRefusedAndNotKeptWhole() {
    subscription.onMessage(DaemonMessage.newBuilder().setSubscribe(Subscribe.newBuilder()
        .setNodeName("n".repeat(1 << 20)).setDaemonId("proxy/x y").setRole(Role.ROLE_PROXY).addTypes(SERVICE)).build());
    assertEquals(Status.Code.INVALID_ARGUMENT, failed.get().getCode());
    String why = failed.get().getDescription();
    assertTrue(why.contains("node_name: \"" + "n".repeat(64) + "...\" (expected: a node name"), why);
    assertTrue(why.contains("daemon_id: \"proxy/x y\""), why);
    assertTrue(why.length() < 1000, "the megabyte is not echoed: " + why.length());
  }
}
