package io.gantry.control.server.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.KeyValue;
import io.gantry.control.server.store.sqlite.SqliteStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ResourceQuota admission plugin on a real store: charges, refusals, and the race for the last slot. */
class ResourceQuotaAdmissionTest {

  @TempDir
  Path dir;
  private SqliteStore store;
  private ObjectRegistry registry;

  @BeforeEach
  void open() throws ApiException {
    store = SqliteStore.open(dir.resolve("store.db"));
    registry = new ObjectRegistry(store, Clock.systemUTC(), List.of(new ResourceQuotaAdmission(store, Clock.systemUTC())));
    registry.create(ResourceTypes.NAMESPACES, null, json("{\"metadata\":{\"name\":\"demo\"}}"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  /** A quota as the controller leaves it: status.hard from spec, used counted. */
  private void quota(String name, String hard, String used) throws ApiException {
    ObjectNode quota = registry.create(ResourceTypes.RESOURCEQUOTAS, "demo",
        json("{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"hard\":" + hard + "}}"));
    quota.set("status", json("{\"hard\":" + hard + ",\"used\":" + used + "}"));
    registry.update(ResourceTypes.RESOURCEQUOTAS, "demo", name, quota, "status");
  }

  private ObjectNode pod(String name) throws ApiException {
    return registry.create(ResourceTypes.PODS, "demo", json("{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":"
        + "{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\",\"resources\":{\"requests\":{\"cpu\":\"100m\"}}}]}}"));
  }

  private String used(String name) throws ApiException {
    return registry.get(ResourceTypes.RESOURCEQUOTAS, "demo", name).path("status").path("used").toString();
  }

  @Test
  void aCreateIsChargedWithTheObjectAndOneOverTheLimitIsForbidden() throws ApiException {
    quota("pods", "{\"pods\":\"2\",\"requests.cpu\":\"1\"}", "{\"pods\":\"0\",\"requests.cpu\":\"0\"}");
    pod("a");
    pod("b");
    assertEquals("{\"pods\":\"2\",\"requests.cpu\":\"200m\"}", used("pods"));
    ApiException refused = assertThrows(ApiException.class, () -> pod("c"));
    assertEquals(403, refused.code());
    assertEquals("pods \"c\" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=2, limited: pods=2",
        refused.getMessage());
    assertEquals("{\"pods\":\"2\",\"requests.cpu\":\"200m\"}", used("pods"), "a refused create charges nothing");
  }

  @Test
  void requestsALimitRangeDefaultsAreWhatTheQuotaCountsAndRequires() throws ApiException {
    registry = new ObjectRegistry(store, Clock.systemUTC(),
        List.of(new LimitRangerAdmission(store), new ResourceQuotaAdmission(store, Clock.systemUTC())));
    registry.create(ResourceTypes.LIMITRANGES, "demo", json("{\"metadata\":{\"name\":\"defaults\"},\"spec\":"
        + "{\"limits\":[{\"type\":\"Container\",\"default\":{\"cpu\":\"200m\"},\"defaultRequest\":{\"cpu\":\"150m\"}}]}}"));
    quota("compute", "{\"requests.cpu\":\"1\",\"limits.cpu\":\"1\"}", "{\"requests.cpu\":\"0\",\"limits.cpu\":\"0\"}");
    registry.create(ResourceTypes.PODS, "demo", json("{\"metadata\":{\"name\":\"bare\"},\"spec\":"
        + "{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}"));
    assertEquals("{\"limits.cpu\":\"200m\",\"requests.cpu\":\"150m\"}", used("compute"));
  }

  @Test
  void aDryRunIsCheckedButChargesNothing() throws ApiException {
    quota("secrets", "{\"secrets\":\"1\"}", "{\"secrets\":\"0\"}");
    registry.dryRun().create(ResourceTypes.SECRETS, "demo", json("{\"metadata\":{\"name\":\"s\"}}"));
    assertEquals("{\"secrets\":\"0\"}", used("secrets"));
  }

  @Test
  void aServiceThatBecomesALoadBalancerIsChargedOnUpdate() throws ApiException {
    quota("lb", "{\"services.loadbalancers\":\"0\"}", "{\"services.loadbalancers\":\"0\"}");
    ObjectNode service = registry.create(ResourceTypes.SERVICES, "demo", json("{\"metadata\":{\"name\":\"web\"},"
        + "\"spec\":{\"ports\":[{\"port\":80}]}}"));
    ((ObjectNode) service.get("spec")).put("type", "LoadBalancer");
    ApiException refused = assertThrows(ApiException.class,
        () -> registry.update(ResourceTypes.SERVICES, "demo", "web", service, null));
    assertEquals("services \"web\" is forbidden: exceeded quota: lb, requested: services.loadbalancers=1,"
        + " used: services.loadbalancers=0, limited: services.loadbalancers=0", refused.getMessage());
  }

  @Test
  void anUpdateThatNamesItsVersionIsCheckedAgainWhenAQuotaChangedUnderIt() throws ApiException {
    AtomicBoolean raced = new AtomicBoolean();
    // after the quota plugin read the quota: another write bumps it, as a concurrent charge would
    WritePlugin racer = new WritePlugin() {
      @Override
      public TxnParts beforeWrite(ResourceType type, ObjectNode object, ObjectNode old) {
        if (type == ResourceTypes.SERVICES && old != null && raced.compareAndSet(false, true)) {
          KeyValue quota = store.get(ResourceTypes.RESOURCEQUOTAS.key("demo", "lb")).orElseThrow();
          store.update(quota.key(), quota.value(), quota.modRevision());
        }
        return TxnParts.NONE;
      }
    };
    registry = new ObjectRegistry(store, Clock.systemUTC(),
        List.of(new ResourceQuotaAdmission(store, Clock.systemUTC()), racer));
    quota("lb", "{\"services.loadbalancers\":\"1\"}", "{\"services.loadbalancers\":\"0\"}");
    ObjectNode service = registry.create(ResourceTypes.SERVICES, "demo", json("{\"metadata\":{\"name\":\"web\"},"
        + "\"spec\":{\"ports\":[{\"port\":80}]}}"));
    ((ObjectNode) service.get("spec")).put("type", "LoadBalancer");
    registry.update(ResourceTypes.SERVICES, "demo", "web", service, null); // names the resourceVersion it read
    assertEquals(true, raced.get());
    assertEquals("{\"services.loadbalancers\":\"1\"}", used("lb"));
  }

  @Test
  void twoConcurrentCreatesCannotBothTakeTheLastSlot() throws Exception {
    quota("one", "{\"pods\":\"1\"}", "{\"pods\":\"0\"}");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 10; round++) {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<ObjectNode>> results = new ArrayList<>();
        for (String name : new String[] {"x" + round, "y" + round}) {
          Callable<ObjectNode> create = () -> {
            start.await();
            return pod(name);
          };
          results.add(pool.submit(create));
        }
        start.countDown();
        int created = 0;
        for (Future<ObjectNode> result : results) {
          try {
            ObjectNode pod = result.get();
            created++;
            registry.delete(ResourceTypes.PODS, "demo", ObjectMeta.name(pod), DeleteOptions.DEFAULT);
          } catch (java.util.concurrent.ExecutionException e) {
            assertEquals(403, ((ApiException) e.getCause()).code(), e.getCause().getMessage());
          }
        }
        assertEquals(1, created, "round " + round);
        // what the controller does after a delete: give the slot back
        quotaUsed("one", "{\"pods\":\"0\"}");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private void quotaUsed(String name, String used) throws ApiException {
    ObjectNode quota = registry.get(ResourceTypes.RESOURCEQUOTAS, "demo", name);
    ((ObjectNode) quota.get("status")).set("used", json(used));
    registry.update(ResourceTypes.RESOURCEQUOTAS, "demo", name, quota, "status");
  }

  private static ObjectNode json(String text) {
    return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
  }
}
