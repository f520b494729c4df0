package io.gantry.control.server.validation;

import static io.gantry.control.server.validation.ValidationFixtures.SUBDOMAIN_MSG;
import static io.gantry.control.server.validation.ValidationFixtures.create;
import static io.gantry.control.server.validation.ValidationFixtures.update;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

class IngressValidationTest {

  private static final String INGRESS = """
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: {name: shop, namespace: default}
      spec:
        ingressClassName: nginx
        tls:
        - hosts: [shop.example.com, "*.shop.example.com"]
          secretName: shop-tls
        rules:
        - host: shop.example.com
          http:
            paths:
            - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
            - {path: /api, pathType: Exact, backend: {service: {name: api, port: {name: http}}}}
        - host: "*.shop.example.com"
          http:
            paths:
            - {pathType: ImplementationSpecific, backend: {resource: {apiGroup: k8s.example.com, kind: Bucket,
               name: assets}}}
      """;

  private static List<String> ingress(String spec) {
    return create(ResourceTypes.INGRESSES, "metadata: {name: shop, namespace: default}\nspec:\n" + spec.indent(2));
  }

  private static String path(String path) {
    return "rules: [{host: a.example.com, http: {paths: [" + path + "]}}]";
  }

  private static final String BACKEND = "backend: {service: {name: web, port: {number: 80}}}";

  @Test
  void realisticIngressWithTwoPathsAndTlsPasses() {
    assertEquals(List.of(), create(ResourceTypes.INGRESSES, INGRESS));
  }

  @Test
  void loadBalancerStatusNamesAddressesAndHostnamesProperly() {
    String ingress = "metadata: {name: web, namespace: default}\nspec: {defaultBackend: {service: {name: web,"
        + " port: {number: 80}}}}\nstatus: {loadBalancer: {ingress: [";
    assertEquals(List.of(), create(ResourceTypes.INGRESSES, ingress + "{ip: 10.0.0.7}, {hostname: lb.example.com}]}}"));
    assertEquals(List.of("status.loadBalancer.ingress[0].ip: Invalid value: \"300.1.1.1\": must be a valid IP address",
        "status.loadBalancer.ingress[1].hostname: Invalid value: \"1.2.3.4\": must be a DNS name, not an IP address"),
        create(ResourceTypes.INGRESSES, ingress + "{ip: 300.1.1.1}, {hostname: 1.2.3.4}]}}"));
    assertEquals(List.of("status.loadBalancer.ingress[0].hostname: Invalid value: \"Bad_Host\": " + SUBDOMAIN_MSG),
        create(ResourceTypes.INGRESSES, ingress + "{hostname: Bad_Host}]}}"));
  }

  @Test
  void rulesOrDefaultBackendRequired() {
    assertEquals(List.of("spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must"
        + " be specified"), ingress("ingressClassName: nginx"));
    assertEquals(List.of("spec: Invalid value: []networking.IngressRule{}: either `defaultBackend` or `rules` must"
        + " be specified"), ingress("rules: []"));
    assertEquals(List.of(), ingress("defaultBackend: {service: {name: web, port: {number: 80}}}"));
  }

  @Test
  void hosts() {
    assertEquals(List.of("spec.rules[0].host: Invalid value: \"Shop.example.com\": " + SUBDOMAIN_MSG),
        ingress("rules: [{host: Shop.example.com}]"));
    assertEquals(List.of("spec.rules[0].host: Invalid value: \"10.0.0.1\": must be a DNS name, not an IP address"),
        ingress("rules: [{host: 10.0.0.1}]"));
    assertEquals(List.of("spec.rules[0].host: Invalid value: \"*.*.example.com\": a wildcard DNS-1123 subdomain must"
        + " start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric"
        + " characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for"
        + " validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"),
        ingress("rules: [{host: \"*.*.example.com\"}]"));
  }

  @Test
  void pathTypeRequiredAndSupported() {
    assertEquals(List.of("spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified"),
        ingress(path("{path: /, " + BACKEND + "}")));
    assertEquals(List.of("spec.rules[0].http.paths[0].pathType: Unsupported value: \"Regex\": supported values:"
        + " \"Exact\", \"ImplementationSpecific\", \"Prefix\""), ingress(path("{path: /, pathType: Regex, "
        + BACKEND + "}")));
    assertEquals(List.of("spec.rules[0].http.paths: Required value"),
        ingress("rules: [{host: a.example.com, http: {paths: []}}]"));
  }

  @Test
  void pathsMustBeAbsoluteAndClean() {
    assertEquals(List.of("spec.rules[0].http.paths[0].path: Invalid value: \"api\": must be an absolute path"),
        ingress(path("{path: api, pathType: Prefix, " + BACKEND + "}")));
    assertEquals(List.of("spec.rules[0].http.paths[0].path: Invalid value: \"/a//b\": must not contain '//'"),
        ingress(path("{path: /a//b, pathType: Exact, " + BACKEND + "}")));
    assertEquals(List.of("spec.rules[0].http.paths[0].path: Invalid value: \"/a/..\": cannot end with '/..'"),
        ingress(path("{path: /a/.., pathType: Prefix, " + BACKEND + "}")));
  }

