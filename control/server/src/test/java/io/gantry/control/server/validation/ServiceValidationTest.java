package io.gantry.control.server.validation;

import static io.gantry.control.server.validation.ValidationFixtures.DNS1035_MSG;
import static io.gantry.control.server.validation.ValidationFixtures.LABEL_MSG;
import static io.gantry.control.server.validation.ValidationFixtures.create;
import static io.gantry.control.server.validation.ValidationFixtures.update;
import static io.gantry.control.server.validation.ValidationFixtures.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceValidationTest {

  private static final String NODE_PORT = """
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: default, labels: {app: web}}
      spec:
        type: NodePort
        selector: {app: web}
        externalTrafficPolicy: Local
        ports:
        - {name: http, port: 80, targetPort: 8080, nodePort: 30080, protocol: TCP}
        - {name: metrics, port: 9090, targetPort: metrics}
      """;

  private static List<String> service(String spec) {
    return create(ResourceTypes.SERVICES, "metadata: {name: web, namespace: default}\nspec:\n" + spec.indent(2));
  }

  @Test
  void theSourceRangesAnnotationIsForLoadBalancersAndHoldsCidrs() {
    String annotated = "metadata: {name: web, namespace: default, annotations:"
        + " {service.beta.kubernetes.io/load-balancer-source-ranges: '10.0.0.0/8, bad'}}\nspec: {type: ";
    String path = "metadata.annotations[service.beta.kubernetes.io/load-balancer-source-ranges]";
    assertEquals(List.of(path + ": Forbidden: may only be used when `type` is 'LoadBalancer'",
        path + ": Invalid value: \"bad\": " + NetRules.CIDR_MSG),
        create(ResourceTypes.SERVICES, annotated + "ClusterIP, ports: [{port: 80}]}"));
    assertEquals(List.of(), create(ResourceTypes.SERVICES, annotated.replace(", bad", "")
        + "LoadBalancer, ports: [{port: 80}]}"));
  }

  @Test
  void loadBalancerStatusIsCheckedAsUpstreamChecksIt() {
    String lb = "metadata: {name: lb, namespace: default}\nspec: {type: LoadBalancer, ports: [{port: 80}]}\n"
        + "status: {loadBalancer: {ingress: [";
    assertEquals(List.of(),
        create(ResourceTypes.SERVICES, lb + "{ip: 10.0.0.9, ipMode: Proxy}, {hostname: lb.example.com}]}}"));
    assertEquals(List.of("status.loadBalancer.ingress[0].ip: Invalid value: \"abc\": must be a valid IP address",
        "status.loadBalancer.ingress[0].ipMode: Unsupported value: \"Bogus\": supported values: \"Proxy\", \"VIP\"",
        "status.loadBalancer.ingress[1].ipMode: Forbidden: may not be specified when `ip` is not set",
        "status.loadBalancer.ingress[1].hostname: Invalid value: \"1.2.3.4\": must be a DNS name, not an IP address"),
        create(ResourceTypes.SERVICES, lb + "{ip: abc, ipMode: Bogus}, {hostname: 1.2.3.4, ipMode: VIP}]}}"));
  }

  @Test
  void realisticNodePortServicePasses() {
    assertEquals(List.of(), create(ResourceTypes.SERVICES, NODE_PORT));
  }

  @Test
  void portOutOfRange() {
    assertEquals(List.of("spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive"),
        service("ports: [{port: 70000}]"));
  }

  @Test
  void invalidMessageForAServiceWithABadPort() {
    List<FieldError> errs = ObjectValidator.validateCreate(ResourceTypes.SERVICES,
        yaml("metadata: {name: web, namespace: default}\nspec: {ports: [{port: 70000}]}"));
    assertEquals("Service \"web\" is invalid: spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535,"
        + " inclusive", ObjectValidator.invalidMessage("Service", "web", errs));
  }

  @Test
  void unsupportedType() {
    assertEquals(List.of("spec.type: Unsupported value: \"Foo\": supported values: \"ClusterIP\", \"ExternalName\","
        + " \"LoadBalancer\", \"NodePort\""), service("type: Foo\nports: [{port: 80}]"));
  }

  @Test
  void portsRequiredUnlessHeadlessOrExternalName() {
    assertEquals(List.of("spec.ports: Required value"), service("selector: {app: web}"));
    assertEquals(List.of(), service("clusterIP: None\nselector: {app: web}"));
    assertEquals(List.of(), service("type: ExternalName\nexternalName: db.example.com."));
  }

  @Test
  void serviceNamesAreDns1035Labels() {
    assertEquals(List.of("metadata.name: Invalid value: \"1web\": " + DNS1035_MSG),
        create(ResourceTypes.SERVICES, "metadata: {name: 1web, namespace: default}\nspec: {ports: [{port: 80}]}"));
  }

  @Test
  void protocolAndDuplicatePorts() {
    assertEquals(List.of("spec.ports[0].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\","
        + " \"UDP\""), service("ports: [{port: 80, protocol: HTTP}]"));
    assertEquals(List.of("spec.ports[1]: Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\","
        + " AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"},"
        + " NodePort:0}"), service("ports: [{name: a, port: 80}, {name: b, port: 80, protocol: TCP}]"));
    assertEquals(List.of(), service("ports: [{name: a, port: 53}, {name: b, port: 53, protocol: UDP}]"));
  }

  @Test
  void portNamesRequiredWithSeveralPortsAndUnique() {
    assertEquals(List.of("spec.ports[0].name: Required value", "spec.ports[1].name: Required value"),
        service("ports: [{port: 80}, {port: 443}]"));
    assertEquals(List.of("spec.ports[1].name: Duplicate value: \"http\""),
        service("ports: [{name: http, port: 80}, {name: http, port: 443}]"));
    assertEquals(List.of("spec.ports[0].name: Invalid value: \"Http\": " + LABEL_MSG),
        service("ports: [{name: Http, port: 80}]"));
  }

  @Test
  void targetPortIsANumberOrAnIanaName() {
    assertEquals(List.of("spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive"),
        service("ports: [{port: 80, targetPort: 0}]"));
    assertEquals(List.of("spec.ports[0].targetPort: Invalid value: \"8080\": must contain at least one letter (a-z)"),
        service("ports: [{port: 80, targetPort: \"8080\"}]"));
  }

  @Test
  void nodePortOnlyForNodePortAndLoadBalancer() {
    assertEquals(List.of("spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"),
        service("ports: [{port: 80, nodePort: 30080}]"));
    assertEquals(List.of("spec.ports[0].nodePort: Invalid value: 70000: must be between 1 and 65535, inclusive"),
        service("type: LoadBalancer\nports: [{port: 80, nodePort: 70000}]"));
    assertEquals(List.of("spec.ports[1].nodePort: Duplicate value: 30080"),
        service("type: NodePort\nports: [{name: a, port: 80, nodePort: 30080}, {name: b, port: 81, nodePort: 30080}]"));
  }

  @Test
  void clusterIPSyntax() {
    assertEquals(List.of(), service("clusterIP: 10.96.0.10\nports: [{port: 53}]"));
    assertEquals(List.of("spec.clusterIPs[0]: Invalid value: \"10.96.0.300\": must be a valid IP address,"
        + " (e.g. 10.9.8.7 or 2001:db8::ffff)"), service("clusterIP: 10.96.0.300\nports: [{port: 53}]"));
    assertEquals(List.of("spec.clusterIPs: Invalid value: []string{\"10.0.0.2\"}: first value must match `clusterIP`"),
        service("clusterIP: 10.0.0.1\nclusterIPs: [10.0.0.2]\nports: [{port: 53}]"));
    assertEquals(List.of("spec.clusterIPs: Invalid value: []string{\"10.0.0.2\"}: must be empty when `clusterIP` is not"
        + " specified"), service("clusterIPs: [10.0.0.2]\nports: [{port: 53}]"));
  }

  @Test
  void externalNameNeedsADnsName() {
    assertEquals(List.of("spec.externalName: Required value"), service("type: ExternalName"));
    assertEquals(List.of("spec.externalName: Invalid value: \"Db_host\": "
        + ValidationFixtures.SUBDOMAIN_MSG), service("type: ExternalName\nexternalName: Db_host"));
    assertEquals(List.of("spec.clusterIPs: Forbidden: may not be set for ExternalName services"),
        service("type: ExternalName\nexternalName: db.example.com\nclusterIP: 10.0.0.1"));
  }

  @Test
  void selectorLabels() {
    assertEquals(List.of("spec.selector: Invalid value: \"a b\": " + ValidationFixtures.LABEL_VALUE_MSG),
        service("selector: {app: a b}\nports: [{port: 80}]"));
  }

  @Test
  void sessionAffinity() {
    assertEquals(List.of("spec.sessionAffinity: Unsupported value: \"Cookie\": supported values: \"ClientIP\","
        + " \"None\""), service("sessionAffinity: Cookie\nports: [{port: 80}]"));
    assertEquals(List.of("spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: must be greater"
        + " than 0 and less than 86400"), service("sessionAffinity: ClientIP\nsessionAffinityConfig: {clientIP:"
        + " {timeoutSeconds: 86401}}\nports: [{port: 80}]"));
    assertEquals(List.of(), service("sessionAffinity: ClientIP\nsessionAffinityConfig: {clientIP:"
        + " {timeoutSeconds: 86400}}\nports: [{port: 80}]"));
  }

  @Test
  void trafficPolicies() {
    assertEquals(List.of("spec.externalTrafficPolicy: Invalid value: \"Local\": may only be set for"
        + " externally-accessible services"), service("externalTrafficPolicy: Local\nports: [{port: 80}]"));
    assertEquals(List.of("spec.externalTrafficPolicy: Unsupported value: \"Global\": supported values: \"Cluster\","
        + " \"Local\""), service("type: NodePort\nexternalTrafficPolicy: Global\nports: [{port: 80}]"));
    assertEquals(List.of("spec.internalTrafficPolicy: Unsupported value: \"Node\": supported values: \"Cluster\","
        + " \"Local\""), service("internalTrafficPolicy: Node\nports: [{port: 80}]"));
  }

  @Test
  void nodePortAndLoadBalancerServicesCannotBeHeadless() {
    assertEquals(List.of("spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"),
        service("type: NodePort\nclusterIP: None\nports: [{port: 80}]"));
    assertEquals(List.of("spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for LoadBalancer"
        + " services"), service("type: LoadBalancer\nclusterIP: None\nports: [{port: 80}]"));
  }

  @Test
  void loadBalancerOnlyFields() {
    assertEquals(List.of("spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'"),
        service("loadBalancerSourceRanges: [10.0.0.0/8]\nports: [{port: 80}]"));
    assertEquals(List.of("spec.LoadBalancerSourceRanges[1]: Invalid value: \"10.0.0.0/99\": must be a valid CIDR"
        + " value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"),
        service("type: LoadBalancer\nloadBalancerSourceRanges: [\" 192.168.0.0/16 \", 10.0.0.0/99]\nports: [{port: 80}]"));
    assertEquals(List.of("spec.allocateLoadBalancerNodePorts: Forbidden: may only be used when `type` is"
        + " 'LoadBalancer'"), service("type: NodePort\nallocateLoadBalancerNodePorts: true\nports: [{port: 80}]"));
    assertEquals(List.of("spec.loadBalancerClass: Forbidden: may only be used when `type` is 'LoadBalancer'"),
        service("loadBalancerClass: example.com/lb\nports: [{port: 80}]"));
    assertEquals(1, service("type: LoadBalancer\nloadBalancerClass: \"not a/qualified/name\"\nports: [{port: 80}]").size());
    assertEquals(List.of(), service("type: LoadBalancer\nallocateLoadBalancerNodePorts: false\n"
        + "loadBalancerClass: example.com/lb\nloadBalancerSourceRanges: [10.0.0.0/8]\nports: [{port: 80}]"));
  }

  @Test
  void externalIPsLoadBalancerIPAndTrafficDistribution() {
    assertEquals(List.of("spec.externalIPs[0]: Invalid value: \"0.0.0.0\": may not be unspecified (0.0.0.0)",
        "spec.externalIPs[1]: Invalid value: \"1.2.3\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"),
        service("externalIPs: [0.0.0.0, 1.2.3, 203.0.113.9]\nports: [{port: 80}]"));
    assertEquals(List.of("spec.loadBalancerIP: Invalid value: \"abc\": must be a valid IP address, (e.g. 10.9.8.7 or"
        + " 2001:db8::ffff)"), service("type: LoadBalancer\nloadBalancerIP: abc\nports: [{port: 80}]"));
    assertEquals(List.of("spec.trafficDistribution: Unsupported value: \"Nearest\": supported values: \"PreferClose\""),
        service("trafficDistribution: Nearest\nports: [{port: 80}]"));
    assertEquals(List.of(), service("trafficDistribution: PreferClose\nports: [{port: 80}]"));
  }

  @Test
  void clusterIPMayNotChangeUnlessExternalNameIsInvolved() {
    String old = "metadata: {name: web, namespace: default, uid: u1}\nspec: {clusterIP: 10.0.0.1, ports: [{port: 80}]}";
    assertEquals(List.of("spec.clusterIPs[0]: Invalid value: []string{\"10.0.0.2\"}: may not change once set"),
        update(ResourceTypes.SERVICES,
            "metadata: {name: web, namespace: default}\nspec: {clusterIP: 10.0.0.2, ports: [{port: 80}]}", old));
    assertEquals(List.of(), update(ResourceTypes.SERVICES,
        "metadata: {name: web, namespace: default}\nspec: {ports: [{port: 80}]}", old));
    assertEquals(List.of(), update(ResourceTypes.SERVICES,
        "metadata: {name: web, namespace: default}\nspec: {type: ExternalName, externalName: a.example.com}", old));
  }

  @Test
  void theClassOfALoadBalancerMayNotChange() {
    String old = "metadata: {name: web, namespace: default, uid: u1}\n"
        + "spec: {type: LoadBalancer, loadBalancerClass: example.com/a, ports: [{port: 80}]}";
    assertEquals(List.of("spec.loadBalancerClass: Invalid value: \"example.com/b\": may not change once set"),
        update(ResourceTypes.SERVICES, "metadata: {name: web, namespace: default}\n"
            + "spec: {type: LoadBalancer, loadBalancerClass: example.com/b, ports: [{port: 80}]}", old));
    assertEquals(List.of("spec.loadBalancerClass: Invalid value: (*string)(nil): may not change once set"),
        update(ResourceTypes.SERVICES, "metadata: {name: web, namespace: default}\n"
            + "spec: {type: LoadBalancer, ports: [{port: 80}]}", old));
    assertEquals(List.of(), update(ResourceTypes.SERVICES, "metadata: {name: web, namespace: default}\n"
        + "spec: {type: ClusterIP, ports: [{port: 80}]}", old));
  }

  @Test
  void metadataNameAndNamespaceAreImmutable() {
    String old = "metadata: {name: web, namespace: default, uid: u1}\nspec: {ports: [{port: 80}]}";
    assertEquals(List.of("metadata.name: Invalid value: \"web2\": field is immutable",
            "metadata.uid: Invalid value: \"u2\": field is immutable"),
        update(ResourceTypes.SERVICES, "metadata: {name: web2, namespace: default, uid: u2}\n"
            + "spec: {ports: [{port: 80}]}", old));
  }
}
