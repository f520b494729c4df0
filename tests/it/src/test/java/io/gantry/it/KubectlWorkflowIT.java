package io.gantry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.testing.GantryProcess;
import io.gantry.testing.Json;
import io.gantry.testing.Kubectl;
import io.gantry.testing.PrintedTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The everyday kubectl workflow against a real Gantry process, with the kubectl on PATH and with
 * kubectl 1.27 (skipped, with a message, when {@code kubectl.1.27} is not installed next to it).
 * Every test works in its own namespace, named after the test and the kubectl version.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubectlWorkflowIT {

  private static final String V1 = "workflow-v1.yaml";
  private static final String V2 = "workflow-v2.yaml";

  private GantryProcess gantry;

  @BeforeAll
  void start() {
    gantry = GantryProcess.start();
  }

  @AfterAll
  void stop() {
    if (gantry != null) {
      gantry.close();
    }
  }

  static Stream<Named<String>> kubectls() {
    return Stream.of(Named.of("kubectl on PATH", "path"), Named.of("kubectl 1.27", "1.27"));
  }

  @ParameterizedTest
  @MethodSource("kubectls")
  void applyThenEditedApplyPatchesEveryObjectAndAThirdApplyIsUnchanged(String version) {
    Kubectl kubectl = kubectl(version);
    String ns = namespace("apply", version);

    Kubectl.Result created = apply(kubectl, V1, ns);
    for (String object : List.of("namespace/" + ns, "configmap/settings", "secret/creds", "deployment.apps/web",
        "service/web", "ingress.networking.k8s.io/web", "networkpolicy.networking.k8s.io/web")) {
      created.assertStdoutContains(object + " created");
    }
    assertEquals(List.of("web", "sidecar"), containerNames(getJson(kubectl, ns, "deployment", "web")));

    Kubectl.Result edited = apply(kubectl, V2, ns);
    edited.assertStdoutContains("deployment.apps/web configured")
        .assertStdoutContains("service/web configured")
        .assertStdoutContains("ingress.networking.k8s.io/web configured")
        .assertStdoutContains("networkpolicy.networking.k8s.io/web configured")
        .assertStdoutContains("configmap/settings unchanged");

    JsonNode deployment = getJson(kubectl, ns, "deployment", "web");
    assertEquals(3, deployment.at("/spec/replicas").asInt(), deployment::toString);
    assertEquals(List.of("web"), containerNames(deployment), "the sidecar must be gone");
    JsonNode web = deployment.at("/spec/template/spec/containers/0");
    assertEquals("nginx:1.28", web.path("image").asText(), web::toString);
    assertEquals("MODE", web.at("/env/0/name").asText(), web::toString);
    assertEquals("green", web.at("/env/0/value").asText(), web::toString);
    assertEquals(1, web.path("env").size(), web::toString);
    assertEquals(80, web.at("/ports/0/containerPort").asInt(), web::toString);

    JsonNode service = getJson(kubectl, ns, "service", "web");
    assertEquals(List.of(80, 443), service.at("/spec/ports").findValues("port").stream().map(JsonNode::asInt).toList(),
        service::toString);
    assertEquals("NodePort", service.at("/spec/type").asText(), service::toString);

    JsonNode ingress = getJson(kubectl, ns, "ingress", "web");
    assertEquals(List.of("/", "/api"), ingress.at("/spec/rules/0/http/paths").findValues("path").stream()
        .map(JsonNode::asText).toList(), ingress::toString);
    assertEquals(443, ingress.at("/spec/rules/0/http/paths/1/backend/service/port/number").asInt(), ingress::toString);

    JsonNode policy = getJson(kubectl, ns, "networkpolicy", "web");
    JsonNode peers = policy.at("/spec/ingress/0/from");
    assertEquals(2, peers.size(), policy::toString);
    assertEquals("frontend", peers.at("/0/podSelector/matchLabels/role").asText(), policy::toString);
    assertEquals("ops", peers.at("/1/namespaceSelector/matchLabels/team").asText(), policy::toString);

    Kubectl.Result third = apply(kubectl, V2, ns);
    List<String> lines = third.stdout().lines().filter(line -> !line.isBlank()).toList();
    assertEquals(7, lines.size(), third::toString);
    assertTrue(lines.stream().allMatch(line -> line.endsWith(" unchanged")), third::toString);
  }

  @ParameterizedTest
  @MethodSource("kubectls")
  void getPrintsWhatAPersonExpects(String version) {
    Kubectl kubectl = kubectl(version);
    String ns = namespace("get", version);
    apply(kubectl, V2, ns);

    PrintedTable services = kubectl.run("get", "services", "-n", ns).table();
    assertEquals(List.of("NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"), services.headers());
    Map<String, String> web = services.rowNamed("web");
    assertEquals("NodePort", web.get("TYPE"), services::toString);
    assertTrue(Pattern.matches("80(:\\d+)?/TCP,443(:\\d+)?/TCP", web.get("PORT(S)")), services::toString);

    PrintedTable deployments = kubectl.run("get", "deploy", "-n", ns).table();
    assertEquals(List.of("NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"), deployments.headers());
    assertTrue(Pattern.matches("\\d+/3", deployments.rowNamed("web").get("READY")), deployments::toString);

    PrintedTable wide = kubectl.run("get", "deploy", "-n", ns, "-o", "wide").table();
    assertEquals(List.of("NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"),
        wide.headers());
    assertEquals("web", wide.rowNamed("web").get("CONTAINERS"), wide::toString);
    assertEquals("nginx:1.28", wide.rowNamed("web").get("IMAGES"), wide::toString);
    assertEquals("app=web", wide.rowNamed("web").get("SELECTOR"), wide::toString);

    Kubectl.Result yaml = kubectl.run("get", "deploy", "web", "-n", ns, "-o", "yaml").assertOk();
    yaml.assertStdoutContains("apiVersion: apps/v1\n")
        .assertStdoutContains("kind: Deployment\n")
        .assertStdoutContains("  namespace: " + ns + "\n")
        .assertStdoutContains("  replicas: 3\n")
        .assertStdoutContains("image: nginx:1.28\n");

    PrintedTable everywhere = kubectl.run("get", "configmaps", "-A").table();
    assertEquals("NAMESPACE", everywhere.headers().get(0), everywhere::toString);
    assertTrue(everywhere.rows().stream()
        .anyMatch(row -> ns.equals(row.get("NAMESPACE")) && "settings".equals(row.get("NAME"))), everywhere::toString);

    PrintedTable labelled = kubectl.run("get", "deploy", "-n", ns, "--show-labels").table();
    assertEquals("LABELS", labelled.headers().get(labelled.headers().size() - 1), labelled::toString);
    assertEquals("app=web", labelled.rowNamed("web").get("LABELS"), labelled::toString);

    kubectl.run("get", "all", "-n", ns).assertOk()
        .assertStdoutContains("service/web").assertStdoutContains("deployment.apps/web");

    kubectl.run("get", "deploy,svc", "-n", ns, "-l", "app=web").assertOk()
        .assertStdoutContains("deployment.apps/web").assertStdoutContains("service/web");
    Kubectl.Result none = kubectl.run("get", "svc", "-n", ns, "-l", "app=nothing").assertOk();
    assertEquals("", none.stdout(), none::toString);
    none.assertStderrContains("No resources found in " + ns + " namespace.");
  }

  @ParameterizedTest
  @MethodSource("kubectls")
  void getWatchSeesALaterChange(String version) {
    Kubectl kubectl = kubectl(version);
    String ns = namespace("watch", version);
    apply(kubectl, V1, ns);

    try (Kubectl.Background watch = kubectl.start("get", "configmaps", "-n", ns, "-w")) {
      watch.awaitStdout(out -> dataCounts(out, "settings").contains("1"), Duration.ofSeconds(15),
          "the settings row with DATA 1");

      kubectl.run("patch", "configmap", "settings", "-n", ns, "--type=merge", "-p", "{\"data\":{\"b\":\"2\"}}")
          .assertOk();
      watch.awaitStdout(out -> dataCounts(out, "settings").contains("2"), Duration.ofSeconds(5),
          "a settings row with DATA 2 after the patch");

      kubectl.runWithInput("""
          apiVersion: v1
          kind: ConfigMap
          metadata: {name: late, namespace: %s}
          data: {x: "1"}
          """.formatted(ns), "apply", "-f", "-").assertOk();
      watch.awaitStdout(out -> !dataCounts(out, "late").isEmpty(), Duration.ofSeconds(5),
          "a row for the configmap created after the watch started");
    }
  }

  @ParameterizedTest
  @MethodSource("kubectls")
  void scaleLabelAnnotatePatchAndEditLand(String version) throws IOException {
    Kubectl kubectl = kubectl(version);
    String ns = namespace("edit", version);
    apply(kubectl, V1, ns);

    kubectl.run("scale", "deploy", "web", "-n", ns, "--replicas=4").assertOk().assertStdoutContains("scaled");
    assertEquals(4, getJson(kubectl, ns, "deployment", "web").at("/spec/replicas").asInt());

    // Strategic merge patch: containers merge by name, so web stays and only the sidecar changes.
    kubectl.run("patch", "deploy", "web", "-n", ns, "-p",
        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"sidecar\",\"image\":\"busybox:1.37\"}]}}}}")
        .assertOk();
    JsonNode deployment = getJson(kubectl, ns, "deployment", "web");
    assertEquals(List.of("web", "sidecar"), containerNames(deployment), deployment::toString);
    assertEquals("nginx:1.27", deployment.at("/spec/template/spec/containers/0/image").asText());
    assertEquals("busybox:1.37", deployment.at("/spec/template/spec/containers/1/image").asText());

    kubectl.run("label", "configmap", "settings", "-n", ns, "tier=backend").assertOk()
        .assertStdoutContains("configmap/settings labeled");
    kubectl.run("annotate", "configmap", "settings", "-n", ns, "note=hello").assertOk()
        .assertStdoutContains("configmap/settings annotate"); // 1.27 prints "annotate"
    kubectl.run("patch", "configmap", "settings", "-n", ns, "-p", "{\"data\":{\"b\":\"2\"}}").assertOk();
    kubectl.run("patch", "configmap", "settings", "-n", ns, "--type=merge", "-p", "{\"data\":{\"c\":\"3\"}}")
        .assertOk();
    kubectl.run("patch", "configmap", "settings", "-n", ns, "--type=json",
        "-p", "[{\"op\":\"add\",\"path\":\"/data/d\",\"value\":\"4\"}]").assertOk();
    kubectl.withEnv("KUBE_EDITOR", editorReplacing("a: \"1\"", "a: \"2\"").toString())
        .run("edit", "configmap", "settings", "-n", ns).assertOk()
        .assertStdoutContains("configmap/settings edited");

    JsonNode settings = getJson(kubectl, ns, "configmap", "settings");
    assertEquals(Json.parse("{\"a\":\"2\",\"b\":\"2\",\"c\":\"3\",\"d\":\"4\"}"), settings.path("data"),
        settings::toString);
    assertEquals("backend", settings.at("/metadata/labels/tier").asText(), settings::toString);
    assertEquals("hello", settings.at("/metadata/annotations/note").asText(), settings::toString);
  }

  @ParameterizedTest
  @MethodSource("kubectls")
  void describeDeploymentAndService(String version) {
    Kubectl kubectl = kubectl(version);
    String ns = namespace("describe", version);
    apply(kubectl, V2, ns);

    Kubectl.Result deployment = kubectl.run("describe", "deployment", "web", "-n", ns).assertOk();
    assertTrue(Pattern.compile("(?m)^Name:\\s+web$").matcher(deployment.stdout()).find(), deployment::toString);
    assertTrue(Pattern.compile("(?m)^Replicas:\\s+3 desired").matcher(deployment.stdout()).find(),
        deployment::toString);
    deployment.assertStdoutContains("nginx:1.28");

    Kubectl.Result service = kubectl.run("describe", "service", "web", "-n", ns).assertOk();
    assertTrue(Pattern.compile("(?m)^Type:\\s+NodePort$").matcher(service.stdout()).find(), service::toString);
    assertTrue(Pattern.compile("(?m)^Port:\\s+https\\s+443/TCP$").matcher(service.stdout()).find(),
        service::toString);
  }

  @ParameterizedTest
  @MethodSource("kubectls")
  void createCommandsMakeObjects(String version) {
    Kubectl kubectl = kubectl(version);
    String ns = namespace("create", version);

    // kubectl 1.32+ sends these bodies as protobuf; older ones as JSON.
    kubectl.run("create", "namespace", ns).assertOk().assertStdoutContains("namespace/" + ns + " created");
    kubectl.run("create", "configmap", "made", "-n", ns, "--from-literal=k=v").assertOk();
    kubectl.run("create", "secret", "generic", "hidden", "-n", ns, "--from-literal=password=pw").assertOk();
    kubectl.run("create", "deployment", "app", "-n", ns, "--image=nginx:1.27", "--replicas=2").assertOk();
    kubectl.run("create", "service", "clusterip", "app", "-n", ns, "--tcp=80:8080").assertOk();

    assertEquals("v", getJson(kubectl, ns, "configmap", "made").at("/data/k").asText());
    assertEquals("cHc=", getJson(kubectl, ns, "secret", "hidden").at("/data/password").asText());
    JsonNode deployment = getJson(kubectl, ns, "deployment", "app");
    assertEquals(2, deployment.at("/spec/replicas").asInt(), deployment::toString);
    assertEquals("nginx:1.27", deployment.at("/spec/template/spec/containers/0/image").asText(), deployment::toString);
    JsonNode service = getJson(kubectl, ns, "service", "app");
    assertEquals(80, service.at("/spec/ports/0/port").asInt(), service::toString);
    assertEquals(8080, service.at("/spec/ports/0/targetPort").asInt(), service::toString);
  }

  @ParameterizedTest
  @MethodSource("kubectls")
  void rbacObjectsAreMadeListedAndTheirRoleRefKept(String version) {
    Kubectl kubectl = kubectl(version);
    String ns = namespace("rbac", version);
    String suffix = version.replace('.', '-');
    kubectl.run("create", "namespace", ns).assertOk();

    kubectl.run("-n", ns, "create", "role", "pod-reader", "--verb=get,list,watch", "--resource=pods").assertOk();
    kubectl.run("-n", ns, "create", "rolebinding", "read-pods", "--role=pod-reader", "--user=jane",
        "--serviceaccount=" + ns + ":runner").assertOk();
    kubectl.run("create", "clusterrole", "node-viewer-" + suffix, "--verb=get,list", "--resource=nodes").assertOk();
    kubectl.run("create", "clusterrolebinding", "view-nodes-" + suffix, "--clusterrole=node-viewer-" + suffix,
        "--group=ops").assertOk();

    Map<String, String> binding = kubectl.run("-n", ns, "get", "rolebinding", "-o", "wide").table().rowNamed("read-pods");
    assertEquals("Role/pod-reader jane " + ns + "/runner", binding.get("ROLE") + " " + binding.get("USERS") + " "
        + binding.get("SERVICEACCOUNTS"));
    assertEquals("ClusterRole/node-viewer-" + suffix, kubectl.run("get", "clusterrolebinding", "view-nodes-" + suffix)
        .table().rowNamed("view-nodes-" + suffix).get("ROLE"));
    JsonNode role = getJson(kubectl, ns, "role", "pod-reader");
    assertEquals("[\"get\",\"list\",\"watch\"] [\"pods\"]", role.at("/rules/0/verbs") + " " + role.at("/rules/0/resources"));
    kubectl.run("-n", ns, "patch", "rolebinding", "read-pods", "--type=merge", "-p", "{\"roleRef\":{\"name\":\"x\"}}")
        .assertFailed().assertStderrContains("cannot change roleRef");
    kubectl.run("delete", "clusterrolebinding", "view-nodes-" + suffix).assertOk();
    kubectl.run("delete", "clusterrole", "node-viewer-" + suffix).assertOk();
  }

  @ParameterizedTest
  @MethodSource("kubectls")
  void claimsBindToVolumesAndRevisionsArePrinted(String version) {
    Kubectl kubectl = kubectl(version);
    String ns = namespace("storage", version);
    String pv = "pv-" + version.replace('.', '-');
    kubectl.run("create", "namespace", ns).assertOk();
    kubectl.runWithInput("""
        apiVersion: v1
        kind: PersistentVolume
        metadata: {name: %s}
        spec:
          capacity: {storage: 5Gi}
          accessModes: [ReadWriteOnce]
          hostPath: {path: /srv/data}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: data, namespace: %s}
        spec:
          accessModes: [ReadWriteOnce]
          resources: {requests: {storage: 1Gi}}
        ---
        apiVersion: apps/v1
        kind: ControllerRevision
        metadata: {name: web-1, namespace: %s}
        revision: 1
        data: {spec: {template: {spec: {containers: [{name: web, image: nginx}]}}}}
        """.formatted(pv, ns, ns), "apply", "-f", "-").assertOk();

    kubectl.run("-n", ns, "wait", "--for=jsonpath={.status.phase}=Bound", "pvc/data", "--timeout=30s").assertOk();
    Map<String, String> volume = kubectl.run("get", "pv", pv).table().rowNamed(pv);
    assertEquals("5Gi RWO Retain Bound " + ns + "/data", volume.get("CAPACITY") + " " + volume.get("ACCESS MODES")
        + " " + volume.get("RECLAIM POLICY") + " " + volume.get("STATUS") + " " + volume.get("CLAIM"));
    Map<String, String> claim = kubectl.run("-n", ns, "get", "pvc", "-o", "wide").table().rowNamed("data");
    assertEquals("Bound " + pv + " 5Gi RWO Filesystem", claim.get("STATUS") + " " + claim.get("VOLUME") + " "
        + claim.get("CAPACITY") + " " + claim.get("ACCESS MODES") + " " + claim.get("VOLUMEMODE"));
    Map<String, String> revision = kubectl.run("-n", ns, "get", "controllerrevisions").table().rowNamed("web-1");
    assertEquals("<none> 1", revision.get("CONTROLLER") + " " + revision.get("REVISION"));
    kubectl.run("-n", ns, "patch", "pvc", "data", "--type=merge", "-p", "{\"spec\":{\"accessModes\":[\"ReadWriteMany\"]}}")
        .assertFailed().assertStderrContains("spec is immutable after creation");
    kubectl.run("-n", ns, "patch", "controllerrevision", "web-1", "--type=merge", "-p", "{\"data\":{\"x\":1}}")
        .assertFailed().assertStderrContains("field is immutable");
    // in-use protection: the admission plugin's finalizers, and a Bound volume outlives its delete
    kubectl.run("-n", ns, "describe", "pvc", "data").assertOk()
        .assertStdoutContains("kubernetes.io/pvc-protection");
    assertEquals("[\"kubernetes.io/pv-protection\"]",
        kubectl.run("get", "pv", pv, "-o", "jsonpath={.metadata.finalizers}").assertOk().stdout().trim());
    kubectl.run("delete", "pv", pv, "--wait=false").assertOk();
    assertEquals("Terminating", kubectl.run("get", "pv", pv).table().rowNamed(pv).get("STATUS"));
    kubectl.run("-n", ns, "delete", "pvc", "data").assertOk();
    kubectl.run("wait", "--for=delete", "pv/" + pv, "--timeout=30s").assertOk();
  }

  @ParameterizedTest
  @MethodSource("kubectls")
  void limitRangesDefaultPodsAndRefuseThoseOverTheirBounds(String version) {
    Kubectl kubectl = kubectl(version);
    String ns = namespace("limits", version);
    kubectl.run("create", "namespace", ns).assertOk();
    kubectl.runWithInput("""
        apiVersion: v1
        kind: LimitRange
        metadata: {name: bounds, namespace: %s, labels: {team: web}}
        spec:
          limits:
          - type: Container
            min: {cpu: 50m}
            max: {cpu: 500m, memory: 256Mi}
            default: {cpu: 300m}
            defaultRequest: {cpu: 100m}
        """.formatted(ns), "create", "-f", "-").assertOk();
    PrintedTable table = kubectl.run("-n", ns, "get", "limits").table();
    assertEquals(List.of("NAME", "CREATED AT"), table.headers());
    assertTrue(Pattern.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ",
        table.rowNamed("bounds").get("CREATED AT")), table::toString);
    // SetDefaults_LimitRangeItem: the memory default from max, its request from the default
    assertEquals("256Mi 256Mi", kubectl.run("-n", ns, "get", "limitrange", "bounds", "-o",
        "jsonpath={.spec.limits[0].default.memory} {.spec.limits[0].defaultRequest.memory}").assertOk().stdout());

    kubectl.run("-n", ns, "run", "plain", "--image=nginx", "--restart=Never").assertOk();
    JsonNode pod = getJson(kubectl, ns, "pod", "plain");
    assertEquals("{\"limits\":{\"cpu\":\"300m\",\"memory\":\"256Mi\"},\"requests\":{\"cpu\":\"100m\","
        + "\"memory\":\"256Mi\"}}", pod.at("/spec/containers/0/resources").toString());
    assertEquals("LimitRanger plugin set: cpu, memory request for container plain; cpu, memory limit for container"
        + " plain", pod.at("/metadata/annotations/kubernetes.io~1limit-ranger").asText());

    kubectl.runWithInput("""
        apiVersion: v1
        kind: Pod
        metadata: {name: big, namespace: %s}
        spec:
          containers:
          - name: big
            image: nginx
            resources: {requests: {cpu: 10m}, limits: {cpu: 600m}}
        """.formatted(ns), "apply", "-f", "-").assertFailed().assertStderrContains("pods \"big\" is forbidden:"
        + " [minimum cpu usage per Container is 50m, but request is 10m, maximum cpu usage per Container is 500m,"
        + " but limit is 600m]");

    // list across namespaces by label, patch, and delete by label, as the conformance test does
    assertEquals(ns + "/bounds", kubectl.run("get", "limits", "-A", "-l", "team=web", "-o",
        "jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name}{end}").assertOk().stdout());
    // a strategic merge patch replaces the limits whole (no merge key), and the new item is defaulted
    kubectl.run("-n", ns, "patch", "limits", "bounds", "-p",
        "{\"metadata\":{\"labels\":{\"bounds\":\"patched\"}},"
            + "\"spec\":{\"limits\":[{\"type\":\"Container\",\"max\":{\"cpu\":\"2\"}}]}}").assertOk();
    Kubectl.Result described = kubectl.run("-n", ns, "describe", "limits", "bounds").assertOk();
    assertTrue(Pattern.compile("Container\\s+cpu\\s+-\\s+2\\s+2\\s+2\\s+-").matcher(described.stdout()).find(),
        described::toString);
    kubectl.runWithInput("""
        apiVersion: v1
        kind: Pod
        metadata: {name: bigger, namespace: %s}
        spec: {containers: [{name: c, image: nginx, resources: {limits: {cpu: 600m}}}]}
        """.formatted(ns), "apply", "-f", "-").assertOk();
    // client-go's DeleteCollection, as the conformance test deletes
    kubectl.run("delete", "--raw", "/api/v1/namespaces/" + ns + "/limitranges?labelSelector=bounds%3Dpatched")
        .assertOk();
    assertEquals("", kubectl.run("-n", ns, "get", "limits", "-o", "name").assertOk().stdout());
    kubectl.run("-n", ns, "run", "free", "--image=nginx", "--restart=Never").assertOk();
    assertEquals("{}", getJson(kubectl, ns, "pod", "free").at("/spec/containers/0/resources").toString());
  }

  @ParameterizedTest
  @MethodSource("kubectls")
  void applyPruneWithKubectlsBuiltInListOfKindsDeletesWhatLeftTheManifest(String version) {
    Kubectl kubectl = kubectl(version);
    String ns = namespace("prune", version);
    kubectl.run("create", "namespace", ns).assertOk();
    String both = """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: kept, namespace: %s, labels: {set: prune}}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: dropped, namespace: %s, labels: {set: prune}}
        """.formatted(ns, ns);
    kubectl.runWithInput(both, "apply", "-f", "-").assertOk();
    // the built-in list walks every kind it names (PVCs, PVs, DaemonSets, StatefulSets among them)
    kubectl.runWithInput(both.substring(0, both.indexOf("---")), "apply", "--prune", "-l", "set=prune", "-f", "-")
        .assertOk().assertStdoutContains("configmap/dropped pruned");
    kubectl.run("-n", ns, "get", "configmap", "kept").assertOk();
    kubectl.run("-n", ns, "get", "configmap", "dropped").assertFailed().assertStderrContains("NotFound");
  }

  @ParameterizedTest
  @MethodSource("kubectls")
  void autoscaleMakesAnHpaThatHoldsItsDeploymentAtMinReplicas(String version) {
    Kubectl kubectl = kubectl(version);
    String ns = namespace("hpa", version);
    kubectl.run("create", "namespace", ns).assertOk();
    kubectl.run("-n", ns, "create", "deployment", "web", "--image=nginx:1.27").assertOk();
    kubectl.run("-n", ns, "autoscale", "deployment", "web", "--min=2", "--max=5", "--cpu-percent=80").assertOk()
        .assertStdoutContains("horizontalpodautoscaler.autoscaling/web autoscaled");

    PrintedTable hpas = kubectl.run("-n", ns, "get", "hpa").table();
    assertEquals(List.of("NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"), hpas.headers());
    Map<String, String> web = hpas.rowNamed("web");
    assertEquals("Deployment/web", web.get("REFERENCE"), hpas::toString);
    assertEquals("cpu: <unknown>/80%", web.get("TARGETS"), hpas::toString);
    assertEquals("2", web.get("MINPODS"), hpas::toString);
    assertEquals("5", web.get("MAXPODS"), hpas::toString);
    // the controller scales the one-replica Deployment up to minReplicas
    kubectl.run("-n", ns, "wait", "--for=jsonpath={.spec.replicas}=2", "deployment/web", "--timeout=30s").assertOk();
    kubectl.run("-n", ns, "wait", "--for=jsonpath={.status.desiredReplicas}=2", "hpa/web", "--timeout=30s")
        .assertOk();

    kubectl.runWithInput("""
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: shaped, namespace: %s}
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
          minReplicas: 2
          maxReplicas: 4
          metrics:
          - type: Resource
            resource: {name: memory, target: {type: Utilization, averageUtilization: 70}}
          behavior:
            scaleDown: {stabilizationWindowSeconds: 123}
        """.formatted(ns), "apply", "-f", "-").assertOk();
    // the full resource name: kubectl 1.32 maps "hpa.v1.autoscaling" to the preferred v2 on its own side
    JsonNode v1 = kubectl.run("-n", ns, "get", "horizontalpodautoscalers.v1.autoscaling", "shaped", "-o", "json")
        .assertOk().json();
    assertEquals("autoscaling/v1", v1.path("apiVersion").asText(), v1::toString);
    JsonNode annotations = v1.at("/metadata/annotations");
    assertTrue(annotations.path("autoscaling.alpha.kubernetes.io/behavior").asText().contains("123"), v1::toString);
    // memory has no v1 field: it rides in the metrics annotation, and no CPU target is made up
    assertTrue(annotations.path("autoscaling.alpha.kubernetes.io/metrics").asText().contains("memory"), v1::toString);
    assertFalse(v1.path("spec").has("targetCPUUtilizationPercentage"), v1::toString);
    JsonNode v2 = kubectl.run("-n", ns, "get", "hpa", "shaped", "-o", "json").assertOk().json();
    assertEquals(123, v2.at("/spec/behavior/scaleDown/stabilizationWindowSeconds").asInt(), v2::toString);

    kubectl.run("-n", ns, "delete", "hpa", "web", "shaped").assertOk();
    assertTrue(kubectl.run("-n", ns, "get", "hpa", "-o", "name").assertOk().stdout().isBlank());
    kubectl.run("delete", "namespace", ns, "--wait=false").assertOk();
  }

  @ParameterizedTest
  @MethodSource("kubectls")
  void apiResourcesAndVersionDescribeTheServer(String version) {
    Kubectl kubectl = kubectl(version);

    PrintedTable resources = kubectl.run("api-resources").table();
    Map<String, String> deployments = resources.rowNamed("deployments");
    assertEquals("deploy", deployments.get("SHORTNAMES"), resources::toString);
    assertEquals("apps/v1", deployments.get("APIVERSION"), resources::toString);
    assertEquals("Deployment", deployments.get("KIND"), resources::toString);
    // one row for the autoscaler, in its preferred version, as upstream lists it
    List<Map<String, String>> hpa = resources.rows().stream().filter(r -> "hpa".equals(r.get("SHORTNAMES"))).toList();
    assertEquals(1, hpa.size(), resources::toString);
    assertEquals("autoscaling/v2", hpa.get(0).get("APIVERSION"), resources::toString);
    assertEquals("horizontalpodautoscalers", hpa.get(0).get("NAME"), resources::toString);

    String gitVersion = Json.parse(gantry.api().get("/version").body()).path("gitVersion").asText();
    assertFalse(gitVersion.isEmpty());
    kubectl.run("version").assertOk().assertStdoutContains("Server Version").assertStdoutContains(gitVersion);
  }

  @ParameterizedTest
  @MethodSource("kubectls")
  void deleteOfTheManifestRemovesTheNamespace(String version) {
    Kubectl kubectl = kubectl(version);
    String ns = namespace("delete", version);
    apply(kubectl, V2, ns);

    kubectl.runWithInput(Manifests.load(V2, ns), "delete", "-f", "-").assertOk()
        .assertStdoutContains("namespace \"" + ns + "\" deleted")
        .assertStdoutContains("deployment.apps \"web\" deleted");

    kubectl.run("get", "namespace", ns).assertFailed()
        .assertStderrContains("(NotFound): namespaces \"" + ns + "\" not found");
    Kubectl.Result leftovers = kubectl.run("get", "deploy,svc,configmaps", "-n", ns, "-o", "name").assertOk();
    assertEquals("", leftovers.stdout(), leftovers::toString);
  }

  @Test
  void podTemplatesAreCreatedPrintedReplacedAndDeletedAsACollection() {
    Kubectl kubectl = gantry.kubectl();
    String ns = namespace("podtemplates", "path");
    kubectl.run("create", "namespace", ns).assertOk();
    for (String name : List.of("tpl-a", "tpl-b")) {
      kubectl.runWithInput("""
          apiVersion: v1
          kind: PodTemplate
          metadata: {name: %s, labels: {set: tpl}}
          template:
            metadata: {labels: {app: web}}
            spec:
              restartPolicy: Never
              containers: [{name: web, image: nginx}, {name: log, image: busybox}]
          """.formatted(name), "-n", ns, "apply", "-f", "-").assertOk();
    }
    PrintedTable table = kubectl.run("-n", ns, "get", "podtemplates").table();
    assertEquals(List.of("NAME", "CONTAINERS", "IMAGES", "POD LABELS"), table.headers());
    Map<String, String> row = table.rowNamed("tpl-a");
    assertEquals("web,log nginx,busybox app=web", row.get("CONTAINERS") + " " + row.get("IMAGES") + " "
        + row.get("POD LABELS"));
    JsonNode created = getJson(kubectl, ns, "podtemplate", "tpl-a");
    assertEquals("Never ClusterFirst 1", created.at("/template/spec/restartPolicy").asText() + " "
        + created.at("/template/spec/dnsPolicy").asText() + " " + created.at("/metadata/generation").asInt());

    // kubectl replace: a PUT of the whole object, whose template change raises the generation
    String replaced = Json.write(created).replace("\"app\":\"web\"", "\"app\":\"api\"");
    kubectl.runWithInput(replaced, "-n", ns, "replace", "-f", "-").assertOk();
    JsonNode after = getJson(kubectl, ns, "podtemplate", "tpl-a");
    assertEquals("api 2", after.at("/template/metadata/labels/app").asText() + " "
        + after.at("/metadata/generation").asInt());
    kubectl.run("-n", ns, "patch", "podtemplate", "tpl-b", "--type=merge", "-p",
        "{\"template\":{\"spec\":{\"restartPolicy\":\"Sometimes\"}}}").assertFailed()
        .assertStderrContains("template.spec.restartPolicy: Unsupported value: \"Sometimes\"");

    kubectl.run("-n", ns, "delete", "podtemplates", "-l", "set=tpl").assertOk();
    assertEquals("", kubectl.run("-n", ns, "get", "podtemplates", "-o", "name").assertOk().stdout().trim());
  }

  @Test
  void runtimeClassesAreServedAndAdmitPods() {
    Kubectl kubectl = gantry.kubectl();
    String ns = namespace("runtimeclass", "path");
    kubectl.run("create", "namespace", ns).assertOk();
    kubectl.runWithInput("""
        apiVersion: node.k8s.io/v1
        kind: RuntimeClass
        metadata: {name: wf-sandbox, labels: {set: wf-rc}}
        handler: runsc
        overhead: {podFixed: {cpu: 10m, memory: 1Mi}}
        scheduling:
          nodeSelector: {sandbox: "yes"}
          tolerations: [{key: sandbox, operator: Exists, effect: NoSchedule}]
        """, "create", "-f", "-").assertOk();
    PrintedTable table = kubectl.run("get", "runtimeclasses").table();
    assertEquals(List.of("NAME", "HANDLER", "AGE"), table.headers());
    assertEquals("runsc", table.rowNamed("wf-sandbox").get("HANDLER"), table::toString);
    kubectl.run("api-resources", "--api-group=node.k8s.io").assertOk().assertStdoutContains("runtimeclasses");
    kubectl.run("patch", "runtimeclass", "wf-sandbox", "--type=merge", "-p", "{\"handler\":\"runc\"}").assertFailed()
        .assertStderrContains("handler: Invalid value: \"runc\": field is immutable");

    kubectl.runWithInput("""
        apiVersion: v1
        kind: Pod
        metadata: {name: sandboxed}
        spec: {runtimeClassName: wf-sandbox, containers: [{name: c, image: busybox}]}
        """, "-n", ns, "create", "-f", "-").assertOk();
    JsonNode pod = getJson(kubectl, ns, "pod", "sandboxed");
    assertEquals("{\"cpu\":\"10m\",\"memory\":\"1Mi\"} {\"sandbox\":\"yes\"}",
        pod.at("/spec/overhead") + " " + pod.at("/spec/nodeSelector"));
    assertTrue(pod.at("/spec/tolerations").toString().contains("{\"effect\":\"NoSchedule\",\"key\":\"sandbox\","
        + "\"operator\":\"Exists\"}"), pod::toString);

    kubectl.run("-n", ns, "run", "nowhere", "--image=busybox", "--restart=Never",
        "--overrides={\"spec\":{\"runtimeClassName\":\"wf-missing\"}}").assertFailed()
        .assertStderrContains("pods \"nowhere\" is forbidden: pod rejected: RuntimeClass \"wf-missing\" not found");
    kubectl.run("delete", "runtimeclasses", "-l", "set=wf-rc").assertOk();
    kubectl.run("-n", ns, "run", "late", "--image=busybox", "--restart=Never",
        "--overrides={\"spec\":{\"runtimeClassName\":\"wf-sandbox\"}}").assertFailed()
        .assertStderrContains("pod rejected: RuntimeClass \"wf-sandbox\" not found");
  }

  @Test
  void storageClassesAreServedAndTheDefaultOneIsGivenToClaims() {
    Kubectl kubectl = gantry.kubectl();
    String ns = namespace("storageclass", "path");
    kubectl.run("create", "namespace", ns).assertOk();
    kubectl.runWithInput("""
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata:
          name: wf-standard
          labels: {set: wf-sc}
          annotations: {storageclass.kubernetes.io/is-default-class: "true"}
        provisioner: kubernetes.io/no-provisioner
        ---
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata: {name: wf-slow, labels: {set: wf-sc}}
        provisioner: example.com/slow
        reclaimPolicy: Retain
        volumeBindingMode: WaitForFirstConsumer
        allowVolumeExpansion: true
        """, "apply", "-f", "-").assertOk();
    // the default class is global: remove it before other tests' claims without a class are admitted
    try {
      PrintedTable table = kubectl.run("get", "sc").table();
      assertEquals(List.of("NAME", "PROVISIONER", "RECLAIMPOLICY", "VOLUMEBINDINGMODE", "ALLOWVOLUMEEXPANSION", "AGE"),
          table.headers());
      Map<String, String> standard = table.rowNamed("wf-standard (default)");
      assertEquals("kubernetes.io/no-provisioner Delete Immediate false", standard.get("PROVISIONER") + " "
          + standard.get("RECLAIMPOLICY") + " " + standard.get("VOLUMEBINDINGMODE") + " "
          + standard.get("ALLOWVOLUMEEXPANSION"), table::toString);
      Map<String, String> slow = table.rowNamed("wf-slow");
      assertEquals("Retain WaitForFirstConsumer true", slow.get("RECLAIMPOLICY") + " " + slow.get("VOLUMEBINDINGMODE")
          + " " + slow.get("ALLOWVOLUMEEXPANSION"), table::toString);
      kubectl.run("api-resources", "--api-group=storage.k8s.io").assertOk().assertStdoutContains("storageclasses")
          .assertStdoutContains("sc ");
      kubectl.run("patch", "sc", "wf-slow", "--type=merge", "-p", "{\"provisioner\":\"example.com/fast\"}")
          .assertFailed().assertStderrContains("provisioner: Forbidden: updates to provisioner are forbidden.");

      kubectl.runWithInput("""
          apiVersion: v1
          kind: PersistentVolume
          metadata: {name: wf-standard-pv}
          spec:
            storageClassName: wf-standard
            capacity: {storage: 2Gi}
            accessModes: [ReadWriteOnce]
            hostPath: {path: /srv/standard}
          ---
          apiVersion: v1
          kind: PersistentVolumeClaim
          metadata: {name: data, namespace: %s}
          spec:
            accessModes: [ReadWriteOnce]
            resources: {requests: {storage: 1Gi}}
          ---
          apiVersion: v1
          kind: PersistentVolumeClaim
          metadata: {name: classless, namespace: %s}
          spec:
            storageClassName: ""
            accessModes: [ReadWriteOnce]
            resources: {requests: {storage: 1Gi}}
          """.formatted(ns, ns), "apply", "-f", "-").assertOk();
      kubectl.run("-n", ns, "wait", "--for=jsonpath={.status.phase}=Bound", "pvc/data", "--timeout=30s").assertOk();
      Map<String, String> claim = kubectl.run("-n", ns, "get", "pvc").table().rowNamed("data");
      assertEquals("wf-standard-pv wf-standard", claim.get("VOLUME") + " " + claim.get("STORAGECLASS"));
      // "" asks for a volume without a class: kept, and the class's volume is not for it
      JsonNode classless = getJson(kubectl, ns, "pvc", "classless");
      assertEquals("\"\" Pending", classless.at("/spec/storageClassName") + " " + classless.at("/status/phase").asText());
    } finally {
      kubectl.run("delete", "sc", "-l", "set=wf-sc").assertOk();
    }
    kubectl.runWithInput("""
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: after}
        spec:
          accessModes: [ReadWriteOnce]
          resources: {requests: {storage: 1Gi}}
        """, "-n", ns, "create", "-f", "-").assertOk();
    assertTrue(getJson(kubectl, ns, "pvc", "after").at("/spec/storageClassName").isMissingNode(),
        "no default class, no class");
    // Pending claims without a class would take other tests' class-less volumes
    kubectl.run("-n", ns, "delete", "pvc", "--all").assertOk();
    kubectl.run("delete", "pv", "wf-standard-pv").assertOk();
  }

  @Test
  void priorityClassesAreServedAndGivePodsTheirValue() {
    Kubectl kubectl = gantry.kubectl();
    String ns = namespace("priorityclass", "path");
    kubectl.run("create", "namespace", ns).assertOk();
    kubectl.run("create", "priorityclass", "wf-high", "--value=1000", "--description=important",
        "--preemption-policy=Never").assertOk();
    PrintedTable table = kubectl.run("get", "pc").table();
    assertEquals(List.of("NAME", "VALUE", "GLOBAL-DEFAULT", "AGE", "PREEMPTIONPOLICY"), table.headers());
    Map<String, String> high = table.rowNamed("wf-high");
    assertEquals("1000 false Never", high.get("VALUE") + " " + high.get("GLOBAL-DEFAULT") + " "
        + high.get("PREEMPTIONPOLICY"), table::toString);
    assertEquals("2000001000", table.rowNamed("system-node-critical").get("VALUE"), table::toString);
    assertEquals("2000000000", table.rowNamed("system-cluster-critical").get("VALUE"), table::toString);

    kubectl.run("patch", "pc", "wf-high", "--type=merge", "-p", "{\"value\":5}").assertFailed()
        .assertStderrContains("value: Forbidden: may not be changed in an update.");
    kubectl.run("patch", "pc", "wf-high", "--type=merge", "-p", "{\"description\":\"vital\"}").assertOk();
    kubectl.run("create", "priorityclass", "system-mine", "--value=1").assertFailed()
        .assertStderrContains("priority class names with 'system-' prefix are reserved for system use only.");
    kubectl.run("delete", "pc", "system-node-critical").assertFailed().assertStderrContains(
        "priorityclasses.scheduling.k8s.io \"system-node-critical\" is forbidden: this is a system priority class and"
            + " cannot be deleted");

    kubectl.run("-n", ns, "run", "important", "--image=busybox", "--restart=Never",
        "--overrides={\"spec\":{\"priorityClassName\":\"wf-high\"}}").assertOk();
    JsonNode pod = getJson(kubectl, ns, "pod", "important");
    assertEquals("1000 Never", pod.at("/spec/priority").asLong() + " " + pod.at("/spec/preemptionPolicy").asText());
    kubectl.run("-n", ns, "run", "unknown", "--image=busybox", "--restart=Never",
        "--overrides={\"spec\":{\"priorityClassName\":\"wf-none\"}}").assertFailed()
        .assertStderrContains("pods \"unknown\" is forbidden: no PriorityClass with name wf-none was found");

    // a global default names itself in pods without a class; only one may exist
    kubectl.run("create", "priorityclass", "wf-default", "--value=5", "--global-default").assertOk();
    try {
      kubectl.run("create", "priorityclass", "wf-default2", "--value=6", "--global-default").assertFailed()
          .assertStderrContains("PriorityClass wf-default is already marked as default. Only one default can exist");
      kubectl.run("-n", ns, "run", "ordinary", "--image=busybox", "--restart=Never").assertOk();
      JsonNode ordinary = getJson(kubectl, ns, "pod", "ordinary");
      assertEquals("wf-default 5", ordinary.at("/spec/priorityClassName").asText() + " "
          + ordinary.at("/spec/priority").asLong());
    } finally {
      kubectl.run("delete", "pc", "wf-default", "wf-high").assertOk();
    }
    kubectl.run("-n", ns, "run", "plain", "--image=busybox", "--restart=Never").assertOk();
    assertEquals(0, getJson(kubectl, ns, "pod", "plain").at("/spec/priority").asLong(-1));

    // a DeleteCollection removes the system classes too, as upstream's; the bootstrap puts them back
    kubectl.run("delete", "--raw", "/apis/scheduling.k8s.io/v1/priorityclasses").assertOk();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String names = "";
    while (System.nanoTime() < deadline && !names.equals("system-cluster-critical system-node-critical")) {
      sleep(Duration.ofMillis(500));
      names = kubectl.run("get", "pc", "-o", "jsonpath={.items[*].metadata.name}").assertOk().stdout().trim();
    }
    assertEquals("system-cluster-critical system-node-critical", names);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private Kubectl kubectl(String version) {
    if (version.equals("path")) {
      return gantry.kubectl();
    }
    Optional<Path> binary = Kubectl.version(version);
    assumeTrue(binary.isPresent(), () -> "kubectl." + version + " is not installed next to the kubectl on PATH");
    return gantry.kubectl(binary.get());
  }

  private static String namespace(String test, String version) {
    return "wf-" + test + "-" + version.replace(".", "");
  }

  private static Kubectl.Result apply(Kubectl kubectl, String manifest, String ns) {
    return kubectl.runWithInput(Manifests.load(manifest, ns), "apply", "-f", "-").assertOk();
  }

  private static JsonNode getJson(Kubectl kubectl, String ns, String kind, String name) {
    return kubectl.run("get", kind, name, "-n", ns, "-o", "json").json();
  }

  private static List<String> containerNames(JsonNode deployment) {
    List<String> names = new ArrayList<>();
    deployment.at("/spec/template/spec/containers").forEach(container -> names.add(container.path("name").asText()));
    return names;
  }

  /** The DATA cells of every printed row for configmap {@code name} (watch output repeats rows). */
  private static List<String> dataCounts(String output, String name) {
    return output.lines()
        .map(line -> line.trim().split("\\s+"))
        .filter(cells -> cells.length >= 3 && cells[0].equals(name))
        .map(cells -> cells[1])
        .toList();
  }

  /** A KUBE_EDITOR script that replaces {@code from} by {@code to} in the file it is given. */
  private Path editorReplacing(String from, String to) throws IOException {
    Path script = Files.createTempFile(gantry.dataDir(), "editor-", ".sh");
    Files.writeString(script, "#!/bin/sh\nexec sed -i 's/" + from + "/" + to + "/' \"$1\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }
}
