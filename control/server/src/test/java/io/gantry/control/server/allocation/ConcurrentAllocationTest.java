package io.gantry.control.server.allocation;

import static io.gantry.control.server.allocation.AllocationFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.resource.ResourceTypes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Races and restarts: the reservation keys and the transaction compare are the whole guarantee. */
class ConcurrentAllocationTest {

  private static final String NODE_PORT = "{\"type\":\"NodePort\",\"ports\":[{\"port\":80}]}";

  @TempDir
  Path dir;
  private AllocationFixture f;

  @AfterEach
  void close() {
    if (f != null) {
      f.close();
    }
  }

  @Test
  void aThousandParallelCreatesNeverShareAnAddressOrPort() throws Exception {
    f = AllocationFixture.open(dir);
    int count = 1000;
    CountDownLatch start = new CountDownLatch(1);
    List<Future<ObjectNode>> results = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < count; i++) {
        String name = "s" + i;
        results.add(threads.submit(() -> {
          start.await();
          return f.createService(name, NODE_PORT);
        }));
      }
      start.countDown();
      Set<String> ips = new HashSet<>();
      Set<Integer> ports = new HashSet<>();
      for (Future<ObjectNode> result : results) {
        ObjectNode service = result.get(120, TimeUnit.SECONDS);
        ips.add(text(service, "/spec/clusterIP"));
        ports.add(service.at("/spec/ports/0/nodePort").asInt());
      }
      assertEquals(count, ips.size());
      assertEquals(count, ports.size());
    }
    assertEquals(count, f.reserved(f.allocators.clusterIps().pool()).size());
    assertEquals(count, f.reserved(f.allocators.nodePorts().pool()).size());
    // what the objects say and what the keys hold agree
    Set<String> stored = new HashSet<>();
    for (ObjectNode service : f.registry.list(ResourceTypes.SERVICES, "demo", null, null, 0, null).items()) {
      stored.add(text(service, "/spec/clusterIP"));
    }
    assertEquals(new HashSet<>(f.reserved(f.allocators.clusterIps().pool())), stored);
  }

  @Test
  void racingRequestsForOneExplicitAddressHaveExactlyOneWinner() throws Exception {
    f = AllocationFixture.open(dir);
    int count = 50;
    CountDownLatch start = new CountDownLatch(1);
    ConcurrentLinkedQueue<String> winners = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> refusals = new ConcurrentLinkedQueue<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < count; i++) {
        String name = "s" + i;
        threads.submit(() -> {
          start.await();
          try {
            f.createService(name, "{\"type\":\"NodePort\",\"clusterIP\":\"127.96.0.77\","
                + "\"ports\":[{\"port\":80,\"nodePort\":30077}]}");
            winners.add(name);
          } catch (ApiException e) {
            refusals.add(e.code() + " " + e.getMessage().replace(name, "NAME"));
          }
          return null;
        });
      }
      start.countDown();
    }
    assertEquals(1, winners.size(), refusals.toString());
    assertEquals(count - 1, refusals.size());
    // a racer may see the address still free and the port already taken, or the other way round
    assertTrue(refusals.stream().allMatch(r -> r.equals("422 Service \"NAME\" is invalid: spec.clusterIPs: Invalid "
        + "value: []string{\"127.96.0.77\"}: failed to allocate IP 127.96.0.77: provided IP is already allocated")
        || r.equals("422 Service \"NAME\" is invalid: spec.ports[0].nodePort: Invalid value: 30077: "
        + "provided port is already allocated")), refusals.toString());
    assertEquals(List.of("127.96.0.77"), f.reserved(f.allocators.clusterIps().pool()));
    assertEquals(List.of("30077"), f.reserved(f.allocators.nodePorts().pool()));
  }

  @Test
  void aRestartKeepsEveryReservation() throws ApiException {
    f = AllocationFixture.open(dir, b -> b.serviceCidr("127.96.0.0/24").nodePortRange(30000, 30199));
    Set<String> ips = new HashSet<>();
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < 60; i++) {
      ObjectNode s = f.createService("before" + i, NODE_PORT);
      ips.add(text(s, "/spec/clusterIP"));
      ports.add(s.at("/spec/ports/0/nodePort").asInt());
    }
    f.restart();
    for (int i = 0; i < 60; i++) {
      ObjectNode s = f.createService("after" + i, NODE_PORT);
      assertTrue(ips.add(text(s, "/spec/clusterIP")), "address handed out twice: " + text(s, "/spec/clusterIP"));
      assertTrue(ports.add(s.at("/spec/ports/0/nodePort").asInt()), "port handed out twice");
    }
    // an explicit request for an address taken before the restart is still refused
    String taken = text(f.getService("before0"), "/spec/clusterIP");
    ApiException e = org.junit.jupiter.api.Assertions.assertThrows(ApiException.class,
        () -> f.createService("late", "{\"clusterIP\":\"" + taken + "\",\"ports\":[{\"port\":80}]}"));
    assertEquals(422, e.code());
    assertEquals(120, f.reserved(f.allocators.clusterIps().pool()).size());
  }
}
