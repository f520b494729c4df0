package io.gantry.control.server.validation;

import static io.gantry.control.server.validation.ValidationFixtures.create;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkPolicyValidationTest {

  private static final String POLICY = """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: db, namespace: prod}
      spec:
        podSelector: {matchLabels: {role: db}}
        policyTypes: [Ingress, Egress]
        ingress:
        - from:
          - ipBlock: {cidr: 172.17.0.0/16, except: [172.17.1.0/24]}
          - namespaceSelector: {matchLabels: {project: shop}}
            podSelector: {matchLabels: {role: frontend}}
          ports:
          - {protocol: TCP, port: 6379}
          - {protocol: TCP, port: 32000, endPort: 32768}
        egress:
        - to: [{ipBlock: {cidr: "2001:db8::/32"}}]
          ports: [{port: dns, protocol: UDP}]
      """;

  private static List<String> policy(String spec) {
    return create(ResourceTypes.NETWORKPOLICIES, "metadata: {name: p, namespace: prod}\nspec:\n" + spec.indent(2));
  }

  @Test
  void realisticPolicyPasses() {
    assertEquals(List.of(), create(ResourceTypes.NETWORKPOLICIES, POLICY));
  }

  @Test
  void emptyPodSelectorSelectsAllPods() {
    assertEquals(List.of(), policy("podSelector: {}\npolicyTypes: [Ingress]"));
  }

  @Test
  void policyTypes() {
    assertEquals(List.of("spec.policyTypes[0]: Unsupported value: \"Both\": supported values: \"Ingress\","
        + " \"Egress\""), policy("podSelector: {}\npolicyTypes: [Both]"));
    assertEquals(List.of("spec.policyTypes: Invalid value: []networking.PolicyType{\"Ingress\", \"Egress\", \"Ingress\"}:"
        + " may not"
        + " specify more than two policyTypes"), policy("podSelector: {}\npolicyTypes: [Ingress, Egress, Ingress]"));
  }

  @Test
  void peersNeedExactlyOneKind() {
    assertEquals(List.of("spec.ingress[0].from[0]: Required value: must specify a peer"),
        policy("podSelector: {}\ningress: [{from: [{}]}]"));
    assertEquals(List.of("spec.ingress[0].from[0]: Forbidden: may not specify both ipBlock and another peer"),
        policy("podSelector: {}\ningress: [{from: [{ipBlock: {cidr: 10.0.0.0/8}, podSelector: {}}]}]"));
  }

  @Test
  void ipBlocks() {
    assertEquals(List.of("spec.ingress[0].from[0].ipBlock.cidr: Invalid value: \"10.0.0.0/40\": must be a valid CIDR"
        + " value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"),
        policy("podSelector: {}\ningress: [{from: [{ipBlock: {cidr: 10.0.0.0/40}}]}]"));
    assertEquals(List.of("spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: \"10.0.0.0/8\": must be a strict"
        + " subset of `cidr`", "spec.ingress[0].from[0].ipBlock.except[1]: Invalid value: \"192.168.0.0/24\": must be"
        + " a strict subset of `cidr`"), policy("podSelector: {}\ningress: [{from: [{ipBlock: {cidr: 10.0.0.0/8,"
        + " except: [10.0.0.0/8, 192.168.0.0/24]}}]}]"));
    assertEquals(List.of("spec.egress[0].to[0].ipBlock.cidr: Required value"),
        policy("podSelector: {}\negress: [{to: [{ipBlock: {}}]}]"));
  }

  @Test
  void ports() {
    assertEquals(List.of("spec.ingress[0].ports[0].protocol: Unsupported value: \"ICMP\": supported values: \"TCP\","
        + " \"UDP\", \"SCTP\""), policy("podSelector: {}\ningress: [{ports: [{protocol: ICMP}]}]"));
    assertEquals(List.of("spec.ingress[0].ports[0].endPort: Invalid value: 8080: must be greater than or equal to"
        + " `port`"), policy("podSelector: {}\ningress: [{ports: [{port: 8080, endPort: 80}]}]"));
    assertEquals(List.of("spec.ingress[0].ports[0].endPort: Invalid value: 9000: may not be specified when `port` is"
        + " non-numeric"), policy("podSelector: {}\ningress: [{ports: [{port: http, endPort: 9000}]}]"));
    assertEquals(List.of("spec.ingress[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive"),
        policy("podSelector: {}\ningress: [{ports: [{port: 0}]}]"));
  }

  @Test
  void peerSelectorsAreValidated() {
    assertEquals(List.of("spec.ingress[0].from[0].namespaceSelector.matchExpressions[0].values: Required value: must"
        + " be specified when `operator` is 'In' or 'NotIn'"), policy("podSelector: {}\ningress: [{from:"
        + " [{namespaceSelector: {matchExpressions: [{key: team, operator: NotIn}]}}]}]"));
  }
}
