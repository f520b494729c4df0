package io.gantry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.testing.GantryProcess;
import io.gantry.testing.Json;
import io.gantry.testing.Kubectl;
import io.gantry.testing.Poll;
import io.gantry.testing.PrintedTable;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A StatefulSet through the real kubectl: apply with its headless Service, ordered creation (web-1
 * only once web-0 is Ready), stable hostnames in the Service's EndpointSlice, {@code scale sts} down
 * from the highest ordinal, a rolling update from the highest ordinal that {@code rollout status}
 * follows, {@code rollout history} and {@code undo}, {@code get sts} and {@code delete sts}; claims
 * made from {@code volumeClaimTemplates} that bind to hand-made volumes and outlive the set; a
 * {@link FakeKubelet} plays the node agent of the one node.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatefulSetIT {

  private static final String NS = "stateful";
  private static final String NODE_NAME = "sts-node-1";

  private static final String MANIFEST = """
      apiVersion: v1
      kind: Service
      metadata:
        name: nginx
      spec:
        clusterIP: None
        selector: {app: web}
        ports: [{name: web, port: 80}]
      ---
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: web
      spec:
        serviceName: nginx
        replicas: 3
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: web}
          spec:
            containers:
            - name: nginx
              image: nginx:1.27
              ports: [{name: web, containerPort: 80}]
      """;

  private static final String CLAIMS_NS = "stateful-claims";

  /** A volume per replica, each fit for one claim of the template below. */
  private static final String VOLUMES = """
      apiVersion: v1
      kind: PersistentVolume
      metadata: {name: sts-pv-0}
      spec: {capacity: {storage: 1Gi}, accessModes: [ReadWriteOnce], hostPath: {path: /srv/sts-0}}
      ---
      apiVersion: v1
      kind: PersistentVolume
      metadata: {name: sts-pv-1}
      spec: {capacity: {storage: 1Gi}, accessModes: [ReadWriteOnce], hostPath: {path: /srv/sts-1}}
      """;

  private static final String CLAIMING = """
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: web
      spec:
        serviceName: nginx
        replicas: 2
        podManagementPolicy: Parallel
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: web}
          spec:
            containers:
            - name: nginx
              image: nginx:1.27
              volumeMounts: [{name: data, mountPath: /usr/share/nginx/html}]
        volumeClaimTemplates:
        - metadata: {name: data}
          spec:
            accessModes: [ReadWriteOnce]
            resources: {requests: {storage: 1Gi}}
      """;

  private GantryProcess gantry;
  private Kubectl kubectl;
  private FakeKubelet kubelet;

  @BeforeAll
  void start() {
    // No heartbeats from the fake kubelet: keep the node lifecycle controller from marking the node NotReady.
    gantry = GantryProcess.start("--nodes", "0", "--node-monitor-grace-period", "PT10M");
    kubectl = gantry.kubectl().withTimeout(Duration.ofSeconds(90));
    kubectl.runWithInput(Manifests.readyNode(NODE_NAME), "apply", "-f", "-").assertOk();
    kubectl.run("create", "namespace", NS).assertOk();
  }

  @AfterAll
  void stop() {
    if (kubelet != null) {
      kubelet.close();
    }
    if (gantry != null) {
      gantry.close();
    }
    if (kubelet != null) {
      assertEquals(List.of(), kubelet.errors(), "the fake kubelet met unexpected API answers");
    }
  }

  @Test
  void orderedPodsStableNamesScaleRollOutHistoryUndoAndDelete() {
    k("apply", "-f", "-", MANIFEST).assertOk().assertStdoutContains("statefulset.apps/web created");

    // no node agent yet: web-0 is never Ready, so web-1 must not come
    await("web-0 created", () -> images().containsKey("web-0"));
    sleep(Duration.ofMillis(1500));
    assertEquals(List.of("web-0"), List.copyOf(images().keySet()), "web-1 came before web-0 was Ready");

    kubelet = FakeKubelet.start(gantry.api(), NODE_NAME, Duration.ofMinutes(5));
    await("3 of 3 ready", () -> "3/3".equals(k("get", "sts", "web").assertOk().table().rowNamed("web").get("READY")));
    PrintedTable table = k("get", "sts").assertOk().table();
    assertEquals(List.of("NAME", "READY", "AGE"), table.headers());
    PrintedTable wide = k("get", "statefulsets", "web", "-o", "wide").assertOk().table();
    assertEquals(List.of("NAME", "READY", "AGE", "CONTAINERS", "IMAGES"), wide.headers());
    assertEquals("nginx:1.27", wide.rowNamed("web").get("IMAGES"), wide::toString);
    k("get", "all").assertOk().assertStdoutContains("statefulset.apps/web");

    for (JsonNode pod : k("get", "pods", "-l", "app=web", "-o", "json").assertOk().json().path("items")) {
      String name = pod.at("/metadata/name").asText();
      assertEquals(name, pod.at("/spec/hostname").asText());
      assertEquals("nginx", pod.at("/spec/subdomain").asText());
      assertEquals(name, pod.at("/metadata/labels/statefulset.kubernetes.io~1pod-name").asText());
      assertEquals("StatefulSet", pod.at("/metadata/ownerReferences/0/kind").asText());
    }
    await("hostnames in the headless Service's EndpointSlice", () -> List.of("web-0", "web-1", "web-2")
        .equals(sliceHostnames()));

    k("scale", "sts", "web", "--replicas=1").assertOk().assertStdoutContains("statefulset.apps/web scaled");
    List<String> seen = new ArrayList<>();
    await("web-2 then web-1 removed", () -> {
      String names = String.join(",", images().keySet());
      if (seen.isEmpty() || !seen.getLast().equals(names)) {
        seen.add(names);
      }
      return names.equals("web-0");
    });
    assertTrue(seen.stream().noneMatch(names -> names.contains("web-2") && !names.contains("web-1")), seen::toString);
    k("scale", "sts", "web", "--replicas=3").assertOk();
    await("3 of 3 ready again", () -> "3/3".equals(k("get", "sts", "web").assertOk().table().rowNamed("web")
        .get("READY")));

    k("set", "image", "sts/web", "nginx=nginx:1.28").assertOk();
    List<String> violations = new ArrayList<>();
    await("every pod at nginx:1.28", () -> {
      Map<String, String> images = images();
      for (int i = 0; i < 3; i++) {
        for (int j = i + 1; j < 3; j++) {
          if ("nginx:1.28".equals(images.get("web-" + i)) && "nginx:1.27".equals(images.get("web-" + j))) {
            violations.add(images.toString());
          }
        }
      }
      return images.size() == 3 && images.values().stream().allMatch("nginx:1.28"::equals);
    });
    assertEquals(List.of(), violations, "a lower ordinal was updated before a higher one");
    k("rollout", "status", "sts/web", "--timeout=60s").assertOk()
        .assertStdoutContains("partitioned roll out complete: 3 new pods have been updated");
    assertEquals(List.of("1", "2"), historyRevisions());

    k("rollout", "undo", "sts/web").assertOk().assertStdoutContains("statefulset.apps/web rolled back");
    await("every pod back at nginx:1.27", () -> images().size() == 3
        && images().values().stream().allMatch("nginx:1.27"::equals));
    k("rollout", "status", "sts/web", "--timeout=60s").assertOk();
    assertEquals(List.of("2", "3"), historyRevisions());

    k("delete", "sts", "web").assertOk().assertStdoutContains("statefulset.apps \"web\" deleted");
    await("its pods gone", () -> k("get", "pods", "-l", "app=web", "-o", "json").assertOk().json()
        .path("items").isEmpty());
  }

  @Test
  void claimsFromTheTemplateBindToVolumesAndOutliveTheSet() {
    kubectl.run("create", "namespace", CLAIMS_NS).assertOk();
    kubectl.runWithInput(VOLUMES, "apply", "-f", "-").assertOk();
    kubectl.runWithInput(CLAIMING, "-n", CLAIMS_NS, "apply", "-f", "-").assertOk();
    await("data-web-0 and data-web-1 Bound", () -> {
      PrintedTable claims = kubectl.run("-n", CLAIMS_NS, "get", "pvc").assertOk().table();
      return claims.rows().size() == 2 && claims.rows().stream().allMatch(row -> "Bound".equals(row.get("STATUS")));
    });
    PrintedTable claims = kubectl.run("-n", CLAIMS_NS, "get", "pvc").assertOk().table();
    assertEquals(List.of("data-web-0", "data-web-1"), claims.rows().stream().map(row -> row.get("NAME")).toList());
    assertEquals(java.util.Set.of("sts-pv-0", "sts-pv-1"), claims.rows().stream().map(row -> row.get("VOLUME"))
        .collect(java.util.stream.Collectors.toSet()), claims::toString);
    JsonNode pod = kubectl.run("-n", CLAIMS_NS, "get", "pod", "web-1", "-o", "json").assertOk().json();
    assertEquals("data-web-1", pod.at("/spec/volumes/0/persistentVolumeClaim/claimName").asText());
    kubectl.run("-n", CLAIMS_NS, "get", "events").assertOk()
        .assertStdoutContains("create Claim data-web-0 Pod web-0 in StatefulSet web success");

    // the default persistentVolumeClaimRetentionPolicy is Retain: the claims stay, bound, without the set
    kubectl.run("-n", CLAIMS_NS, "delete", "sts", "web").assertOk();
    // (without the fake kubelet, whose test may not have run yet, the pods stay Terminating)
    await("its pods collected", () -> {
      for (JsonNode item : kubectl.run("-n", CLAIMS_NS, "get", "pods", "-o", "json").assertOk().json().path("items")) {
        if (!item.path("metadata").has("deletionTimestamp")) {
          return false;
        }
      }
      return true;
    });
    sleep(Duration.ofSeconds(1)); // time for a garbage collector that wrongly took the claims as dependents
    PrintedTable kept = kubectl.run("-n", CLAIMS_NS, "get", "pvc").assertOk().table();
    assertEquals("Bound Bound", kept.rowNamed("data-web-0").get("STATUS") + " "
        + kept.rowNamed("data-web-1").get("STATUS"), kept::toString);
  }

  /** The revisions {@code kubectl rollout history sts/web} lists. */
  private List<String> historyRevisions() {
    String out = k("rollout", "history", "sts/web").assertOk().stdout();
    List<String> revisions = new ArrayList<>();
    for (String line : out.split("\n")) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length == 2 && fields[0].matches("[0-9]+")) {
        revisions.add(fields[0]);
      }
    }
    return revisions;
  }

  private List<String> sliceHostnames() {
    List<String> hostnames = new ArrayList<>();
    for (JsonNode slice : k("get", "endpointslices", "-l", "kubernetes.io/service-name=nginx", "-o", "json")
        .assertOk().json().path("items")) {
      for (JsonNode endpoint : slice.path("endpoints")) {
        hostnames.add(endpoint.path("hostname").asText(""));
      }
    }
    hostnames.sort(null);
    return hostnames;
  }

  /** The image of each pod of the set not being deleted, by name (straight from the API: fast enough to see each step). */
  private Map<String, String> images() {
    HttpResponse<String> list = gantry.api().get("/api/v1/namespaces/" + NS + "/pods?labelSelector=app%3Dweb");
    assertEquals(200, list.statusCode(), list::body);
    Map<String, String> images = new TreeMap<>();
    for (JsonNode pod : Json.parse(list.body()).path("items")) {
      if (!pod.path("metadata").has("deletionTimestamp")) {
        images.put(pod.at("/metadata/name").asText(), pod.at("/spec/containers/0/image").asText());
      }
    }
    return images;
  }

  /** kubectl in the namespace; a last argument that is a manifest goes to stdin after {@code -f -}. */
  private Kubectl.Result k(String... args) {
    List<String> all = new ArrayList<>(List.of("-n", NS));
    String input = null;
    if (args.length > 2 && args[args.length - 2].equals("-") && args[args.length - 1].contains("\n")) {
      input = args[args.length - 1];
      all.addAll(List.of(args).subList(0, args.length - 1));
    } else {
      all.addAll(List.of(args));
    }
    String[] argv = all.toArray(String[]::new);
    return input == null ? kubectl.run(argv) : kubectl.runWithInput(input, argv);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
  }

  private static void await(String what, BooleanSupplier condition) {
    Poll.until(what, Duration.ofSeconds(60), Duration.ofMillis(50), condition, () -> "(see the gantry log)");
  }
}
