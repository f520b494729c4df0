package io.gantry.control.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;

/** The 422 kube-apiserver answers for a write's options (CreateOptions, UpdateOptions, ...) that it does not support. */
final class InvalidOptions {

  private InvalidOptions() {}

  /**
   * {@code <kind>.meta.k8s.io "" is invalid: <field>: Unsupported value: <value>: supported values: <supported>},
   * as field.NotSupported words it.
   *
   * @param value     the value as Go prints it (quoted, or a {@code []string{...}})
   * @param supported the supported values, each quoted, joined by {@code ", "}
   */
  static ApiException notSupported(String optionsKind, String field, String value, String supported) {
    String body = "Unsupported value: " + value + ": supported values: " + supported;
    ObjectNode details = Json.object();
    details.put("group", "meta.k8s.io");
    details.put("kind", optionsKind);
    ObjectNode cause = details.putArray("causes").addObject();
    cause.put("reason", "FieldValueNotSupported");
    cause.put("message", body);
    cause.put("field", field);
    return new ApiException(422, "Invalid", optionsKind + ".meta.k8s.io \"\" is invalid: " + field + ": " + body,
        details);
  }
}
