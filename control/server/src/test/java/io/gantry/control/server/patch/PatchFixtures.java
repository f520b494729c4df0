package io.gantry.control.server.patch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import java.io.UncheckedIOException;
import java.util.Map;

/** Small factories for the tests: JSON parsing and realistic live objects as kubectl created them. */
final class PatchFixtures {

  /** A last-applied-configuration annotation value, as kubectl writes it (compact JSON + newline). */
  static final String OLD_LA = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\"}\n";
  static final String NEW_LA = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"spec\":{}}\n";

  private PatchFixtures() {}

  static JsonNode json(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObjectNode object(String text) {
    return (ObjectNode) json(text);
  }

  /** Replaces {@code <OLD>} and {@code <NEW>} by the quoted annotation values. */
  static ObjectNode withAnnotations(String text) {
    return object(text.replace("<OLD>", quote(OLD_LA)).replace("<NEW>", quote(NEW_LA)));
  }

  private static String quote(String value) {
    return Json.string(Json.MAPPER.getNodeFactory().textNode(value));
  }

  /** The Deployment of demo.yaml after the first apply: containers web (env, port 80) and sidecar. */
  static ObjectNode deployment() {
    return withAnnotations("""
        {"apiVersion":"apps/v1","kind":"Deployment",
         "metadata":{"name":"web","namespace":"demo","uid":"0b6a4c1e","resourceVersion":"101","generation":1,
           "labels":{"app":"web"},
           "annotations":{"kubectl.kubernetes.io/last-applied-configuration":<OLD>}},
         "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
           "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}},
           "template":{"metadata":{"labels":{"app":"web"}},
             "spec":{"containers":[
               {"name":"web","image":"nginx:1.25","ports":[{"containerPort":80,"protocol":"TCP"}],
                "env":[{"name":"MODE","value":"blue"}]},
               {"name":"sidecar","image":"busybox:1.36","command":["sh","-c","sleep 3600"]}]}}},
         "status":{"observedGeneration":1,"replicas":2,"readyReplicas":2}}
        """);
  }

  /** The NodePort Service of demo.yaml after the first apply, with the allocated nodePort. */
  static ObjectNode service() {
    return withAnnotations("""
        {"apiVersion":"v1","kind":"Service",
         "metadata":{"name":"web","namespace":"demo","resourceVersion":"102",
           "annotations":{"kubectl.kubernetes.io/last-applied-configuration":<OLD>}},
         "spec":{"type":"NodePort","selector":{"app":"web"},"clusterIP":"10.96.0.12","clusterIPs":["10.96.0.12"],
           "ports":[{"name":"http","port":80,"targetPort":80,"protocol":"TCP","nodePort":30080}]}}
        """);
  }

  /** Every key anywhere in {@code node} that starts with {@code $}. */
  static Map<String, String> directiveKeys(JsonNode node) {
    Map<String, String> found = new java.util.TreeMap<>();
    collect("", node, found);
    return found;
  }

  private static void collect(String path, JsonNode node, Map<String, String> found) {
    if (node.isObject()) {
      node.properties().forEach(member -> {
        if (member.getKey().startsWith("$")) {
          found.put(path + "/" + member.getKey(), member.getValue().toString());
        }
        collect(path + "/" + member.getKey(), member.getValue(), found);
      });
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        collect(path + "/" + i, node.get(i), found);
      }
    }
  }
}
