package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.regex.Pattern;

/** Ingress and IngressClass specs (upstream networking validation). */
final class IngressValidation {

  static final List<String> PATH_TYPES = List.of("Exact", "ImplementationSpecific", "Prefix");
  private static final List<String> INVALID_SEQUENCES = List.of("//", "/./", "/../", "%2f", "%2F");
  private static final List<String> INVALID_SUFFIXES = List.of("/..", "/.");
  private static final String HTTP_PATH_FMT = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";
  private static final Pattern HTTP_PATH = Pattern.compile(HTTP_PATH_FMT);
  private static final int MAX_CONTROLLER_LENGTH = 250;
  private static final FieldPath SPEC = FieldPath.root("spec");
  private static final String LEGACY_CLASS = "kubernetes.io/ingress.class";
  private static final List<String> PARAMETER_SCOPES = List.of("Cluster", "Namespace");

  private IngressValidation() {}

  static void validateIngress(JsonNode ingress, List<FieldError> errs) {
    JsonNode spec = Nodes.field(ingress, "spec");
    List<JsonNode> rules = Nodes.list(spec, "rules");
    JsonNode defaultBackend = Nodes.field(spec, "defaultBackend");
    if (rules.isEmpty() && defaultBackend.isMissingNode()) {
      // Go prints an empty list decoded from [] as {}, an absent or null one as (nil)
      String literal = Nodes.field(spec, "rules").isArray() ? "[]networking.IngressRule{}" : "[]networking.IngressRule(nil)";
      errs.add(FieldError.invalid(SPEC, new GoLiteral(literal),
          "either `defaultBackend` or `rules` must be specified"));
    }
    if (!defaultBackend.isMissingNode()) {
      backend(defaultBackend, SPEC.child("defaultBackend"), errs);
    }
    for (int i = 0; i < rules.size(); i++) {
      rule(rules.get(i), SPEC.child("rules").index(i), errs);
    }
    List<JsonNode> tls = Nodes.list(spec, "tls");
    for (int t = 0; t < tls.size(); t++) {
      FieldPath path = SPEC.child("tls").index(t);
      List<String> hosts = Nodes.strings(Nodes.field(tls.get(t), "hosts"));
      for (int i = 0; i < hosts.size(); i++) {
        host(hosts.get(i), path.child("hosts").index(i), errs);
      }
      String secret = Nodes.text(tls.get(t), "secretName", "");
      if (!secret.isEmpty()) {
        NameRules.dns1123Subdomain(secret).forEach(m -> errs.add(FieldError.invalid(path.child("secretName"), secret, m)));
      }
    }
    String className = Nodes.text(spec, "ingressClassName");
    if (className != null) {
      NameRules.dns1123Subdomain(className)
          .forEach(m -> errs.add(FieldError.invalid(SPEC.child("ingressClassName"), className, m)));
    }
  }

  /**
   * What upstream checks only when an Ingress is created: the legacy class annotation, when set
   * beside {@code spec.ingressClassName}, must name the same class.
   */
  static void validateIngressCreate(JsonNode ingress, List<FieldError> errs) {
    String annotation = Nodes.text(Nodes.field(Nodes.field(ingress, "metadata"), "annotations"), LEGACY_CLASS);
    String className = Nodes.text(Nodes.field(ingress, "spec"), "ingressClassName");
    if (annotation != null && className != null && !annotation.equals(className)) {
      errs.add(FieldError.invalid(FieldPath.root("annotations").child(LEGACY_CLASS), annotation,
          "must match `ingressClassName` when both are specified"));
    }
  }

  /** The controller, then the parameters, in upstream's order. */
  static void validateIngressClass(JsonNode ingressClass, List<FieldError> errs) {
    JsonNode spec = Nodes.field(ingressClass, "spec");
    controller(spec, errs);
    JsonNode parameters = Nodes.field(spec, "parameters");
    if (!parameters.isMissingNode() && !parameters.isNull()) {
      parameters(parameters, SPEC.child("parameters"), errs);
    }
  }

