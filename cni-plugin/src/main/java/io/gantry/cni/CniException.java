package io.gantry.cni;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A CNI error: the spec's well-known code (or a plugin-specific one, 100+), a short message and
 * optional details. {@link Main} prints it as the spec's error JSON on stdout and exits non-zero.
 */
public final class CniException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Incompatible CNI version. */
  public static final int INCOMPATIBLE_VERSION = 1;
  /** Unsupported field in the network configuration; the message names key and value. */
  public static final int UNSUPPORTED_FIELD = 2;
  /** Container unknown or does not exist (the runtime need not clean up). */
  public static final int UNKNOWN_CONTAINER = 3;
  /** Invalid necessary environment variables; the message names them. */
  public static final int INVALID_ENVIRONMENT = 4;
  /** I/O failure, for example reading stdin. */
  public static final int IO_FAILURE = 5;
  /** Failed to decode content (malformed JSON). */
  public static final int DECODING_FAILURE = 6;
  /** Invalid network configuration. */
  public static final int INVALID_NETWORK_CONFIG = 7;
  /** A transient condition: try again later. */
  public static final int TRY_AGAIN_LATER = 11;
  /** STATUS: the plugin cannot service ADD requests. */
  public static final int PLUGIN_NOT_AVAILABLE = 50;
  /** Plugin-specific: an operation on the host or in the pod namespace failed. */
  public static final int INTERNAL = 100;
  /** Plugin-specific: every address of the configured ranges is taken. */
  public static final int RANGE_EXHAUSTED = 101;
  /** Plugin-specific: CHECK found the pod's networking not as ADD left it. */
  public static final int CHECK_FAILED = 102;

  private final int code;
  private final String details;

  public CniException(int code, String msg) {
    this(code, msg, null);
  }

  public CniException(int code, String msg, String details) {
    super(msg);
    this.code = code;
    this.details = details;
  }

  public int code() {
    return code;
  }

  public String details() {
    return details;
  }

  /** The spec's error object for the given result version: cniVersion, code, msg, details. */
  public Map<String, Object> toJson(String cniVersion) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("cniVersion", cniVersion);
    error.put("code", code);
    error.put("msg", getMessage());
    // The 1.0 spec lists details among the error's keys (0.x had it optional): always present, the
    // message itself when there is nothing longer to say.
    error.put("details", details != null && !details.isEmpty() ? details : getMessage());
    return error;
  }
}
