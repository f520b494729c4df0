package io.gantry.control.server.validation;

import java.util.Objects;

/**
 * A bad value already rendered as Go would print it with {@code %#v}, for structs and typed nils
 * such as {@code intstr.IntOrString{Type:0, IntVal:0, StrVal:""}} or {@code map[string]string(nil)}.
 */
public record GoLiteral(String text) {

  public GoLiteral {
    Objects.requireNonNull(text, "text");
  }

  @Override
  public String toString() {
    return text;
  }
}
