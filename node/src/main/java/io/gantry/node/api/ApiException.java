package io.gantry.node.api;

import java.io.IOException;

/** A non-2xx answer from the API server: the HTTP status and the {@code Status} message. */
public final class ApiException extends IOException {

  private static final long serialVersionUID = 1L;

  private final int code;

  public ApiException(int code, String message) {
    super(code + ": " + message);
    this.code = code;
  }

  /** The HTTP status code (404 not found, 409 conflict, 410 gone, ...). */
  public int code() {
    return code;
  }
}
