package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;

/**
 * kube-apiserver's DefaultTolerationSeconds admission plugin: a pod created without a toleration
 * of the {@code node.kubernetes.io/not-ready} or {@code node.kubernetes.io/unreachable} NoExecute
 * taint gets one for {@code seconds} (Gantry's {@code --pod-eviction-timeout}), so that the pods
 * of a failed node are evicted after that time, as the node lifecycle controller reads it.
 */
public final class DefaultTolerationSecondsAdmission implements WritePlugin {

  private static final String NOT_READY = "node.kubernetes.io/not-ready";
  private static final String UNREACHABLE = "node.kubernetes.io/unreachable";

  private final long seconds;

  public DefaultTolerationSecondsAdmission(long seconds) {
    if (seconds < 0) {
      throw new IllegalArgumentException("seconds: " + seconds + " (expected: 0 or more)");
    }
    this.seconds = seconds;
  }

  @Override
  public void admitCreate(ResourceType type, ObjectNode object) {
    if (type != ResourceTypes.PODS) {
      return;
    }
    ObjectNode spec = Defaults.spec(object);
    boolean notReady = false;
    boolean unreachable = false;
    for (JsonNode toleration : spec.path("tolerations")) {
      String key = toleration.path("key").asText("");
      String effect = toleration.path("effect").asText("");
      boolean noExecute = effect.isEmpty() || effect.equals("NoExecute");
      notReady |= noExecute && (key.isEmpty() || key.equals(NOT_READY));
      unreachable |= noExecute && (key.isEmpty() || key.equals(UNREACHABLE));
    }
    if (notReady && unreachable) {
      return;
    }
    ArrayNode tolerations = spec.get("tolerations") instanceof ArrayNode list ? list : spec.putArray("tolerations");
    if (!notReady) {
      tolerations.addObject().put("key", NOT_READY).put("operator", "Exists").put("effect", "NoExecute")
          .put("tolerationSeconds", seconds);
    }
    if (!unreachable) {
      tolerations.addObject().put("key", UNREACHABLE).put("operator", "Exists").put("effect", "NoExecute")
          .put("tolerationSeconds", seconds);
    }
  }
}
