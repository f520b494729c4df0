package io.gantry.cni;

import java.util.List;
import java.util.Map;

/**
 * The network configuration a runtime streams on stdin, with the fields every command shares checked:
 * {@code cniVersion} (one of {@link #SUPPORTED_VERSIONS}, code 1 otherwise), {@code name} (usable as a
 * directory name) and {@code type}. Plugin fields are read by the mode that needs them, through the
 * typed getters here, which name the field in their code-7 errors.
 */
public record NetConf(String cniVersion, String name, String type, Map<String, Object> raw) {

  /**
   * The spec versions this plugin speaks, oldest first: the result format of 0.3.0 to 0.4.0 differs
   * from 1.0.0's only in each IP's {@code version}, so configurations written for the reference
   * plugins of those versions work unchanged.
   */
  public static final List<String> SUPPORTED_VERSIONS = List.of("0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0");
  /** The newest supported version: used for VERSION output and for errors before a version is known. */
  public static final String LATEST = "1.1.0";

  /** Validates the shared fields of a parsed configuration. */
  @SuppressWarnings("unchecked")
  public static NetConf from(Object json, CniEnv.Command command) throws CniException {
    if (!(json instanceof Map<?, ?> map)) {
      throw new CniException(CniException.DECODING_FAILURE,
          "the network configuration on stdin is not a JSON object");
    }
    Map<String, Object> raw = (Map<String, Object>) map;
    Object version = raw.get("cniVersion");
    if (version != null && !(version instanceof String)) {
      throw new CniException(CniException.DECODING_FAILURE,
          "cniVersion: " + version + " (expected: a version string such as \"1.1.0\")");
    }
    // As libcni decodes it: no cniVersion means the configuration predates the field, i.e. 0.1.0.
    String v = version == null || ((String) version).isEmpty() ? "0.1.0" : (String) version;
    if (!SUPPORTED_VERSIONS.contains(v)) {
      throw new CniException(CniException.INCOMPATIBLE_VERSION, "incompatible CNI versions",
          "config is \"" + (v.length() > 64 ? v.substring(0, 64) + "..." : v) + "\""
              + (version == null ? " (cniVersion is missing)" : "")
              + ", plugin supports " + supportedList());
    }
    if ((command == CniEnv.Command.GC || command == CniEnv.Command.STATUS) && !v.equals("1.1.0")) {
      throw new CniException(CniException.INCOMPATIBLE_VERSION, "config version does not allow " + command,
          command + " needs cniVersion 1.1.0 or later (the configuration says " + v + ")");
    }
    if (command == CniEnv.Command.CHECK && v.startsWith("0.3.")) {
      throw new CniException(CniException.INCOMPATIBLE_VERSION, "config version does not allow CHECK",
          "CHECK needs cniVersion 0.4.0 or later (the configuration says " + v + ")");
    }
    Object name = raw.get("name");
    if (!(name instanceof String n) || n.isEmpty()) {
      throw new CniException(CniException.INVALID_NETWORK_CONFIG, "name is missing (expected: the network name)");
    }
    if (n.length() > 255 || !CniEnv.validIdentifier(n)) {
      throw new CniException(CniException.INVALID_NETWORK_CONFIG, "name: " + CniEnv.abbreviate(n)
          + " (expected: an alphanumeric first character, then alphanumerics, '_', '.' or '-')");
    }
    Object type = raw.get("type");
    if (!(type instanceof String t) || t.isEmpty()) {
      throw new CniException(CniException.INVALID_NETWORK_CONFIG, "type is missing (expected: the plugin name)");
    }
    return new NetConf(v, n, t, raw);
  }

  /** {@code ["0.3.0" ... "1.1.0"]}: the supported versions as libcni's incompatibility details list them. */
  private static String supportedList() {
    StringBuilder list = new StringBuilder("[");
    for (String supported : SUPPORTED_VERSIONS) {
      list.append(list.length() == 1 ? "" : " ").append('"').append(supported).append('"');
    }
    return list.append(']').toString();
  }

  /** One to three dot-separated numbers ({@code 1.1.0}), at most 32 characters: what may be echoed back. */
  public static boolean wellFormedVersion(String v) {
    int parts = 1;
    boolean digit = false;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c >= '0' && c <= '9') {
        digit = true;
      } else if (c == '.' && digit && parts < 3) {
        parts++;
        digit = false;
      } else {
        return false;
      }
    }
    return digit && v.length() <= 32;
  }

  /** Whether results may carry 1.1 fields (interface {@code mtu}). */
  public boolean atLeast11() {
    return cniVersion.equals("1.1.0");
  }

  /** Whether results use the 0.3.0-0.4.0 format, where each IP says its {@code version}. */
  public boolean before100() {
    return cniVersion.startsWith("0.");
  }

  public String string(String key, String fallback) throws CniException {
    Object value = raw.get(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof String s)) {
      throw new CniException(CniException.INVALID_NETWORK_CONFIG, key + ": " + value + " (expected: a string)");
    }
    return s;
  }

  public boolean bool(String key, boolean fallback) throws CniException {
    Object value = raw.get(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Boolean b)) {
      throw new CniException(CniException.INVALID_NETWORK_CONFIG, key + ": " + value + " (expected: true or false)");
    }
    return b;
  }

  /** An integer field within [min, max]; 0 when absent. */
  public int integer(String key, int min, int max) throws CniException {
    Object value = raw.get(key);
    if (value == null) {
      return 0;
    }
    if (!(value instanceof Long l) || l < min || l > max) {
      throw new CniException(CniException.INVALID_NETWORK_CONFIG,
          key + ": " + value + " (expected: an integer from " + min + " to " + max + ")");
    }
    return l.intValue();
  }

  @SuppressWarnings("unchecked")
  public Map<String, Object> object(String key) throws CniException {
    Object value = raw.get(key);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Map<?, ?> m)) {
      throw new CniException(CniException.INVALID_NETWORK_CONFIG, key + ": " + value + " (expected: an object)");
    }
    return (Map<String, Object>) m;
  }
}
