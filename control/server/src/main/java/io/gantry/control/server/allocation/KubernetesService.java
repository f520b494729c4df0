package io.gantry.control.server.allocation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code default/kubernetes} Service that kube-apiserver keeps: ClusterIP the first address of
 * the service CIDR, port 443 ({@code https}) to the API port, no selector, with the Endpoints and
 * EndpointSlice (both named {@code kubernetes}) that point at the API server, written here because
 * no endpoints controller serves selectorless Services. {@link #ensure} creates what is missing and
 * corrects what points elsewhere (a restart on another port); it is run at start and every 10 s, as
 * kube-apiserver's reconciler does, so a deleted Service comes back.
 */
public final class KubernetesService {

  private static final Logger log = LoggerFactory.getLogger(KubernetesService.class);
  static final String NAME = "kubernetes";
  static final String NAMESPACE = "default";

  private KubernetesService() {}

  /**
   * @param clusterIp  the Service's address (the first of the service CIDR)
   * @param endpointIp where the API server listens, as clients in the cluster reach it
   * @param apiPort    the API server's port
   */
  public static void ensure(ObjectRegistry registry, String clusterIp, String endpointIp, int apiPort) {
    ensure(registry, ResourceTypes.SERVICES, service(clusterIp, apiPort), "spec", "ports");
    ensure(registry, ResourceTypes.ENDPOINTS, endpoints(endpointIp, apiPort), "subsets", null);
    ensure(registry, ResourceTypes.ENDPOINTSLICES, slice(endpointIp, apiPort), "endpoints", "ports");
  }

  /** Creates {@code wanted}, or rewrites the stored object's {@code field} (and {@code field2}) when they differ. */
  private static void ensure(ObjectRegistry registry, ResourceType type, ObjectNode wanted, String field,
      String field2) {
    try {
      Optional<ObjectNode> found = registry.find(type, NAMESPACE, NAME);
      if (found.isEmpty()) {
        registry.create(type, NAMESPACE, wanted);
        return;
      }
      ObjectNode current = found.get();
      ObjectNode next = current.deepCopy();
      if ("spec".equals(field)) {
        ObjectNode spec = Specs.spec(next);
        spec.set("ports", wanted.path("spec").get("ports"));
      } else {
        next.set(field, wanted.get(field));
        if (field2 != null) {
          next.set(field2, wanted.get(field2));
        }
      }
      if (!next.equals(current)) {
        registry.update(type, NAMESPACE, NAME, next, null);
      }
    } catch (ApiException e) {
      log.warn("cannot maintain {} {}/{}: {}", type.kind(), NAMESPACE, NAME, e.getMessage());
    }
  }

  static ObjectNode service(String clusterIp, int apiPort) {
    ObjectNode service = Json.object();
    ObjectNode metadata = service.putObject("metadata");
    metadata.put("name", NAME);
    metadata.put("namespace", NAMESPACE);
    ObjectNode labels = metadata.putObject("labels");
    labels.put("component", "apiserver");
    labels.put("provider", "kubernetes");
    ObjectNode spec = service.putObject("spec");
    ObjectNode port = spec.putArray("ports").addObject();
    port.put("name", "https");
    port.put("protocol", "TCP");
    port.put("port", 443);
    port.put("targetPort", apiPort);
    spec.put("clusterIP", clusterIp);
    spec.put("type", "ClusterIP");
    spec.put("sessionAffinity", "None");
    return service;
  }

  static ObjectNode endpoints(String ip, int apiPort) {
    ObjectNode endpoints = Json.object();
    ObjectNode metadata = endpoints.putObject("metadata");
    metadata.put("name", NAME);
    metadata.put("namespace", NAMESPACE);
    // as kube-apiserver labels it: the EndpointSlice is written directly, not mirrored
    metadata.putObject("labels").put("endpointslice.kubernetes.io/skip-mirror", "true");
    ObjectNode subset = endpoints.putArray("subsets").addObject();
    subset.putArray("addresses").addObject().put("ip", ip);
    ObjectNode port = subset.putArray("ports").addObject();
    port.put("name", "https");
    port.put("port", apiPort);
    port.put("protocol", "TCP");
    return endpoints;
  }

  static ObjectNode slice(String ip, int apiPort) {
    ObjectNode slice = Json.object();
    ObjectNode metadata = slice.putObject("metadata");
    metadata.put("name", NAME);
    metadata.put("namespace", NAMESPACE);
    metadata.putObject("labels").put("kubernetes.io/service-name", NAME);
    slice.put("addressType", "IPv4");
    ObjectNode endpoint = slice.putArray("endpoints").addObject();
    endpoint.putArray("addresses").add(ip);
    endpoint.putObject("conditions").put("ready", true);
    ObjectNode port = slice.putArray("ports").addObject();
    port.put("name", "https");
    port.put("port", apiPort);
    port.put("protocol", "TCP");
    return slice;
  }
}
