package io.gantry.control.server.proto;

/**
 * A protobuf request body that cannot be decoded. The message says what was wrong in words a
 * person can act on; the HTTP layer answers it as a 400 (415 only for an unsupported media type).
 */
public final class ProtobufBodyException extends Exception {

  private static final long serialVersionUID = 1L;

  public ProtobufBodyException(String message) {
    super(message);
  }

  public ProtobufBodyException(String message, Throwable cause) {
    super(message, cause);
  }
}
