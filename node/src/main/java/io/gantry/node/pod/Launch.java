package io.gantry.node.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.node.api.ApiException;
import io.gantry.node.api.KubeClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a container spec into a command line and an environment, as the kubelet does for a
 * container runtime: {@code image} names an absolute executable or a built-in workload image;
 * {@code command} replaces the image's entrypoint and {@code args} follow it, with
 * {@code $(VAR)} references expanded; {@code envFrom} and {@code env} (values, ConfigMap and Secret
 * keys, the downward API with {@code resourceFieldRef}) make the environment, on top of {@code POD_IP},
 * {@code POD_NAME}, {@code POD_NAMESPACE}, {@code NODE_NAME}, {@code HOSTNAME} and a default {@code PATH};
 * the service variables ({@link ServiceEnv}) follow, where the container declares no variable of the name.
 */
final class Launch {

  /** A container that cannot be created; {@code reason} is the waiting reason Kubernetes uses. */
  static final class LaunchException extends Exception {
    private static final long serialVersionUID = 1L;
    final String reason;

    LaunchException(String reason, String message) {
      super(message);
      this.reason = reason;
    }
  }

  /** The built-in workload images and their main classes. */
  static final Map<String, String> BUILT_IN = Map.of(
      "gantry/echo-http", "io.gantry.node.workloads.EchoHttp",
      "gantry/echo-tcp", "io.gantry.node.workloads.EchoTcp",
      "gantry/echo-udp", "io.gantry.node.workloads.EchoUdp",
      "gantry/probe", "io.gantry.node.workloads.Probe",
      "registry.k8s.io/pause", "io.gantry.node.workloads.Pause",
      "k8s.gcr.io/pause", "io.gantry.node.workloads.Pause",
      "gcr.io/google_containers/pause", "io.gantry.node.workloads.Pause");

  record Plan(List<String> argv, Map<String, String> env, Path workingDir, String imageId) {}

  private Launch() {}

