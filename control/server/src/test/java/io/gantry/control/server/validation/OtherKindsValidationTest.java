package io.gantry.control.server.validation;

import static io.gantry.control.server.validation.ValidationFixtures.create;
import static io.gantry.control.server.validation.ValidationFixtures.update;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** EndpointSlice, Namespace, Node, Lease, Event and Endpoints. */
class OtherKindsValidationTest {

  private static final String SLICE = """
      apiVersion: discovery.k8s.io/v1
      kind: EndpointSlice
      metadata: {name: web-abc12, namespace: default, labels: {kubernetes.io/service-name: web}}
      addressType: IPv4
      endpoints:
      - addresses: [10.244.1.5]
        conditions: {ready: true}
        nodeName: node-1
      ports:
      - {name: http, port: 8080, protocol: TCP}
      """;

  private static List<String> slice(String body) {
    return create(ResourceTypes.ENDPOINTSLICES, "metadata: {name: s, namespace: default}\n" + body);
  }

  @Test
  void realisticEndpointSlicePasses() {
    assertEquals(List.of(), create(ResourceTypes.ENDPOINTSLICES, SLICE));
  }

  @Test
  void addressTypes() {
    assertEquals(List.of("addressType: Required value"), slice("endpoints: []"));
    assertEquals(List.of("addressType: Unsupported value: \"IP\": supported values: \"FQDN\", \"IPv4\", \"IPv6\""),
        slice("addressType: IP"));
    assertEquals(List.of("endpoints[0].addresses[0]: Invalid value: \"fd00::1\": must be a valid IPv4 address"),
        slice("addressType: IPv4\nendpoints: [{addresses: [\"fd00::1\"]}]"));
    assertEquals(List.of(), slice("addressType: IPv6\nendpoints: [{addresses: [\"fd00::1\"]}]"));
    assertEquals(List.of("endpoints[0].addresses[0]: Invalid value: \"::1\": may not be in the loopback range"
        + " (127.0.0.0/8, ::1/128)"), slice("addressType: IPv6\nendpoints: [{addresses: [\"::1\"]}]"));
    // Gantry's pod network is inside 127.0.0.0/8, so IPv4 loopback pod IPs are valid endpoints.
    assertEquals(List.of(), slice("addressType: IPv4\nendpoints: [{addresses: [127.244.0.5]}]"));
    assertEquals(List.of("endpoints[0].addresses[0]: Invalid value: \"localhost\": should be a domain with at least"
        + " two segments separated by dots"), slice("addressType: FQDN\nendpoints: [{addresses: [localhost]}]"));
    assertEquals(List.of("endpoints[0].addresses: Required value: must contain at least 1 address"),
        slice("addressType: IPv4\nendpoints: [{addresses: []}]"));
  }

  @Test
  void atMostAThousandEndpoints() {
    String endpoints = "{addresses: [10.0.0.1]}, ".repeat(1001);
    assertEquals(List.of("endpoints: Too many: 1001: must have at most 1000 items"),
        slice("addressType: IPv4\nendpoints: [" + endpoints + "]"));
  }

  @Test
  void slicePorts() {
    assertEquals(List.of("ports[1].name: Duplicate value: \"http\"", "ports[1].protocol: Unsupported value: \"HTTP\":"
        + " supported values: \"SCTP\", \"TCP\", \"UDP\""),
        slice("addressType: IPv4\nports: [{name: http, port: 80}, {name: http, port: 81, protocol: HTTP}]"));
  }

  @Test
  void anEmptySlicePortProtocolIsAValueNotAnAbsence() {
    assertEquals(List.of("ports[0].protocol: Unsupported value: \"\": supported values: \"SCTP\", \"TCP\", \"UDP\""),
        slice("addressType: IPv4\nports: [{name: http, port: 80, protocol: ''}]"));
  }

  @Test
  void addressTypeIsImmutable() {
    assertEquals(List.of("addressType: Invalid value: \"IPv6\": field is immutable"),
        update(ResourceTypes.ENDPOINTSLICES, SLICE.replace("addressType: IPv4", "addressType: IPv6")
            .replace("10.244.1.5", "\"fd00::5\""), SLICE));
  }

