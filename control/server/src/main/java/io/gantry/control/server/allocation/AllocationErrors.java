package io.gantry.control.server.allocation;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.validation.FieldError;
import io.gantry.control.server.validation.ObjectValidator;
import java.util.List;

/** The errors kube-apiserver's allocators return, worded as upstream's. */
final class AllocationErrors {

  static final String ALREADY_ALLOCATED_IP = "provided IP is already allocated";
  static final String ALREADY_ALLOCATED_PORT = "provided port is already allocated";
  static final String RANGE_FULL = "range is full";

  private AllocationErrors() {}

  /** 422 Invalid with one field error, e.g. {@code spec.ports[0].nodePort: Invalid value: 30080: ...}. */
  static ApiException invalid(ResourceType type, String name, String field, Object value, String detail) {
    return invalid(type, name, new FieldError(field, FieldError.Type.INVALID, value, detail));
  }

  static ApiException forbidden(ResourceType type, String name, String field, String detail) {
    return invalid(type, name, new FieldError(field, FieldError.Type.FORBIDDEN, "", detail));
  }

  static ApiException invalid(ResourceType type, String name, FieldError error) {
    ObjectNode details = Json.object();
    details.put("name", name);
    if (!type.group().isEmpty()) {
      details.put("group", type.group());
    }
    details.put("kind", type.kind());
    ArrayNode causes = details.putArray("causes");
    ObjectNode cause = causes.addObject();
    cause.put("reason", error.type().reason());
    cause.put("message", error.body());
    cause.put("field", error.field());
    return ApiException.invalid(type, name, ObjectValidator.invalidMessage(type, name, List.of(error)), details);
  }

  /** 500 InternalError, as upstream answers an exhausted range: {@code failed to allocate a serviceIP: range is full}. */
  static ApiException internal(String message) {
    return ApiException.internal(message);
  }

  /** Upstream's {@code ErrNotInRange} for IPs, as kube-apiserver 1.27 and later word it. */
  static String ipNotInRange(String ip, Pool pool) {
    return "the provided IP (" + ip + ") is not in the valid range. The range of valid IPs is " + pool.range();
  }

  static String portNotInRange(Pool pool) {
    return "provided port is not in the valid range. The range of valid ports is " + pool.range();
  }
}
