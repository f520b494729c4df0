package io.gantry.control.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.store.Store;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code resourceVersion}, {@code resourceVersionMatch} and {@code sendInitialEvents} rules
 * of list and watch requests, as kube-apiserver's ValidateListOptions and its consistency
 * semantics: a list at a resourceVersion the server has not reached waits briefly, then fails
 * with 504 {@code ResourceVersionTooLarge}; an exact list is read at its revision while the
 * store's history still holds it.
 */
public final class ListOptionsCheck {

  private static final long TOO_LARGE_WAIT_MILLIS = 3_000;
  private static final long POLL_MILLIS = 50;

  private ListOptionsCheck() {}

  /** Refuses option combinations Kubernetes forbids (422, as {@code ListOptions.meta.k8s.io "" is invalid}). */
  public static void validate(ApiRequest request, boolean watch) throws ApiException {
    String version = orEmpty(request.param("resourceVersion"));
    String match = orEmpty(request.param("resourceVersionMatch"));
    String cont = orEmpty(request.param("continue"));
    boolean initialEvents = request.param("sendInitialEvents") != null;
    List<String[]> errors = new ArrayList<>();
    requireNumber(version);
    String timeout = orEmpty(request.param("timeoutSeconds"));
    if (!timeout.isEmpty()) {
      try {
        Long.parseLong(timeout);
      } catch (NumberFormatException e) { // the parameter codec's int64 conversion, a 400 before any watch
        throw ApiException.badRequest("timeoutSeconds: strconv.ParseInt: parsing \"" + timeout + "\""
            + ": invalid syntax");
      }
    }
    if (watch) {
      if (initialEvents && !match.equals("NotOlderThan")) {
        errors.add(forbidden("resourceVersionMatch", "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"));
      }
      if (!match.isEmpty()) {
        if (!initialEvents) {
          errors.add(forbidden("resourceVersionMatch",
              "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"));
        }
        if (!match.equals("NotOlderThan")) {
          errors.add(notSupported("resourceVersionMatch", match, "\"NotOlderThan\""));
        }
        if (!cont.isEmpty()) {
          errors.add(forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"));
        }
      }
    } else {
      if (!match.isEmpty()) {
        if (version.isEmpty()) {
          errors.add(forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden unless resourceVersion is provided"));
        }
        if (!cont.isEmpty()) {
          errors.add(forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"));
        }
        if (!match.equals("Exact") && !match.equals("NotOlderThan")) {
          errors.add(notSupported("resourceVersionMatch", match, "\"Exact\", \"NotOlderThan\", \"\""));
        }
        if (match.equals("Exact") && version.equals("0")) {
          errors.add(forbidden("resourceVersionMatch",
              "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""));
        }
      }
      if (initialEvents) {
        errors.add(forbidden("sendInitialEvents", "sendInitialEvents is forbidden for list"));
      }
      if (!cont.isEmpty() && !version.isEmpty() && !version.equals("0") && errors.isEmpty()) {
        // the storage's check: a continue token carries its own revision
        throw ApiException.badRequest("specifying resource version is not allowed when using continue");
      }
    }
    if (!errors.isEmpty()) {
      throw invalid(errors);
    }
  }

  /**
   * Before a list is read: waits (bounded) for the store to reach a resourceVersion the client has
   * seen, and answers the revision to read at ({@code 0} for the current one). As the API
   * concepts' table has it, a {@code resourceVersion} is read exactly with
   * {@code resourceVersionMatch=Exact}, or with a {@code limit} and no match; otherwise it only
   * bounds how old the answer may be, and the current revision is newer still.
   */
  static long listRevision(ApiRequest request, Store store, int limit) throws ApiException {
    String version = orEmpty(request.param("resourceVersion"));
    if (version.isEmpty() || version.equals("0") || !orEmpty(request.param("continue")).isEmpty()) {
      return 0;
    }
    long wanted = Long.parseLong(version);
    awaitRevision(wanted, store);
    String match = orEmpty(request.param("resourceVersionMatch"));
    return match.equals("Exact") || match.isEmpty() && limit > 0 ? wanted : 0;
  }

  /**
   * Before a GET with a {@code resourceVersion}: the object as of that version or newer, so a version
   * the store has not reached is waited for (bounded), as the watch cache does, then 504.
   */
  static void awaitForGet(ApiRequest request, Store store) throws ApiException {
    String version = orEmpty(request.param("resourceVersion"));
    requireNumber(version);
    if (!version.isEmpty() && !version.equals("0")) {
      awaitRevision(Long.parseLong(version), store);
    }
  }

  /** A {@code resourceVersion} is a revision number, as the store's (400 otherwise). */
  private static void requireNumber(String version) throws ApiException {
    if (!version.isEmpty() && (!version.chars().allMatch(Character::isDigit) || version.length() > 18)) {
      throw ApiException.badRequest("resourceVersion: " + version + " (expected: a non-negative integer)");
    }
  }

  private static void awaitRevision(long wanted, Store store) throws ApiException {
    long deadline = System.nanoTime() + TOO_LARGE_WAIT_MILLIS * 1_000_000;
    while (store.currentRevision() < wanted) {
      if (System.nanoTime() > deadline) {
        throw tooLarge(wanted, store.currentRevision());
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw tooLarge(wanted, store.currentRevision());
      }
    }
  }

  private static ApiException tooLarge(long wanted, long current) {
    ObjectNode details = Json.object();
    ObjectNode cause = details.putArray("causes").addObject();
    cause.put("reason", "ResourceVersionTooLarge");
    cause.put("message", "Too large resource version");
    details.put("retryAfterSeconds", 1);
    return new ApiException(504, "Timeout",
        "Timeout: Too large resource version: " + wanted + ", current: " + current, details);
  }

  private static String[] forbidden(String field, String detail) {
    return new String[] {field, "FieldValueForbidden", "Forbidden: " + detail};
  }

  private static String[] notSupported(String field, String value, String supported) {
    return new String[] {field, "FieldValueNotSupported",
        "Unsupported value: \"" + value + "\": supported values: " + supported};
  }

  private static ApiException invalid(List<String[]> errors) {
    ObjectNode details = Json.object();
    details.put("group", "meta.k8s.io");
    details.put("kind", "ListOptions");
    var causes = details.putArray("causes");
    List<String> messages = new ArrayList<>();
    for (String[] error : errors) {
      ObjectNode cause = causes.addObject();
      cause.put("reason", error[1]);
      cause.put("message", error[2]);
      cause.put("field", error[0]);
      messages.add(error[0] + ": " + error[2]);
    }
    String joined = messages.size() == 1 ? messages.get(0) : "[" + String.join(", ", messages) + "]";
    return new ApiException(422, "Invalid", "ListOptions.meta.k8s.io \"\" is invalid: " + joined, details);
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }
}