  @Test
  void namespacesAndNodes() {
    assertEquals(List.of(), create(ResourceTypes.NAMESPACES, "metadata: {name: team-a}\nspec: {finalizers: [kubernetes]}"));
    assertEquals(List.of(), create(ResourceTypes.NODES, "metadata: {name: node-1.example.com}\nspec: {podCIDR:"
        + " 10.244.1.0/24, taints: [{key: node-role.kubernetes.io/control-plane, effect: NoSchedule}]}"));
    assertEquals(List.of("spec.taints[0].effect: Unsupported value: \"Never\": supported values: \"NoSchedule\","
        + " \"PreferNoSchedule\", \"NoExecute\""), create(ResourceTypes.NODES, "metadata: {name: n}\n"
        + "spec: {taints: [{key: a, effect: Never}]}"));
    assertEquals(List.of("spec.podCIDR: Invalid value: \"10.244.1.0\": must be a valid CIDR value, (e.g. 10.9.8.0/24"
        + " or 2001:db8::/64)"), create(ResourceTypes.NODES, "metadata: {name: n}\nspec: {podCIDR: 10.244.1.0}"));
  }

  @Test
  void leases() {
    assertEquals(List.of(), create(ResourceTypes.LEASES, "metadata: {name: kube-scheduler, namespace: kube-system}\n"
        + "spec: {holderIdentity: a, leaseDurationSeconds: 15, leaseTransitions: 0}"));
    assertEquals(List.of("spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0"),
        create(ResourceTypes.LEASES, "metadata: {name: l, namespace: default}\nspec: {leaseDurationSeconds: 0}"));
  }

  @Test
  void events() {
    assertEquals(List.of(), create(ResourceTypes.EVENTS, "metadata: {name: web-0.17a, namespace: default}\n"
        + "involvedObject: {kind: Pod, name: web-0, namespace: default}\nreason: Pulled\ntype: Normal"));
    assertEquals(List.of("involvedObject.namespace: Invalid value: \"other\": does not match event.namespace"),
        create(ResourceTypes.EVENTS, "metadata: {name: e, namespace: default}\n"
            + "involvedObject: {kind: Pod, name: web-0, namespace: other}"));
    // new-style core/v1 events: legacyValidateEvent asks for a reason and bounds the fields, not the type
    String newStyle = "metadata: {name: e, namespace: default}\ninvolvedObject: {namespace: default}\n"
        + "eventTime: \"2024-01-01T00:00:00.000000Z\"\nreportingComponent: ctl\nreportingInstance: i\naction: A\n";
    assertEquals(List.of(), create(ResourceTypes.EVENTS, newStyle + "reason: R"));
    assertEquals(List.of("reason: Required value"), create(ResourceTypes.EVENTS, newStyle + "type: Normal"));
    assertEquals(List.of("message: Invalid value: \"\": can have at most 1024 characters"),
        create(ResourceTypes.EVENTS, newStyle + "reason: R\nmessage: " + "m".repeat(1025)));
  }

  @Test
  void endpoints() {
    assertEquals(List.of("subsets[0].addresses[0].ip: Invalid value: \"web\": must be a valid IP address, (e.g."
        + " 10.9.8.7 or 2001:db8::ffff)"), create(ResourceTypes.ENDPOINTS, "metadata: {name: web, namespace: default}\n"
        + "subsets: [{addresses: [{ip: web}], ports: [{port: 80}]}]"));
    assertEquals(List.of("subsets[0].ports[0].name: Required value", "subsets[0].ports[1].name: Required value"),
        endpoints("subsets: [{addresses: [{ip: 10.0.0.1}], ports: [{port: 80}, {port: 81}]}]"));
    assertEquals(List.of("subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`"),
        endpoints("subsets: [{ports: [{port: 80}]}]"));
    assertEquals(List.of("subsets[0].notReadyAddresses[0].ip: Invalid value: \"169.254.1.1\": may not be in the"
        + " link-local range (169.254.0.0/16, fe80::/10)", "subsets[0].notReadyAddresses[0].hostname: Invalid value:"
        + " \"A_b\": " + ValidationFixtures.LABEL_MSG),
        endpoints("subsets: [{notReadyAddresses: [{ip: 169.254.1.1, hostname: A_b}], ports: [{port: 80}]}]"));
    assertEquals(List.of("subsets[0].addresses[0].nodeName: Invalid value: \"Node_1\": " + ValidationFixtures.SUBDOMAIN_MSG),
        endpoints("subsets: [{addresses: [{ip: 10.0.0.1, nodeName: Node_1}]}]"));
    assertEquals(List.of(), endpoints("subsets: [{addresses: [{ip: 127.244.0.5, hostname: db-0, nodeName: node-1}],"
        + " ports: [{name: a, port: 80}, {name: b, port: 81}]}]"));
  }

  private static List<String> endpoints(String body) {
    return create(ResourceTypes.ENDPOINTS, "metadata: {name: web, namespace: default}\n" + body);
  }
}