  private static void controller(JsonNode spec, List<FieldError> errs) {
    String controller = Nodes.text(spec, "controller", "");
    FieldPath path = SPEC.child("controller");
    if (controller.length() > MAX_CONTROLLER_LENGTH) {
      errs.add(FieldError.tooLong(path, MAX_CONTROLLER_LENGTH));
    }
    if (controller.isEmpty()) {
      errs.add(FieldError.required(path, ""));
      return;
    }
    String[] segments = controller.split("/", 2);
    if (segments.length != 2 || segments[0].isEmpty() || segments[1].isEmpty()) {
      errs.add(FieldError.invalid(path, controller, "must be a domain-prefixed path (such as \"acme.io/foo\")"));
      return;
    }
    NameRules.dns1123Subdomain(segments[0]).forEach(m -> errs.add(FieldError.invalid(path, segments[0], m)));
    if (!HTTP_PATH.matcher(segments[1]).matches()) {
      errs.add(FieldError.invalid(path, segments[1], NameRules.regexError("Invalid path", HTTP_PATH_FMT)));
    }
  }

  /** The controller of an IngressClass may not change. */
  static void validateIngressClassUpdate(JsonNode object, JsonNode old, List<FieldError> errs) {
    MetadataValidation.immutable(SPEC.child("controller"), Nodes.text(Nodes.field(object, "spec"), "controller", ""),
        Nodes.text(Nodes.field(old, "spec"), "controller", ""), errs);
  }

  private static void rule(JsonNode rule, FieldPath path, List<FieldError> errs) {
    String host = Nodes.text(rule, "host", "");
    if (!host.isEmpty()) {
      if (NetRules.parseIp(host) != null) {
        errs.add(FieldError.invalid(path.child("host"), host, "must be a DNS name, not an IP address"));
      }
      host(host, path.child("host"), errs);
    }
    JsonNode http = Nodes.field(rule, "http");
    if (http.isMissingNode()) {
      return;
    }
    List<JsonNode> paths = Nodes.list(http, "paths");
    if (paths.isEmpty()) {
      errs.add(FieldError.required(path.child("http", "paths"), ""));
    }
    for (int i = 0; i < paths.size(); i++) {
      httpPath(paths.get(i), path.child("http", "paths").index(i), errs);
    }
  }

  private static void host(String host, FieldPath path, List<FieldError> errs) {
    List<String> msgs = host.contains("*") ? NameRules.wildcardDns1123Subdomain(host) : NameRules.dns1123Subdomain(host);
    msgs.forEach(m -> errs.add(FieldError.invalid(path, host, m)));
  }

  private static void httpPath(JsonNode p, FieldPath path, List<FieldError> errs) {
    String pathType = Nodes.text(p, "pathType");
    if (pathType == null) {
      errs.add(FieldError.required(path.child("pathType"), "pathType must be specified"));
      return;
    }
    String value = Nodes.text(p, "path", "");
    switch (pathType) {
      case "Exact", "Prefix" -> {
        if (!value.startsWith("/")) {
          errs.add(FieldError.invalid(path.child("path"), value, "must be an absolute path"));
        }
        if (!value.isEmpty()) {
          for (String seq : INVALID_SEQUENCES) {
            if (value.contains(seq)) {
              errs.add(FieldError.invalid(path.child("path"), value, "must not contain '" + seq + "'"));
            }
          }
          for (String suffix : INVALID_SUFFIXES) {
            if (value.endsWith(suffix)) {
              errs.add(FieldError.invalid(path.child("path"), value, "cannot end with '" + suffix + "'"));
            }
          }
        }
      }
      case "ImplementationSpecific" -> {
        if (!value.isEmpty() && !value.startsWith("/")) {
          errs.add(FieldError.invalid(path.child("path"), value, "must be an absolute path"));
        }
      }
      default -> errs.add(FieldError.notSupported(path.child("pathType"), pathType, PATH_TYPES));
    }
    backend(Nodes.field(p, "backend"), path.child("backend"), errs);
  }

