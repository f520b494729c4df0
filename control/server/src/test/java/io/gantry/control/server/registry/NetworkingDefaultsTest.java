package io.gantry.control.server.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.MutableClock;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.sqlite.SqliteStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What kube-apiserver fills in on networking objects: NetworkPolicy policyTypes, an IngressClass's
 * parameter scope, and an Ingress's class from the DefaultIngressClass admission plugin.
 */
class NetworkingDefaultsTest {

  @TempDir
  Path dir;
  private SqliteStore store;
  private ObjectRegistry registry;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-02T03:04:05Z"));

  @BeforeEach
  void open() throws ApiException {
    store = SqliteStore.open(dir.resolve("store.db"));
    registry = new ObjectRegistry(store, clock, List.of(new DefaultIngressClassAdmission(store)));
    registry.create(ResourceTypes.NAMESPACES, null, json("{\"metadata\":{\"name\":\"demo\"}}"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void egressIsAPolicyTypeOnlyWhenThereAreEgressRules() throws ApiException {
    assertEquals("[\"Ingress\"]", policyTypes("\"ingress\":[{}]"));
    assertEquals("[\"Ingress\"]", policyTypes("\"ingress\":[{}],\"egress\":[]"));
    assertEquals("[\"Ingress\"]", policyTypes("\"egress\":null"));
    assertEquals("[\"Ingress\",\"Egress\"]", policyTypes("\"egress\":[{}]"));
    assertEquals("[\"Egress\"]", policyTypes("\"egress\":[],\"policyTypes\":[\"Egress\"]"));
  }

  @Test
  void aPortWithoutProtocolGetsTcpButAnEmptyProtocolIsRefused() throws ApiException {
    ObjectNode policy = registry.create(ResourceTypes.NETWORKPOLICIES, "demo",
        json("{\"metadata\":{\"name\":\"tcp\"},\"spec\":{\"ingress\":[{\"ports\":[{\"port\":80}]}]}}"));
    assertEquals("TCP", policy.at("/spec/ingress/0/ports/0/protocol").asText());

    // a pointer upstream (SetDefaults_NetworkPolicyPort defaults nil only), so "" reaches validation
    ApiException e = assertThrows(ApiException.class, () -> registry.create(ResourceTypes.NETWORKPOLICIES, "demo",
        json("{\"metadata\":{\"name\":\"empty\"},\"spec\":{\"ingress\":[{\"ports\":[{\"port\":80,\"protocol\":\"\"}]}]}}")));
    assertEquals(422, e.code());
    assertTrue(e.getMessage().contains("spec.ingress[0].ports[0].protocol: Unsupported value: \"\""), e.getMessage());
  }

  @Test
  void aServicesEmptySelectorIsNotStored() throws ApiException {
    ObjectNode service = registry.create(ResourceTypes.SERVICES, "demo", json(
        "{\"metadata\":{\"name\":\"manual\"},\"spec\":{\"selector\":{},\"ports\":[{\"port\":80}]}}"));
    assertFalse(service.path("spec").has("selector"), service.path("spec").toString());
  }

  @Test
  void aPolicyWithoutPodSelectorGetsTheEmptyOne() throws ApiException {
    ObjectNode policy = registry.create(ResourceTypes.NETWORKPOLICIES, "demo",
        json("{\"metadata\":{\"name\":\"bare\"},\"spec\":{\"policyTypes\":[\"Egress\"]}}"));

    assertEquals("{}", policy.at("/spec/podSelector").toString());
  }

  @Test
  void ingressClassParametersDefaultToClusterScope() throws ApiException {
    ObjectNode cluster = ingressClass("params", "{\"kind\":\"Config\",\"name\":\"c\"}", false);
    assertEquals("Cluster", cluster.at("/spec/parameters/scope").asText());
    ObjectNode namespaced = ingressClass("namespaced",
        "{\"kind\":\"Config\",\"name\":\"c\",\"scope\":\"Namespace\",\"namespace\":\"demo\"}", false);
    assertEquals("Namespace", namespaced.at("/spec/parameters/scope").asText());
    assertFalse(ingressClass("plain", null, false).at("/spec").has("parameters"));
  }

  @Test
  void ingressWithoutClassGetsTheDefaultClass() throws ApiException {
    assertFalse(ingress("before", "{}").at("/spec").has("ingressClassName"));
    ingressClass("other", null, false);
    ingressClass("nginx", null, true);
    assertEquals("nginx", ingress("web", "{}").at("/spec/ingressClassName").asText());
  }

  @Test
  void anExplicitClassOrTheLegacyAnnotationIsKept() throws ApiException {
    ingressClass("nginx", null, true);
    assertEquals("haproxy", ingress("named", "{}", "\"ingressClassName\":\"haproxy\",")
        .at("/spec/ingressClassName").asText());
    ObjectNode legacy = ingress("legacy", "{\"kubernetes.io/ingress.class\":\"haproxy\"}");
    assertFalse(legacy.at("/spec").has("ingressClassName"));
  }

  @Test
  void ofSeveralDefaultClassesTheNewestWinsThenTheLowestName() throws ApiException {
    ingressClass("zeta", null, true);
    clock.advance(Duration.ofSeconds(1));
    ingressClass("beta", null, true);
    ingressClass("alpha", null, true); // same second as beta
    clock.advance(Duration.ofSeconds(1));
    ingressClass("newest-but-not-default", null, false);
    assertEquals("alpha", ingress("web", "{}").at("/spec/ingressClassName").asText());
  }

  @Test
  void updatesAreNotDefaulted() throws ApiException {
    ObjectNode created = ingress("web", "{}");
    ingressClass("nginx", null, true);
    ObjectNode updated = registry.update(ResourceTypes.INGRESSES, "demo", "web", created, null);
    assertFalse(updated.at("/spec").has("ingressClassName"));
  }

  private String policyTypes(String rules) throws ApiException {
    String name = "p" + Integer.toHexString(rules.hashCode());
    ObjectNode policy = registry.create(ResourceTypes.NETWORKPOLICIES, "demo", json(
        "{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"podSelector\":{}," + rules + "}}"));
    return Json.string(policy.at("/spec/policyTypes"));
  }

  private ObjectNode ingressClass(String name, String parameters, boolean isDefault) throws ApiException {
    String annotations = isDefault ? ",\"annotations\":{\"ingressclass.kubernetes.io/is-default-class\":\"true\"}" : "";
    String params = parameters == null ? "" : ",\"parameters\":" + parameters;
    return registry.create(ResourceTypes.INGRESSCLASSES, null, json("{\"metadata\":{\"name\":\"" + name + "\""
        + annotations + "},\"spec\":{\"controller\":\"example.com/controller\"" + params + "}}"));
  }

  private ObjectNode ingress(String name, String annotations) throws ApiException {
    return ingress(name, annotations, "");
  }

  private ObjectNode ingress(String name, String annotations, String specPrefix) throws ApiException {
    return registry.create(ResourceTypes.INGRESSES, "demo", json("{\"metadata\":{\"name\":\"" + name
        + "\",\"annotations\":" + annotations + "},\"spec\":{" + specPrefix
        + "\"defaultBackend\":{\"service\":{\"name\":\"web\",\"port\":{\"number\":80}}}}}"));
  }

  private static ObjectNode json(String text) {
    return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
  }
}
