package io.gantry.control.api.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.api.v1.Endpoint;
import io.gantry.control.api.v1.EndpointPort;
import io.gantry.control.api.v1.EndpointView;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds every EndpointSlice of one service into one {@link EndpointView}, as kube-proxy's
 * endpoint slice cache does: one entry per address, the first slice (by name) wins when two
 * slices list the same address (but ports of the later slice that the first lacks are added),
 * FQDN slices are skipped, and unset conditions take the API's meaning (ready unset = ready,
 * serving unset = ready, terminating unset = false). Entries are
 * sorted by address so equal inputs give {@code equals} views. The view's trigger time is the
 * newest {@value #TRIGGER_TIME_ANNOTATION} among the slices.
 *
 * <p>Pure functions; thread-safe.
 */
public final class EndpointAggregator {

  /** The label naming the service an EndpointSlice belongs to. */
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  /** When the change behind a slice was made (RFC 3339), set by the EndpointSlice controller. */
  public static final String TRIGGER_TIME_ANNOTATION = "endpoints.kubernetes.io/last-change-trigger-time";

  private EndpointAggregator() {
  }

  /** The service a slice belongs to, or "" when the slice has no service-name label. */
  public static String serviceName(ObjectNode slice) {
    return slice.path("metadata").path("labels").path(SERVICE_NAME_LABEL).asText("");
  }

  /**
   * Every service's view from slices of any services and namespaces, keyed {@code namespace/service}
   * in the order first seen; slices without a service-name label belong to none and are skipped.
   */
  public static Map<String, EndpointView> byService(Collection<ObjectNode> slices) {
    Map<String, List<ObjectNode>> grouped = new LinkedHashMap<>();
    for (ObjectNode slice : slices) {
      String service = serviceName(slice);
      if (!service.isEmpty()) {
        String namespace = slice.path("metadata").path("namespace").asText("");
        grouped.computeIfAbsent((namespace.isEmpty() ? "default" : namespace) + "/" + service,
            k -> new ArrayList<>()).add(slice);
      }
    }
    Map<String, EndpointView> views = new LinkedHashMap<>();
    grouped.forEach((key, list) -> {
      int slash = key.indexOf('/');
      views.put(key, aggregate(key.substring(0, slash), key.substring(slash + 1), list));
    });
    return views;
  }

  public static EndpointView aggregate(String namespace, String service, Collection<ObjectNode> slices) {
    List<ObjectNode> ordered = new ArrayList<>(slices);
    ordered.sort(Comparator.comparing(Meta::name));
    Map<String, Endpoint> byAddress = new LinkedHashMap<>();
    long triggerMillis = 0;
    for (ObjectNode slice : ordered) {
      triggerMillis = Math.max(triggerMillis, triggerTimeMillis(slice));
      if (slice.path("addressType").asText("").equals("FQDN")) {
        continue;
      }
      Map<String, EndpointPort> ports = new LinkedHashMap<>();
      for (JsonNode port : slice.path("ports")) {
        ports.put(ViewTranslator.text(port, "name", ""), EndpointPort.newBuilder()
            .setPort(port.path("port").asInt(0))
            .setProtocol(ViewTranslator.text(port, "protocol", "TCP"))
            .setAppProtocol(ViewTranslator.text(port, "appProtocol", ""))
            .build());
      }
      for (JsonNode endpoint : slice.path("endpoints")) {
        JsonNode conditions = endpoint.path("conditions");
        boolean ready = conditions.path("ready").asBoolean(true);
        boolean serving = conditions.has("serving") && !conditions.get("serving").isNull()
            ? conditions.get("serving").asBoolean() : ready;
        boolean terminating = conditions.path("terminating").asBoolean(false);
        JsonNode target = endpoint.path("targetRef");
        boolean podTarget = ViewTranslator.text(target, "kind", "Pod").equals("Pod");
        for (JsonNode address : endpoint.path("addresses")) {
          Endpoint seen = byAddress.get(address.asText());
          if (seen != null) {
            // The same address in another slice with other ports (a Service's ports split over
            // slices, as the conformance test writes them): its ports join; kube-proxy keys
            // endpoints by service port, so each port finds it. The first slice keeps the rest.
            Map<String, EndpointPort> more = new LinkedHashMap<>(ports);
            more.keySet().removeAll(seen.getPortsMap().keySet());
            if (!more.isEmpty()) {
              byAddress.put(address.asText(), seen.toBuilder().putAllPorts(more).build());
            }
            continue;
          }
          List<String> hintZones = new ArrayList<>();
          for (JsonNode zone : endpoint.path("hints").path("forZones")) {
            String name = ViewTranslator.text(zone, "name", "");
            if (!name.isEmpty()) {
              hintZones.add(name);
            }
          }
          byAddress.put(address.asText(), Endpoint.newBuilder()
              .setAddress(address.asText())
              .addAllHintZones(hintZones)
              .putAllPorts(ports)
              .setNodeName(ViewTranslator.text(endpoint, "nodeName", ""))
              .setZone(ViewTranslator.text(endpoint, "zone", ""))
              .setHostname(ViewTranslator.text(endpoint, "hostname", ""))
              .setReady(ready)
              .setServing(serving)
              .setTerminating(terminating)
              .setTargetPodName(podTarget ? ViewTranslator.text(target, "name", "") : "")
              .setTargetPodUid(podTarget ? ViewTranslator.text(target, "uid", "") : "")
              .build());
        }
      }
    }
    List<Endpoint> endpoints = new ArrayList<>(byAddress.values());
    endpoints.sort(Comparator.comparing(Endpoint::getAddress));
    return EndpointView.newBuilder().setNamespace(namespace).setServiceName(service).addAllEndpoints(endpoints)
        .setLastChangeTriggerTimeMillis(triggerMillis).build();
  }

  /** A slice's {@value #TRIGGER_TIME_ANNOTATION} in epoch milliseconds; 0 when absent or not RFC 3339. */
  static long triggerTimeMillis(ObjectNode slice) {
    String text = slice.path("metadata").path("annotations").path(TRIGGER_TIME_ANNOTATION).asText("");
    if (text.isEmpty()) {
      return 0;
    }
    try {
      return Math.max(0, OffsetDateTime.parse(text).toInstant().toEpochMilli());
    } catch (DateTimeParseException | ArithmeticException e) {
      return 0;
    }
  }
}
