package io.gantry.control.server.quota;

import static io.gantry.control.server.quota.QuotaFixtures.NOW;
import static io.gantry.control.server.quota.QuotaFixtures.pod;
import static io.gantry.control.server.quota.QuotaFixtures.pretty;
import static io.gantry.control.server.quota.QuotaFixtures.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.resource.ParsedQuantity;
import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** CheckRequest: which quotas a write falls under, the refusals in the plugin's words, and the new usage. */
class QuotaCheckTest {

  private static final UsageEvaluator PODS = Evaluators.forType(ResourceTypes.PODS).orElseThrow();
  private static final UsageEvaluator SERVICES = Evaluators.forType(ResourceTypes.SERVICES).orElseThrow();

  private static ObjectNode quota(String name, String hard, String used) {
    return yaml("metadata: {name: " + name + ", namespace: demo}\nspec: {hard: {" + hard + "}}\nstatus: {hard: {"
        + hard + "}, used: {" + used + "}}");
  }

  @Test
  void aCreateIsChargedToEveryMatchingQuota() throws QuotaRefusal {
    List<ObjectNode> quotas = List.of(quota("compute", "pods: '3', requests.cpu: '1'", "pods: '1', requests.cpu: 200m"),
        quota("objects", "secrets: '5'", "secrets: '0'"));
    Map<Integer, TreeMap<String, ParsedQuantity>> charged = QuotaCheck.charge(PODS, quotas,
        pod("web", "cpu: 300m, memory: 1Mi", "cpu: 300m"), null, NOW);
    assertEquals(List.of(0), List.copyOf(charged.keySet()), "the secrets quota does not count pods");
    assertEquals("pods=2,requests.cpu=500m", pretty(charged.get(0)));
  }

  @Test
  void aCreateOverTheLimitIsRefusedNamingWhatWasExceeded() {
    List<ObjectNode> quotas = List.of(quota("pods", "pods: '2', requests.cpu: '1'", "pods: '2', requests.cpu: 900m"));
    QuotaRefusal refusal = assertThrows(QuotaRefusal.class,
        () -> QuotaCheck.charge(PODS, quotas, pod("web", "cpu: 300m", "cpu: 300m"), null, NOW));
    assertEquals("exceeded quota: pods, requested: pods=1,requests.cpu=300m, used: pods=2,requests.cpu=900m,"
        + " limited: pods=2,requests.cpu=1", refusal.getMessage());
  }

  @Test
  void aPodWithoutTheLimitedComputeResourcesIsRefused() {
    List<ObjectNode> quotas = List.of(quota("compute", "limits.memory: 1Gi", "limits.memory: '0'"));
    QuotaRefusal refusal = assertThrows(QuotaRefusal.class,
        () -> QuotaCheck.charge(PODS, quotas, pod("web", "cpu: 100m", "cpu: 100m"), null, NOW));
    assertEquals("failed quota: compute: must specify limits.memory for: c0", refusal.getMessage());
  }

  @Test
  void aQuotaNotYetCountedBindsNothingButUnknownUsageRefuses() throws QuotaRefusal {
    ObjectNode fresh = yaml("metadata: {name: fresh}\nspec: {hard: {pods: '1'}}\nstatus: {}");
    assertEquals(Map.of(), QuotaCheck.charge(PODS, List.of(fresh), pod("web", "cpu: 1m", "cpu: 1m"), null, NOW));
    ObjectNode partial = quota("partial", "pods: '1', requests.cpu: '1'", "pods: '0'");
    QuotaRefusal refusal = assertThrows(QuotaRefusal.class,
        () -> QuotaCheck.charge(PODS, List.of(partial), pod("web", "cpu: 1m", "cpu: 1m"), null, NOW));
    assertEquals("status unknown for quota: partial, resources: pods,requests.cpu", refusal.getMessage(),
        "as upstream, every resource the quota restricts is named");
  }

  @Test
  void scopedQuotasChargeOnlyThePodsInTheirScope() throws QuotaRefusal {
    ObjectNode terminating = yaml("metadata: {name: t}\nspec: {hard: {pods: '1'}, scopes: [Terminating]}\n"
        + "status: {hard: {pods: '1'}, used: {pods: '1'}}");
    assertEquals(Map.of(), QuotaCheck.charge(PODS, List.of(terminating), pod("long-running", "cpu: 1m", "cpu: 1m"),
        null, NOW));
    ObjectNode job = pod("job", "cpu: 1m", "cpu: 1m");
    job.withObjectProperty("spec").put("activeDeadlineSeconds", 30);
    assertThrows(QuotaRefusal.class, () -> QuotaCheck.charge(PODS, List.of(terminating), job, null, NOW));
  }

  @Test
  void anUpdateIsChargedOnlyWhatItAdds() throws QuotaRefusal {
    List<ObjectNode> quotas = List.of(quota("lb", "services: '5', services.loadbalancers: '1', services.nodeports: '2'",
        "services: '1', services.loadbalancers: '0', services.nodeports: '0'"));
    ObjectNode clusterIp = yaml("spec: {type: ClusterIP, ports: [{port: 80}]}");
    ObjectNode loadBalancer = yaml("spec: {type: LoadBalancer, ports: [{port: 80}]}");
    assertEquals("services=1,services.loadbalancers=1,services.nodeports=1",
        pretty(QuotaCheck.charge(SERVICES, quotas, loadBalancer, clusterIp, NOW).get(0)));
    assertEquals(Map.of(), QuotaCheck.charge(SERVICES, quotas, clusterIp, loadBalancer, NOW),
        "a release is not credited: the controller recounts");
    assertEquals(Map.of(), QuotaCheck.charge(PODS, quotas, pod("a", "cpu: 1m", "cpu: 1m"),
        pod("a", "cpu: 1m", "cpu: 1m"), NOW), "pods are charged on create only");
  }
}