  @Test
  void backends() {
    assertEquals(List.of("spec.rules[0].http.paths[0].backend: Invalid value: \"\": cannot set both port name & port"
        + " number"), ingress(path("{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80,"
        + " name: http}}}}")));
    assertEquals(List.of("spec.rules[0].http.paths[0].backend: Required value: port name or number is required"),
        ingress(path("{path: /, pathType: Prefix, backend: {service: {name: web, port: {}}}}")));
    assertEquals(List.of("spec.rules[0].http.paths[0].backend.service.name: Required value"),
        ingress(path("{path: /, pathType: Prefix, backend: {service: {port: {number: 80}}}}")));
    assertEquals(List.of("spec.rules[0].http.paths[0].backend.service.port.number: Invalid value: 70000: must be"
        + " between 1 and 65535, inclusive"), ingress(path("{path: /, pathType: Prefix, backend: {service: {name: web,"
        + " port: {number: 70000}}}}")));
    assertEquals(List.of("spec.rules[0].http.paths[0].backend: Invalid value: \"\": resource or service backend is"
        + " required"), ingress(path("{path: /, pathType: Prefix, backend: {}}")));
    assertEquals(List.of("spec.rules[0].http.paths[0].backend: Invalid value: \"\": cannot set both resource and"
        + " service backends"), ingress(path("{path: /, pathType: Prefix, backend: {service: {name: web, port:"
        + " {number: 80}}, resource: {kind: Bucket, name: b}}}")));
    assertEquals(List.of("spec.defaultBackend.resource.kind: Required value: kind is required"),
        ingress("defaultBackend: {resource: {name: b}}"));
  }

  @Test
  void tlsHosts() {
    assertEquals(List.of("spec.tls[0].hosts[0]: Invalid value: \"Bad_Host\": " + SUBDOMAIN_MSG),
        ingress("defaultBackend: {service: {name: web, port: {number: 80}}}\ntls: [{hosts: [Bad_Host]}]"));
  }

  @Test
  void ingressClassControllerIsADomainPrefixedPathAndImmutable() {
    String ok = "metadata: {name: nginx}\nspec: {controller: k8s.io/ingress-nginx}";
    assertEquals(List.of(), create(ResourceTypes.INGRESSCLASSES, ok));
    assertEquals(List.of("spec.controller: Invalid value: \"nginx\": must be a domain-prefixed path (such as"
        + " \"acme.io/foo\")"), create(ResourceTypes.INGRESSCLASSES, "metadata: {name: nginx}\nspec: {controller:"
        + " nginx}"));
    assertEquals(List.of("spec.controller: Invalid value: \"example.com/other\": field is immutable"),
        update(ResourceTypes.INGRESSCLASSES, ok.replace("k8s.io/ingress-nginx", "example.com/other"), ok));
  }

  @Test
  void ingressClassErrorsComeInUpstreamsOrder() {
    // validateIngressClassSpec: the controller, then the parameters
    assertEquals(List.of("spec.controller: Required value", "spec.parameters.kind: Required value: kind is required",
        "spec.parameters.name: Required value: name is required"),
        create(ResourceTypes.INGRESSCLASSES, "metadata: {name: nginx}\nspec: {parameters: {scope: Cluster}}"));
    // ValidateIngressClassUpdate: the immutable controller before the object's own checks
    String ok = "metadata: {name: nginx}\nspec: {controller: k8s.io/ingress-nginx}";
    assertEquals(List.of("spec.controller: Invalid value: \"example.com/other\": field is immutable",
        "spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'"),
        update(ResourceTypes.INGRESSCLASSES, "metadata: {name: nginx}\nspec: {controller: example.com/other,"
            + " parameters: {kind: Config, name: c, scope: Namespace}}", ok));
  }

  @Test
  void legacyClassAnnotationMustMatchTheClassNameOnCreate() {
    String both = "metadata: {name: shop, namespace: default, annotations: {kubernetes.io/ingress.class: %s}}\n"
        + "spec: {ingressClassName: nginx, defaultBackend: {service: {name: web, port: {number: 80}}}}";
    assertEquals(List.of("annotations.kubernetes.io/ingress.class: Invalid value: \"haproxy\": must match"
        + " `ingressClassName` when both are specified"), create(ResourceTypes.INGRESSES, both.formatted("haproxy")));
    assertEquals(List.of(), create(ResourceTypes.INGRESSES, both.formatted("nginx")));
    // upstream checks it on create only, so existing objects can still be updated
    assertEquals(List.of(), update(ResourceTypes.INGRESSES, both.formatted("haproxy"), both.formatted("haproxy")));
  }

  @Test
  void ingressClassParametersAreATypedReferenceWithAScope() {
    String head = "metadata: {name: nginx}\nspec: {controller: k8s.io/ingress-nginx, parameters: %s}";
    assertEquals(List.of(), create(ResourceTypes.INGRESSCLASSES,
        head.formatted("{apiGroup: k8s.example.com, kind: Config, name: c, scope: Cluster}")));
    assertEquals(List.of(), create(ResourceTypes.INGRESSCLASSES,
        head.formatted("{kind: Config, name: c, scope: Namespace, namespace: team-a}")));
    assertEquals(List.of("spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'"),
        create(ResourceTypes.INGRESSCLASSES, head.formatted("{kind: Config, name: c, scope: Namespace}")));
    assertEquals(List.of("spec.parameters.namespace: Forbidden: `parameters.scope` is set to 'Cluster'"),
        create(ResourceTypes.INGRESSCLASSES, head.formatted("{kind: Config, name: c, scope: Cluster, namespace: a}")));
    assertEquals(List.of("spec.parameters.scope: Unsupported value: \"Global\": supported values: \"Cluster\","
        + " \"Namespace\""), create(ResourceTypes.INGRESSCLASSES, head.formatted("{kind: Config, name: c, scope: Global}")));
    assertEquals(List.of("spec.parameters.kind: Required value: kind is required",
        "spec.parameters.name: Invalid value: \"a/b%c\": may not contain '/'",
        "spec.parameters.name: Invalid value: \"a/b%c\": may not contain '%'"),
        create(ResourceTypes.INGRESSCLASSES, head.formatted("{name: a/b%c, scope: Cluster}")));
  }
}
