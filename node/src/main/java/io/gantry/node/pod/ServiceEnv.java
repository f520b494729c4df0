package io.gantry.node.pod;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.node.api.ApiException;
import io.gantry.node.api.KubeClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Docker-link style service variables the kubelet gives every container
 * ({@code pkg/kubelet/envvars}): for each Service with a cluster IP, {@code <NAME>_SERVICE_HOST},
 * {@code <NAME>_SERVICE_PORT}, {@code <NAME>_SERVICE_PORT_<PORTNAME>} per named port,
 * {@code <NAME>_PORT} and per port {@code <NAME>_PORT_<port>_<PROTO>} with {@code _PROTO},
 * {@code _PORT} and {@code _ADDR}; names upper-cased with {@code -} turned into {@code _}.
 *
 * <p>Which services count ({@code getServiceEnvVarMap}): the {@code kubernetes} Service of
 * {@code default} always, and with {@code enableServiceLinks} (default true) every Service of the
 * pod's namespace, which wins over {@code default/kubernetes} when it has the same name. Headless
 * ({@code clusterIP: None}) and ExternalName Services (no cluster IP) give none.
 */
final class ServiceEnv {

  /** The services of the API server, whose variables every pod gets. */
  static final String MASTER_SERVICE = "kubernetes";

  private ServiceEnv() {}

  /**
   * Reads the services the pod's variables come from and returns the variables. Off the loop:
   * one or two API requests.
   */
  static Map<String, String> read(KubeClient api, JsonNode pod) throws IOException {
    String namespace = pod.path("metadata").path("namespace").asText("default");
    boolean links = pod.path("spec").path("enableServiceLinks").asBoolean(true);
    List<JsonNode> services = new ArrayList<>();
    if (!"default".equals(namespace) || !links) {
      try {
        services.add(api.get("/api/v1/namespaces/default/services/" + MASTER_SERVICE));
      } catch (ApiException e) {
        if (e.code() != 404) {
          throw e;
        }
      }
    }
    if (links) {
      api.get("/api/v1/namespaces/" + KubeClient.q(namespace) + "/services").path("items").forEach(services::add);
    }
    return of(services, namespace, links);
  }

  /** The variables for {@code services} (of any namespaces), as a pod in {@code namespace} sees them. */
  static Map<String, String> of(List<JsonNode> services, String namespace, boolean enableServiceLinks) {
    Map<String, JsonNode> chosen = new LinkedHashMap<>();
    for (JsonNode service : services) {
      if (!hasClusterIp(service)) {
        continue;
      }
      String name = service.path("metadata").path("name").asText();
      String ns = service.path("metadata").path("namespace").asText("default");
      if ("default".equals(ns) && MASTER_SERVICE.equals(name)) {
        chosen.putIfAbsent(name, service);
      } else if (ns.equals(namespace) && enableServiceLinks) {
        chosen.put(name, service);
      }
    }
    Map<String, String> env = new LinkedHashMap<>();
    chosen.values().forEach(s -> add(env, s));
    return env;
  }

  private static boolean hasClusterIp(JsonNode service) {
    String ip = service.path("spec").path("clusterIP").asText("");
    return !ip.isEmpty() && !"None".equals(ip) && service.path("spec").path("ports").size() > 0;
  }

  private static void add(Map<String, String> env, JsonNode service) {
    String prefix = variableName(service.path("metadata").path("name").asText());
    String ip = service.path("spec").path("clusterIP").asText();
    JsonNode ports = service.path("spec").path("ports");
    env.put(prefix + "_SERVICE_HOST", ip);
    env.put(prefix + "_SERVICE_PORT", ports.get(0).path("port").asText());
    for (JsonNode port : ports) {
      String portName = port.path("name").asText("");
      if (!portName.isEmpty()) {
        env.put(prefix + "_SERVICE_PORT_" + variableName(portName), port.path("port").asText());
      }
    }
    String hostPort = ip.contains(":") ? "[" + ip + "]" : ip;
    boolean first = true;
    for (JsonNode port : ports) {
      String protocol = port.path("protocol").asText("TCP");
      String proto = protocol.toLowerCase(Locale.ROOT);
      String url = proto + "://" + hostPort + ":" + port.path("port").asText();
      if (first) {
        env.put(prefix + "_PORT", url); // Docker special-cases the first port
        first = false;
      }
      String portPrefix = prefix + "_PORT_" + port.path("port").asText() + "_" + protocol.toUpperCase(Locale.ROOT);
      env.put(portPrefix, url);
      env.put(portPrefix + "_PROTO", proto);
      env.put(portPrefix + "_PORT", port.path("port").asText());
      env.put(portPrefix + "_ADDR", ip);
    }
  }

  /** {@code my-svc} is {@code MY_SVC}. */
  static String variableName(String name) {
    return name.replace('-', '_').toUpperCase(Locale.ROOT);
  }
}
