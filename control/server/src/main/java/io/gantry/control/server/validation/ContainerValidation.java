package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** One container of a pod spec: name, image, ports, env, resources, probes and volume mounts. */
final class ContainerValidation {

  static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");
  private static final Set<String> STANDARD_RESOURCES = Set.of("cpu", "memory", "ephemeral-storage");
  private static final List<String> HANDLERS = List.of("exec", "httpGet", "tcpSocket", "grpc");

  private ContainerValidation() {}

  private static final List<String> MESSAGE_POLICIES = List.of("File", "FallbackToLogsOnError");
  private static final String WITHOUT_ALWAYS = "may not be set for init containers without restartPolicy=Always";

  /** What only an app container may not have: a restart policy of its own. */
  static void validateApp(JsonNode ctr, FieldPath path, List<FieldError> errs) {
    if (Nodes.present(ctr, "restartPolicy")) {
      errs.add(FieldError.forbidden(path.child("restartPolicy"), "may not be set for non-init containers"));
    }
  }

  /**
   * validateInitContainers' own rules: a restart policy may only be Always (a sidecar), and an init
   * container that is not a sidecar has no lifecycle hooks and no probes.
   */
  static void validateInit(JsonNode ctr, FieldPath path, List<FieldError> errs) {
    String restart = Nodes.text(ctr, "restartPolicy");
    if (restart != null && !restart.equals("Always")) {
      errs.add(FieldError.notSupported(path.child("restartPolicy"), restart, List.of("Always")));
    }
    if (!"Always".equals(restart)) {
      for (String field : List.of("lifecycle", "livenessProbe", "readinessProbe", "startupProbe")) {
        if (Nodes.present(ctr, field)) {
          errs.add(FieldError.forbidden(path.child(field), WITHOUT_ALWAYS));
        }
      }
    }
  }