  private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  /**
   * Why the plan's program cannot be started, in runc's words ({@code exec: "x": executable file not
   * found in $PATH}), or null: a name without a slash is looked up in the container's PATH (and the
   * agent's), a path
   * (relative ones from the working directory) must be an executable file.
   */
  static String unrunnable(Plan plan) {
    String program = plan.argv().get(0);
    String prefix = "failed to start container process: exec: \"" + program + "\": ";
    if (program.indexOf('/') < 0) {
      // the container's PATH, and the agent's, which the JDK searches when it starts the program itself
      String path = plan.env().getOrDefault("PATH", DEFAULT_PATH) + ":" + System.getenv().getOrDefault("PATH", "");
      for (String dir : path.split(":")) {
        Path candidate = (dir.isEmpty() ? plan.workingDir() : Path.of(dir)).resolve(program);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return null;
        }
      }
      return prefix + "executable file not found in $PATH";
    }
    Path path = plan.workingDir().resolve(program);
    if (!Files.exists(path)) {
      return prefix + "stat " + program + ": no such file or directory";
    }
    if (Files.isDirectory(path) || !Files.isExecutable(path)) {
      return prefix + "permission denied";
    }
    return null;
  }

  static String builtIn(String image) {
    String name = image.toLowerCase(Locale.ROOT);
    int colon = name.lastIndexOf(':');
    if (colon > name.lastIndexOf('/')) {
      name = name.substring(0, colon);
    }
    if (name.startsWith("docker.io/")) {
      name = name.substring("docker.io/".length());
    }
    return BUILT_IN.get(name);
  }

  static Plan plan(KubeClient api, JsonNode pod, JsonNode container, String podIp, String hostIp,
      Path podDir, List<String> javaLauncher, int parentPid) throws LaunchException, IOException {
    Map<String, String> env = env(api, pod, container, podIp, hostIp);
    env.put("GANTRY_PARENT_PID", Integer.toString(parentPid));
    String ports = ports(container);
    if (!ports.isEmpty()) {
      env.putIfAbsent("GANTRY_PORTS", ports);
    }
    String image = container.path("image").asText("");
    List<String> entrypoint;
    String imageId;
    String mainClass = builtIn(image);
    if (mainClass != null) {
      entrypoint = new ArrayList<>(javaLauncher);
      entrypoint.add(mainClass);
      imageId = "gantry://" + image;
    } else if (image.startsWith("/")) {
      entrypoint = List.of(image);
      imageId = "file://" + image;
    } else {
      entrypoint = null;
      imageId = "gantry://" + image;
    }
    List<String> argv = new ArrayList<>();
    if (container.path("command").isArray() && !container.path("command").isEmpty()) {
      container.path("command").forEach(c -> argv.add(expand(c.asText(), env)));
    } else if (entrypoint == null) {
      throw new LaunchException("ErrImagePull", "image " + image + ": gantry runs processes, not container images"
          + " (expected: an absolute executable path, one of " + BUILT_IN.keySet() + ", or a command)");
    } else {
      argv.addAll(entrypoint);
    }
    container.path("args").forEach(a -> argv.add(expand(a.asText(), env)));
    Path workingDir = podDir;
    String wd = container.path("workingDir").asText("");
    if (!wd.isEmpty()) {
      workingDir = Path.of(wd);
      if (!Files.isDirectory(workingDir)) {
        throw new LaunchException("CreateContainerError", "workingDir " + wd + ": not a directory");
      }
    }
    return new Plan(argv, env, workingDir, imageId);
  }

  /** {@code 8080/TCP,53/UDP}: the container's declared ports, for the built-in images. */
  static String ports(JsonNode container) {
    List<String> ports = new ArrayList<>();
    for (JsonNode port : container.path("ports")) {
      if (port.path("containerPort").canConvertToInt()) {
        ports.add(port.path("containerPort").asInt() + "/" + port.path("protocol").asText("TCP"));
      }
    }
    return String.join(",", ports);
  }

  static Map<String, String> env(KubeClient api, JsonNode pod, JsonNode container, String podIp, String hostIp)
      throws LaunchException, IOException {
    String namespace = pod.path("metadata").path("namespace").asText("default");
    String name = pod.path("metadata").path("name").asText();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    env.put("HOSTNAME", name);
    env.put("POD_NAME", name);
    env.put("POD_NAMESPACE", namespace);
    env.put("POD_IP", podIp);
    env.put("NODE_NAME", pod.path("spec").path("nodeName").asText());
    for (JsonNode from : container.path("envFrom")) {
      String prefix = from.path("prefix").asText("");
      boolean secret = from.has("secretRef");
      JsonNode ref = secret ? from.path("secretRef") : from.path("configMapRef");
      JsonNode data = source(api, namespace, secret, ref.path("name").asText(), ref.path("optional").asBoolean());
      if (data != null) {
        data.properties().forEach(e -> env.put(prefix + e.getKey(), secret ? decode(e.getValue().asText())
            : e.getValue().asText()));
      }
    }
    Map<String, String> services = ServiceEnv.read(api, pod);
    for (JsonNode var : container.path("env")) {
      String key = var.path("name").asText();
      if (var.has("valueFrom")) {
        String value = valueFrom(api, pod, container, var.path("valueFrom"), namespace, podIp, hostIp);
        if (value != null) {
          env.put(key, value);
        }
      } else {
        env.put(key, expand(var.path("value").asText(""), env, services));
      }
    }
    // the service variables come last and never replace a variable the container declares
    services.forEach(env::putIfAbsent);
    return env;
  }

  private static String valueFrom(KubeClient api, JsonNode pod, JsonNode container, JsonNode from,
      String namespace, String podIp, String hostIp) throws LaunchException, IOException {
    if (from.has("resourceFieldRef")) {
      try {
        return ResourceEnv.value(from.path("resourceFieldRef"), pod, container, () -> api.get("/api/v1/nodes/"
            + KubeClient.q(pod.path("spec").path("nodeName").asText())).path("status").path("allocatable"));
      } catch (IllegalArgumentException e) {
        throw new LaunchException("CreateContainerConfigError", e.getMessage());
      }
    }
    if (from.has("fieldRef")) {
      String path = from.path("fieldRef").path("fieldPath").asText();
      JsonNode meta = pod.path("metadata");
      return switch (path) {
        case "metadata.name" -> meta.path("name").asText();
        case "metadata.namespace" -> namespace;
        case "metadata.uid" -> meta.path("uid").asText();
        case "spec.nodeName" -> pod.path("spec").path("nodeName").asText();
        case "spec.serviceAccountName" -> pod.path("spec").path("serviceAccountName").asText("default");
        case "status.podIP", "status.podIPs" -> podIp;
        case "status.hostIP", "status.hostIPs" -> hostIp;
        default -> {
          var m = java.util.regex.Pattern.compile("metadata\\.(labels|annotations)\\['(.+)'\\]").matcher(path);
          if (m.matches()) {
            yield meta.path(m.group(1)).path(m.group(2)).asText("");
          }
          throw new LaunchException("CreateContainerConfigError", "fieldRef " + path + ": not supported");
        }
      };
    }
    boolean secret = from.has("secretKeyRef");
    JsonNode ref = secret ? from.path("secretKeyRef") : from.path("configMapKeyRef");
    if (ref.isMissingNode()) {
      throw new LaunchException("CreateContainerConfigError", "valueFrom " + from + ": not supported");
    }
    boolean optional = ref.path("optional").asBoolean(false);
    String source = ref.path("name").asText();
    JsonNode data = source(api, namespace, secret, source, optional);
    if (data == null) {
      return null;
    }
    String key = ref.path("key").asText();
    JsonNode value = data.get(key);
    if (value == null) {
      if (optional) {
        return null;
      }
      throw new LaunchException("CreateContainerConfigError", "couldn't find key " + key + " in "
          + (secret ? "Secret " : "ConfigMap ") + namespace + "/" + source);
    }
    return secret ? decode(value.asText()) : value.asText();
  }

  /** A ConfigMap's {@code data} or a Secret's {@code data}; null when optional and missing. */
  private static JsonNode source(KubeClient api, String namespace, boolean secret, String name, boolean optional)
      throws LaunchException, IOException {
    String kind = secret ? "secrets" : "configmaps";
    try {
      return api.get("/api/v1/namespaces/" + namespace + "/" + kind + "/" + name).path("data");
    } catch (ApiException e) {
      if (e.code() != 404) {
        throw e;
      }
      if (optional) {
        return null;
      }
      throw new LaunchException("CreateContainerConfigError", (secret ? "secret" : "configmap") + " \"" + name
          + "\" not found");
    }
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }

  /**
   * A probe or hook handler whose {@code exec.command} has its {@code $(VAR)} references expanded as
   * the kubelet's prober does ({@code ExpandContainerCommandOnlyStatic}): from the container's
   * {@code env} entries alone, each as its literal {@code value} ("" for one from {@code valueFrom}).
   */
  static JsonNode expandExecCommand(JsonNode handler, JsonNode env) {
    JsonNode command = handler.path("exec").path("command");
    if (!command.isArray() || command.isEmpty()) {
      return handler;
    }
    Map<String, String> values = new HashMap<>();
    env.forEach(e -> values.put(e.path("name").asText(), e.path("value").asText("")));
    ObjectNode expanded = handler.deepCopy();
    ArrayNode args = ((ObjectNode) expanded.get("exec")).putArray("command");
    command.forEach(arg -> args.add(expand(arg.asText(), values)));
    return expanded;
  }

  /** Kubernetes' {@code $(VAR)} expansion: defined names are replaced, {@code $$} escapes, others stay. */
  static String expand(String text, Map<String, String> env) {
    return expand(text, env, Map.of());
  }

  /** {@link #expand(String, Map)} where names not in {@code env} are looked up in {@code fallback}. */
  static String expand(String text, Map<String, String> env, Map<String, String> fallback) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '$' && i + 1 < text.length()) {
        char n = text.charAt(i + 1);
        if (n == '$') {
          out.append('$');
          i++;
          continue;
        }
        if (n == '(') {
          int close = text.indexOf(')', i + 2);
          if (close > 0) {
            String name = text.substring(i + 2, close);
            String value = env.containsKey(name) ? env.get(name) : fallback.get(name);
            if (value != null) {
              out.append(value);
              i = close;
              continue;
            }
          }
        }
      }
      out.append(c);
    }
    return out.toString();
  }
}
