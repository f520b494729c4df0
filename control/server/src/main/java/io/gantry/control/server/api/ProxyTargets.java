package io.gantry.control.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.api.IpLiterals;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceTypes;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where {@code services/{id}/proxy} and {@code pods/{id}/proxy} lead, as kube-apiserver's
 * {@code ResourceLocation}s resolve them. Blocks on the store: call it off the event loop.
 *
 * <ul>
 *   <li>Service: a numeric port is the Service port of that number (503 {@code no service port N
 *       found for service "x"} without one), a name (or nothing) the port of that name; then a ready
 *       address, picked at random, of the Service's {@code Endpoints} subsets that carry that port
 *       (404 without Endpoints, 503 {@code no endpoints available for service "x"} without a ready
 *       address).</li>
 *   <li>Pod: the pod's IP, on the port given, else on the first {@code containerPort} of its
 *       containers, else none (the scheme's default); 400 {@code address not allowed} for a pod
 *       without a usable IP. Loopback pod IPs are allowed (upstream refuses them; Gantry's loopback
 *       network mode puts pods there).</li>
 * </ul>
 *
 * <p>The scheme is {@code http} unless the id names {@code https}.
 */
final class ProxyTargets {

  private final ObjectRegistry registry;

  ProxyTargets(ObjectRegistry registry) {
    this.registry = registry;
  }

  /** The backend's {@code scheme://host:port} for this proxy request. */
  URI resolve(ProxyPath path) throws ApiException {
    String[] parts = path.id().split(":", -1);
    String scheme = "";
    String name;
    String port = "";
    switch (parts.length) {
      case 1 -> name = parts[0];
      case 2 -> {
        name = parts[0];
        port = parts[1];
      }
      case 3 -> {
        scheme = parts[0];
        name = parts[1];
        port = parts[2];
      }
      default -> name = "";
    }
    String kind = path.type() == ResourceTypes.SERVICES ? "service" : "pod";
    if (name.isEmpty() || !(scheme.isEmpty() || scheme.equals("http") || scheme.equals("https"))) {
      throw ApiException.badRequest("invalid " + kind + " request \"" + path.id() + "\"");
    }
    scheme = scheme.isEmpty() ? "http" : scheme;
    return path.type() == ResourceTypes.SERVICES
        ? service(path.namespace(), scheme, name, port, path.id())
        : pod(path.namespace(), scheme, name, port);
  }

  private URI service(String namespace, String scheme, String name, String port, String id) throws ApiException {
    String portName = port;
    if (!port.isEmpty() && port.chars().allMatch(Character::isDigit)) {
      ObjectNode service = registry.get(ResourceTypes.SERVICES, namespace, name);
      Optional<String> named = Optional.empty();
      for (JsonNode servicePort : service.path("spec").path("ports")) {
        if (servicePort.path("port").asText().equals(port)) {
          named = Optional.of(servicePort.path("name").asText(""));
          break;
        }
      }
      portName = named.orElseThrow(() -> unavailable("no service port " + port + " found for service \"" + name + "\""));
    }
    ObjectNode endpoints = registry.get(ResourceTypes.ENDPOINTS, namespace, name);
    JsonNode subsets = endpoints.path("subsets");
    if (subsets.isEmpty()) {
      throw unavailable("no endpoints available for service \"" + name + "\"");
    }
    List<String> candidates = new ArrayList<>();
    for (JsonNode subset : subsets) {
      for (JsonNode subsetPort : subset.path("ports")) {
        if (subsetPort.path("name").asText("").equals(portName)) {
          for (JsonNode address : subset.path("addresses")) {
            candidates.add(hostPort(address.path("ip").asText(), subsetPort.path("port").asText()));
          }
        }
      }
    }
    if (candidates.isEmpty()) {
      throw unavailable("no endpoints available for service \"" + id + "\"");
    }
    return uri(scheme, candidates.get(ThreadLocalRandom.current().nextInt(candidates.size())));
  }

  private URI pod(String namespace, String scheme, String name, String port) throws ApiException {
    ObjectNode pod = registry.get(ResourceTypes.PODS, namespace, name);
    String chosen = port;
    if (chosen.isEmpty()) {
      for (JsonNode container : pod.path("spec").path("containers")) {
        JsonNode ports = container.path("ports");
        if (!ports.isEmpty()) {
          chosen = ports.get(0).path("containerPort").asText();
          break;
        }
      }
    }
    String ip = pod.path("status").path("podIP").asText("");
    if (!usable(ip)) {
      throw ApiException.badRequest("address not allowed");
    }
    return uri(scheme, chosen.isEmpty() ? hostPort(ip, null) : hostPort(ip, chosen));
  }

  /** A unicast address: not unspecified, multicast or link-local (loopback is allowed, see above). */
  private static boolean usable(String ip) {
    if (!IpLiterals.isIp(ip)) {
      return false;
    }
    try {
      InetAddress address = InetAddress.getByName(ip); // a literal: no lookup
      return !address.isAnyLocalAddress() && !address.isMulticastAddress() && !address.isLinkLocalAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static String hostPort(String ip, String port) {
    String host = ip.contains(":") ? "[" + ip + "]" : ip;
    return port == null ? host : host + ":" + port;
  }

  private static URI uri(String scheme, String authority) throws ApiException {
    try {
      return new URI(scheme + "://" + authority);
    } catch (URISyntaxException e) {
      throw ApiException.badRequest("invalid backend address " + authority + ": " + e.getReason());
    }
  }

  private static ApiException unavailable(String message) {
    return new ApiException(503, "ServiceUnavailable", message, null);
  }
}