  private static void backend(JsonNode backend, FieldPath path, List<FieldError> errs) {
    JsonNode resource = Nodes.field(backend, "resource");
    JsonNode service = Nodes.field(backend, "service");
    if (!resource.isMissingNode() && !service.isMissingNode()) {
      errs.add(FieldError.invalid(path, "", "cannot set both resource and service backends"));
    } else if (!resource.isMissingNode()) {
      resource(resource, path.child("resource"), errs);
    } else if (!service.isMissingNode()) {
      String name = Nodes.text(service, "name", "");
      if (name.isEmpty()) {
        errs.add(FieldError.required(path.child("service", "name"), ""));
      } else {
        NameRules.dns1035Label(name).forEach(m -> errs.add(FieldError.invalid(path.child("service", "name"), name, m)));
      }
      JsonNode port = Nodes.field(service, "port");
      String portName = Nodes.text(port, "name", "");
      long number = Nodes.field(port, "number").asLong(0);
      if (!portName.isEmpty() && number != 0) {
        errs.add(FieldError.invalid(path, "", "cannot set both port name & port number"));
      } else if (!portName.isEmpty()) {
        NameRules.portName(portName)
            .forEach(m -> errs.add(FieldError.invalid(path.child("service", "port", "name"), portName, m)));
      } else if (number != 0) {
        NameRules.portNum(number)
            .forEach(m -> errs.add(FieldError.invalid(path.child("service", "port", "number"), number, m)));
      } else {
        errs.add(FieldError.required(path, "port name or number is required"));
      }
    } else {
      errs.add(FieldError.invalid(path, "", "resource or service backend is required"));
    }
  }

  /** An IngressClass's parameters: a typed reference, and a namespace exactly when its scope is Namespace. */
  private static void parameters(JsonNode parameters, FieldPath path, List<FieldError> errs) {
    resource(parameters, path, errs);
    String scope = Nodes.text(parameters, "scope");
    String namespace = Nodes.text(parameters, "namespace");
    if (scope == null) {
      errs.add(FieldError.required(path.child("scope"), ""));
    } else if (!PARAMETER_SCOPES.contains(scope)) {
      errs.add(FieldError.notSupported(path.child("scope"), scope, PARAMETER_SCOPES));
    } else if (scope.equals("Namespace")) {
      if (namespace == null) {
        errs.add(FieldError.required(path.child("namespace"), "`parameters.scope` is set to 'Namespace'"));
      } else {
        NameRules.dns1123Label(namespace).forEach(m -> errs.add(FieldError.invalid(path.child("namespace"), namespace, m)));
      }
    } else if (namespace != null) {
      errs.add(FieldError.forbidden(path.child("namespace"), "`parameters.scope` is set to 'Cluster'"));
    }
  }

  private static void resource(JsonNode ref, FieldPath path, List<FieldError> errs) {
    String apiGroup = Nodes.text(ref, "apiGroup");
    if (apiGroup != null) {
      NameRules.dns1123Subdomain(apiGroup).forEach(m -> errs.add(FieldError.invalid(path.child("apiGroup"), apiGroup, m)));
    }
    for (String field : List.of("kind", "name")) {
      String value = Nodes.text(ref, field, "");
      if (value.isEmpty()) {
        errs.add(FieldError.required(path.child(field), field + " is required"));
      } else if (value.equals(".") || value.equals("..")) {
        errs.add(FieldError.invalid(path.child(field), value, "may not be '" + value + "'"));
      } else {
        for (String illegal : List.of("/", "%")) {
          if (value.contains(illegal)) {
            errs.add(FieldError.invalid(path.child(field), value, "may not contain '" + illegal + "'"));
          }
        }
      }
    }
  }
}
