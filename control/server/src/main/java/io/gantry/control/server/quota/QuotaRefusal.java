package io.gantry.control.server.quota;

/** A write that a quota refuses; the message is the admission plugin's, without the object's name. */
public final class QuotaRefusal extends Exception {

  private static final long serialVersionUID = 1L;

  public QuotaRefusal(String message) {
    super(message, null, false, false);
  }
}
