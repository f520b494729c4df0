package io.gantry.control.server.auth;

/** A token that does not authenticate, with kube-apiserver's words for why (a TokenReview's {@code status.error}). */
public final class TokenRejected extends Exception {
  private static final long serialVersionUID = 1L;

  public TokenRejected(String message) {
    super(message, null, false, false);
  }
}
