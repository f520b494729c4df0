package io.gantry.control.server.patch;

/**
 * A patch that cannot be applied: malformed, inconsistent with the object, or a failed JSON patch
 * {@code test}. The message is meant for the person who sent the patch and names what was wrong and
 * where, such as {@code doc is missing path: /spec/foo}.
 */
public final class PatchException extends Exception {

  public PatchException(String message) {
    super(message);
  }
}