  /**
   * Validates one container; {@code names} holds the names seen so far in the pod (duplicates are reported
   * on the later container) and {@code volumes} the pod's volume names.
   */
  static void validate(JsonNode ctr, FieldPath path, Set<String> names, Set<String> volumes, List<FieldError> errs) {
    String name = Nodes.text(ctr, "name", "");
    if (name.isEmpty()) {
      errs.add(FieldError.required(path.child("name"), ""));
    } else {
      for (String msg : NameRules.dns1123Label(name)) {
        errs.add(FieldError.invalid(path.child("name"), name, msg));
      }
      if (!names.add(name)) {
        errs.add(FieldError.duplicate(path.child("name"), name));
      }
    }
    String image = Nodes.text(ctr, "image", "");
    if (image.isEmpty()) {
      errs.add(FieldError.required(path.child("image"), ""));
    } else if (!image.equals(image.strip())) {
      errs.add(FieldError.invalid(path.child("image"), image, "must not have leading or trailing whitespace"));
    }
    String pullPolicy = Nodes.text(ctr, "imagePullPolicy");
    if (pullPolicy != null && !PULL_POLICIES.contains(pullPolicy)) {
      errs.add(FieldError.notSupported(path.child("imagePullPolicy"), pullPolicy, PULL_POLICIES));
    }
    String messagePolicy = Nodes.text(ctr, "terminationMessagePolicy");
    if (messagePolicy != null && !MESSAGE_POLICIES.contains(messagePolicy)) {
      errs.add(FieldError.notSupported(path.child("terminationMessagePolicy"), messagePolicy, MESSAGE_POLICIES));
    }
    ports(Nodes.list(ctr, "ports"), path.child("ports"), errs);
    env(Nodes.list(ctr, "env"), path.child("env"), errs);
    mounts(Nodes.list(ctr, "volumeMounts"), volumes, path.child("volumeMounts"), errs);
    for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
      JsonNode p = Nodes.field(ctr, probe);
      if (!p.isMissingNode()) {
        probe(p, path.child(probe), errs);
        JsonNode success = Nodes.field(p, "successThreshold");
        if (!probe.equals("readinessProbe") && !success.isMissingNode() && success.asLong() != 1) {
          errs.add(FieldError.invalid(path.child(probe, "successThreshold"), Nodes.badValue(success), "must be 1"));
        }
      }
    }
    resources(Nodes.field(ctr, "resources"), path.child("resources"), errs);
  }

  private static void ports(List<JsonNode> ports, FieldPath path, List<FieldError> errs) {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < ports.size(); i++) {
      JsonNode port = ports.get(i);
      FieldPath idx = path.index(i);
      String name = Nodes.text(port, "name", "");
      if (!name.isEmpty()) {
        List<String> msgs = NameRules.portName(name);
        msgs.forEach(msg -> errs.add(FieldError.invalid(idx.child("name"), name, msg)));
        if (msgs.isEmpty() && !names.add(name)) {
          errs.add(FieldError.duplicate(idx.child("name"), name));
        }
      }
      JsonNode containerPort = Nodes.field(port, "containerPort");
      if (containerPort.isMissingNode() || containerPort.asLong() == 0 && containerPort.isIntegralNumber()) {
        errs.add(FieldError.required(idx.child("containerPort"), ""));
      } else {
        Ports.number(port, "containerPort", idx.child("containerPort"), errs);
      }
      if (Nodes.field(port, "hostPort").asLong(0) != 0) {
        Ports.number(port, "hostPort", idx.child("hostPort"), errs);
      }
      Ports.protocol(port, idx.child("protocol"), errs);
    }
  }

  private static void env(List<JsonNode> env, FieldPath path, List<FieldError> errs) {
    for (int i = 0; i < env.size(); i++) {
      String name = Nodes.text(env.get(i), "name", "");
      if (name.isEmpty()) {
        errs.add(FieldError.required(path.index(i).child("name"), ""));
      }
      for (String msg : NameRules.envVarName(name)) {
        errs.add(FieldError.invalid(path.index(i).child("name"), name, msg));
      }
      if (!Nodes.text(env.get(i), "value", "").isEmpty() && Nodes.present(env.get(i), "valueFrom")) {
        errs.add(FieldError.invalid(path.index(i).child("valueFrom"), "",
            "may not be specified when `value` is not empty"));
      }
      JsonNode fieldRef = env.get(i).path("valueFrom").path("fieldRef");
      if (fieldRef.isObject()) {
        envFieldRef(fieldRef, path.index(i).child("valueFrom").child("fieldRef"), errs);
      }
    }
  }

  /** The fields a container's env may take from its pod: validEnvDownwardAPIFieldPathExpressions. */
  private static final List<String> ENV_FIELD_PATHS = List.of("metadata.name", "metadata.namespace", "metadata.uid",
      "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs");

  /** What ConvertDownwardAPIFieldLabel knows of a pod, whether or not env may take it. */
  private static final Set<String> POD_FIELD_LABELS = Set.of("metadata.annotations", "metadata.labels",
      "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.restartPolicy",
      "spec.serviceAccountName", "spec.schedulerName", "status.phase", "status.hostIP", "status.hostIPs",
      "status.podIP", "status.podIPs", "spec.host");

  /** validateObjectFieldSelector with the env's field paths. */
  private static void envFieldRef(JsonNode fieldRef, FieldPath path, List<FieldError> errs) {
    String version = Nodes.text(fieldRef, "apiVersion", "");
    String fieldPath = Nodes.text(fieldRef, "fieldPath", "");
    if (version.isEmpty()) {
      errs.add(FieldError.required(path.child("apiVersion"), ""));
      return;
    }
    if (fieldPath.isEmpty()) {
      errs.add(FieldError.required(path.child("fieldPath"), ""));
      return;
    }
    int open = fieldPath.indexOf("['");
    boolean subscripted = open > 0 && fieldPath.endsWith("']");
    String base = subscripted ? fieldPath.substring(0, open) : fieldPath;
    String error = !version.equals("v1") ? "unsupported pod version: " + version
        : subscripted && !base.equals("metadata.annotations") && !base.equals("metadata.labels")
            ? "field label does not support subscript: " + fieldPath
        : !subscripted && !POD_FIELD_LABELS.contains(fieldPath) ? "field label not supported: " + fieldPath : null;
    if (error != null) {
      errs.add(FieldError.invalid(path.child("fieldPath"), fieldPath, "error converting fieldPath: " + error));
      return;
    }
    if (subscripted) {
      String key = fieldPath.substring(open + 2, fieldPath.length() - 2);
      String checked = base.equals("metadata.annotations") ? key.toLowerCase(Locale.ROOT) : key;
      NameRules.qualifiedName(checked).forEach(m -> errs.add(FieldError.invalid(path, checked, m)));
      return;
    }
    String internal = fieldPath.equals("spec.host") ? "spec.nodeName" : fieldPath;
    if (!ENV_FIELD_PATHS.contains(internal)) {
      errs.add(FieldError.notSupported(path.child("fieldPath"), internal, ENV_FIELD_PATHS));
    }
  }

  private static void mounts(List<JsonNode> mounts, Set<String> volumes, FieldPath path, List<FieldError> errs) {
    for (int i = 0; i < mounts.size(); i++) {
      String name = Nodes.text(mounts.get(i), "name", "");
      if (name.isEmpty()) {
        errs.add(FieldError.required(path.index(i).child("name"), ""));
      } else if (!volumes.contains(name)) {
        errs.add(FieldError.notFound(path.index(i).child("name"), name));
      }
      if (Nodes.text(mounts.get(i), "mountPath", "").isEmpty()) {
        errs.add(FieldError.required(path.index(i).child("mountPath"), ""));
      }
    }
  }

  private static void probe(JsonNode probe, FieldPath path, List<FieldError> errs) {
    int handlers = 0;
    for (String handler : HANDLERS) {
      JsonNode h = Nodes.field(probe, handler);
      if (h.isMissingNode()) {
        continue;
      }
      if (handlers > 0) {
        errs.add(FieldError.forbidden(path.child(handler), "may not specify more than 1 handler type"));
        continue;
      }
      handlers++;
      switch (handler) {
        case "exec" -> {
          if (Nodes.field(h, "command").isEmpty()) {
            errs.add(FieldError.required(path.child("exec", "command"), ""));
          }
        }
        case "httpGet" -> {
          portRequired(h, path.child("httpGet", "port"), errs);
          String scheme = Nodes.text(h, "scheme");
          if (scheme != null && !List.of("HTTP", "HTTPS").contains(scheme)) {
            errs.add(FieldError.notSupported(path.child("httpGet", "scheme"), scheme, List.of("HTTP", "HTTPS")));
          }
        }
        case "tcpSocket" -> portRequired(h, path.child("tcpSocket", "port"), errs);
        default -> Ports.number(h, "port", path.child("grpc", "port"), errs);
      }
    }
    if (handlers == 0) {
      errs.add(FieldError.required(path, "must specify a handler type"));
    }
    for (String field : List.of("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold",
        "failureThreshold")) {
      JsonNode v = Nodes.field(probe, field);
      if (!v.isMissingNode() && v.asLong() < 0) {
        errs.add(FieldError.invalid(path.child(field), v.asLong(), "must be greater than or equal to 0"));
      }
    }
    JsonNode grace = Nodes.field(probe, "terminationGracePeriodSeconds");
    if (!grace.isMissingNode() && grace.asLong() <= 0) {
      errs.add(FieldError.invalid(path.child("terminationGracePeriodSeconds"), grace.asLong(), "must be greater than 0"));
    }
  }

  private static void portRequired(JsonNode handler, FieldPath path, List<FieldError> errs) {
    JsonNode port = Nodes.field(handler, "port");
    if (port.isMissingNode()) {
      errs.add(FieldError.invalid(path, 0L, NameRules.inclusiveRangeError(1, 65535)));
    } else {
      Ports.numberOrName(port, path, errs);
    }
  }

  /** Names standard or extended, quantities well-formed and not negative, requests at most limits. */
  static void resources(JsonNode resources, FieldPath path, List<FieldError> errs) {
    Map<String, BigDecimal> limits = quantities(Nodes.field(resources, "limits"), path.child("limits"), errs);
    Map<String, BigDecimal> requests = quantities(Nodes.field(resources, "requests"), path.child("requests"), errs);
    JsonNode rawLimits = Nodes.field(resources, "limits");
    JsonNode rawRequests = Nodes.field(resources, "requests");
    requests.forEach((name, request) -> {
      BigDecimal limit = limits.get(name);
      if (limit != null && request.compareTo(limit) > 0) {
        errs.add(FieldError.invalid(path.child("requests"), Nodes.text(rawRequests, name),
            "must be less than or equal to " + name + " limit of " + Nodes.text(rawLimits, name)));
      }
    });
  }

  private static Map<String, BigDecimal> quantities(JsonNode map, FieldPath path, List<FieldError> errs) {
    Map<String, BigDecimal> out = new LinkedHashMap<>();
    if (!map.isObject()) {
      return out;
    }
    map.properties().forEach(e -> {
      String name = e.getKey();
      FieldPath at = path.key(name);
      if (!name.contains("/") && !STANDARD_RESOURCES.contains(name) && !name.startsWith("hugepages-")) {
        errs.add(FieldError.invalid(at, name, "must be a standard resource for containers"));
      } else {
        NameRules.qualifiedName(name).forEach(msg -> errs.add(FieldError.invalid(at, name, msg)));
      }
      BigDecimal q = Quantities.parse(e.getValue());
      if (q == null) {
        errs.add(FieldError.invalid(at, Nodes.badValue(e.getValue()), Quantities.FORMAT_MSG));
      } else if (q.signum() < 0) {
        errs.add(FieldError.invalid(at, e.getValue().asText(), "must be greater than or equal to 0"));
      } else {
        out.put(name, q);
      }
    });
    return out;
  }
}
