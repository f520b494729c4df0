package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The job strategy's {@code generateSelector}: unless {@code spec.manualSelector} is true, the pod
 * template is labelled with the Job's name and uid (legacy and {@code batch.kubernetes.io/} keys)
 * and the selector matches the uid, so that a Job's pods are its own. Labels the client already
 * set are kept; a conflicting one is refused by validation.
 */
final class JobSelectors {

  static final String CONTROLLER_UID = "batch.kubernetes.io/controller-uid";
  static final String JOB_NAME = "batch.kubernetes.io/job-name";
  static final String LEGACY_CONTROLLER_UID = "controller-uid";
  static final String LEGACY_JOB_NAME = "job-name";

  private JobSelectors() {}

  static void generateIfNeeded(ObjectNode job) {
    if (job.path("spec").path("manualSelector").asBoolean(false)) {
      return;
    }
    String name = ObjectMeta.name(job);
    String uid = ObjectMeta.text(job, "uid");
    ObjectNode spec = Defaults.spec(job);
    ObjectNode labels = object(object(object(spec, "template"), "metadata"), "labels");
    putIfAbsent(labels, CONTROLLER_UID, uid);
    putIfAbsent(labels, JOB_NAME, name);
    putIfAbsent(labels, LEGACY_CONTROLLER_UID, uid);
    putIfAbsent(labels, LEGACY_JOB_NAME, name);
    putIfAbsent(object(object(spec, "selector"), "matchLabels"), CONTROLLER_UID, uid);
  }

  private static void putIfAbsent(ObjectNode map, String key, String value) {
    if (!map.has(key)) {
      map.put(key, value);
    }
  }

  private static ObjectNode object(ObjectNode parent, String field) {
    JsonNode node = parent.get(field);
    return node instanceof ObjectNode o ? o : parent.putObject(field);
  }
}
