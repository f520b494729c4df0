package io.gantry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.testing.GantryProcess;
import io.gantry.testing.Kubectl;
import io.gantry.testing.Poll;
import io.gantry.testing.PrintedTable;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * ServiceAccounts (the resource, the {@code default} one of every namespace, pods admitted against
 * them) and the {@code proxy} subresources of Services and Pods, with the stock kubectl against
 * {@code gantry up --network loopback} and a real {@code gantry/echo-http} pod behind a Service.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceAccountsAndProxyIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  private static final String WEB = """
      apiVersion: v1
      kind: Namespace
      metadata: {name: proxied}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: proxied, labels: {app: web}}
      spec:
        containers:
        - name: web
          image: gantry/echo-http
          ports: [{containerPort: 8080}]
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: proxied}
      spec:
        selector: {app: web}
        ports: [{name: http, port: 80, targetPort: 8080}]
      """;

  private GantryProcess gantry;
  private Kubectl kubectl;

  @BeforeAll
  void start() {
    gantry = GantryProcess.start("--nodes", "1", "--network", "loopback");
    kubectl = gantry.kubectl();
    // the namespace and its pod in one apply: the pod waits for the namespace's default ServiceAccount
    kubectl.runWithInput(WEB, "apply", "-f", "-").assertOk();
    Poll.until("web Running", WAIT, Duration.ofMillis(300), () -> "Running".equals(
        kubectl.run("-n", "proxied", "get", "pod", "web", "-o", "jsonpath={.status.phase}").stdout()),
        () -> kubectl.run("-n", "proxied", "get", "pods,endpoints"));
    Poll.until("web endpoints", WAIT, Duration.ofMillis(300), () -> !kubectl.run("-n", "proxied", "get",
        "endpoints", "web", "-o", "jsonpath={.subsets[0].addresses[0].ip}").stdout().isEmpty(),
        () -> kubectl.run("-n", "proxied", "get", "endpoints", "web", "-o", "yaml"));
  }

  @AfterAll
  void stop() {
    if (gantry != null) {
      gantry.close();
    }
  }

  @Test
  void everyNamespaceHasADefaultServiceAccountThatComesBack() {
    PrintedTable resources = kubectl.run("api-resources").table();
    assertEquals("sa", resources.rowNamed("serviceaccounts").get("SHORTNAMES"), resources::toString);
    assertEquals("ServiceAccount", resources.rowNamed("serviceaccounts").get("KIND"), resources::toString);
    String table = kubectl.run("get", "sa").assertOk().stdout();
    assertTrue(table.startsWith("NAME      SECRETS   AGE\ndefault   0 "), table);
    kubectl.run("create", "namespace", "accounts").assertOk();
    Poll.until("default ServiceAccount of a new namespace", WAIT, Duration.ofMillis(100),
        () -> kubectl.run("-n", "accounts", "get", "serviceaccount", "default").exitCode() == 0,
        () -> kubectl.run("-n", "accounts", "get", "sa"));
    String uid = kubectl.run("-n", "accounts", "get", "sa", "default", "-o", "jsonpath={.metadata.uid}").stdout();
    kubectl.run("-n", "accounts", "delete", "sa", "default").assertOk();
    Poll.until("default ServiceAccount re-created", WAIT, Duration.ofMillis(100), () -> {
      Kubectl.Result now = kubectl.run("-n", "accounts", "get", "sa", "default", "-o", "jsonpath={.metadata.uid}");
      return now.exitCode() == 0 && !now.stdout().equals(uid);
    }, () -> kubectl.run("-n", "accounts", "get", "sa"));
    kubectl.run("-n", "accounts", "create", "serviceaccount", "robot").assertOk()
        .assertStdoutContains("serviceaccount/robot created");
    assertEquals("robot", kubectl.run("-n", "accounts", "get", "sa", "robot", "-o", "jsonpath={.metadata.name}")
        .assertOk().stdout());
  }

  @Test
  void everyNamespaceHasTheClusterCaInKubeRootCaCrt() throws java.io.IOException {
    String ca = java.nio.file.Files.readString(gantry.caFile()).strip();
    kubectl.run("create", "namespace", "trusting").assertOk();
    Poll.until("kube-root-ca.crt in a new namespace", WAIT, Duration.ofMillis(100),
        () -> kubectl.run("-n", "trusting", "get", "configmap", "kube-root-ca.crt").exitCode() == 0,
        () -> kubectl.run("-n", "trusting", "get", "configmaps"));
    assertEquals(ca, kubectl.run("-n", "trusting", "get", "configmap", "kube-root-ca.crt", "-o",
        "jsonpath={.data.ca\\.crt}").assertOk().stdout().strip());
    kubectl.run("-n", "trusting", "delete", "configmap", "kube-root-ca.crt").assertOk();
    Poll.until("kube-root-ca.crt re-created", WAIT, Duration.ofMillis(100),
        () -> kubectl.run("-n", "trusting", "get", "configmap", "kube-root-ca.crt").exitCode() == 0,
        () -> kubectl.run("-n", "trusting", "get", "configmaps"));
  }

  @Test
  void podsRunAsTheirServiceAccountWhichMustExist() {
    assertEquals("default default", kubectl.run("-n", "proxied", "get", "pod", "web", "-o",
        "jsonpath={.spec.serviceAccountName} {.spec.serviceAccount}").assertOk().stdout());
    kubectl.run("create", "namespace", "admitted").assertOk();
    Kubectl.Result refused = kubectl.runWithInput("""
        apiVersion: v1
        kind: Pod
        metadata: {name: nobody, namespace: admitted}
        spec:
          serviceAccountName: nobody
          containers: [{name: main, image: gantry/probe}]
        """, "apply", "-f", "-");
    refused.assertFailed().assertStderrContains("pods \"nobody\" is forbidden: error looking up service account"
        + " admitted/nobody: serviceaccount \"nobody\" not found");
    kubectl.run("-n", "admitted", "create", "serviceaccount", "somebody").assertOk();
    kubectl.runWithInput("""
        apiVersion: v1
        kind: Pod
        metadata: {name: somebody, namespace: admitted}
        spec:
          serviceAccount: somebody
          containers: [{name: main, image: gantry/probe}]
        """, "apply", "-f", "-").assertOk();
    assertEquals("somebody", kubectl.run("-n", "admitted", "get", "pod", "somebody", "-o",
        "jsonpath={.spec.serviceAccountName}").assertOk().stdout());
    kubectl.run("-n", "admitted", "create", "deployment", "app", "--image=gantry/probe").assertOk();
    Poll.until("the Deployment's pod runs as default", WAIT, Duration.ofMillis(200), () -> "default".equals(
        kubectl.run("-n", "admitted", "get", "pods", "-l", "app=app", "-o",
            "jsonpath={.items[0].spec.serviceAccountName}").stdout()),
        () -> kubectl.run("-n", "admitted", "get", "rs,pods"));
  }

  @Test
  void getRawThroughTheServiceAndPodProxies() {
    for (String path : List.of("services/web:80/proxy/hello?x=1", "services/web:http/proxy/hello?x=1",
        "services/http:web:http/proxy/hello?x=1", "pods/web/proxy/hello?x=1", "pods/web:8080/proxy/hello?x=1")) {
      Kubectl.Result got = kubectl.run("get", "--raw", "/api/v1/namespaces/proxied/" + path).assertOk();
      got.assertStdoutContains("pod: web\n").assertStdoutContains("request: GET /hello?x=1 HTTP/1.1\n");
      assertTrue(!got.stdout().toLowerCase(java.util.Locale.ROOT).contains("authorization"), got.toString());
    }
    kubectl.run("get", "--raw", "/api/v1/namespaces/proxied/services/web:http/proxy/").assertOk()
        .assertStdoutContains("request: GET / HTTP/1.1\n");
    kubectl.run("get", "--raw", "/api/v1/namespaces/proxied/services/web:99/proxy/").assertFailed()
        .assertStderrContains("Error from server (ServiceUnavailable): no service port 99 found for service \"web\"");
  }
}
