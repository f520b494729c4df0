package io.gantry.control.server.api;

/**
 * The field manager of a write request, as kube-apiserver names it: the {@code fieldManager}
 * query parameter, else the User-Agent up to its first {@code /} ({@code kubectl/v1.32.4 (linux/amd64)}
 * is {@code kubectl}). Server-side apply requires the parameter; {@code force} is for apply only.
 */
final class FieldManagers {

  /** The longest name kube-apiserver accepts. */
  static final int MAX_LENGTH = 128;

  private static final String FALLBACK = "unknown";

  private FieldManagers() {}

  static String of(ApiRequest request) throws ApiException {
    String given = request.param("fieldManager");
    if (given != null && !given.isEmpty()) {
      return check(given);
    }
    String agent = request.userAgent();
    int slash = agent.indexOf('/');
    String prefix = (slash < 0 ? agent : agent.substring(0, slash)).strip();
    if (prefix.length() > MAX_LENGTH) {
      prefix = prefix.substring(0, MAX_LENGTH);
    }
    return prefix.isEmpty() || !printable(prefix) ? FALLBACK : prefix;
  }

  /** The manager of a server-side apply, which must be named. */
  static String ofApply(ApiRequest request) throws ApiException {
    String given = request.param("fieldManager");
    if (given == null || given.isEmpty()) {
      throw invalid("fieldManager: Required value: is required for apply patch");
    }
    return check(given);
  }

  /** Whether the request forces an apply; {@code force} on anything but an apply is refused. */
  static boolean force(ApiRequest request, boolean apply) throws ApiException {
    String force = request.param("force");
    if (force == null || force.isEmpty()) {
      return false;
    }
    if (!force.equals("true") && !force.equals("false")) {
      throw ApiException.badRequest("force: " + force + " (expected: true or false)");
    }
    if (!apply && force.equals("true")) {
      throw invalid("force: Forbidden: may not be specified for non-apply patch");
    }
    return force.equals("true");
  }

  private static String check(String manager) throws ApiException {
    if (manager.length() > MAX_LENGTH) {
      throw invalid("fieldManager: Too long: may not be longer than " + MAX_LENGTH + " characters");
    }
    if (!printable(manager)) {
      throw invalid("fieldManager: Invalid value: \"" + manager + "\": must only contain printable characters");
    }
    return manager;
  }

  private static boolean printable(String text) {
    return text.codePoints().allMatch(c -> c >= 0x20 && c != 0x7f);
  }

  private static ApiException invalid(String cause) {
    return new ApiException(422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: " + cause, null);
  }
}
