package io.gantry.control.server.validation;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One invalid field, as Kubernetes' {@code field.Error}.
 *
 * @param field    the field path as Kubernetes prints it, such as {@code spec.ports[0].port}
 * @param type     what is wrong
 * @param badValue the offending value, rendered like Go's {@code %#v} (see {@link #message()});
 *                 ignored for {@link Type#REQUIRED}, {@link Type#FORBIDDEN} and {@link Type#TOO_LONG}
 * @param detail   the explanation, possibly empty
 */
public record FieldError(String field, Type type, Object badValue, String detail) {

  /** The kinds of field error, with their printed names and {@code StatusCause} reasons. */
  public enum Type {
    NOT_FOUND("Not found", "FieldValueNotFound"),
    REQUIRED("Required value", "FieldValueRequired"),
    DUPLICATE("Duplicate value", "FieldValueDuplicate"),
    INVALID("Invalid value", "FieldValueInvalid"),
    NOT_SUPPORTED("Unsupported value", "FieldValueNotSupported"),
    FORBIDDEN("Forbidden", "FieldValueForbidden"),
    TOO_LONG("Too long", "FieldValueTooLong"),
    TOO_MANY("Too many", "FieldValueTooMany");

    private final String text;
    private final String reason;

    Type(String text, String reason) {
      this.text = text;
      this.reason = reason;
    }

    /** The {@code StatusCause} type, such as {@code FieldValueInvalid}. */
    public String reason() {
      return reason;
    }

    /** The printed name, such as {@code Invalid value}. */
    public String text() {
      return text;
    }
  }

  public FieldError {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(type, "type");
    detail = detail == null ? "" : detail;
  }

  static FieldError required(FieldPath path, String detail) {
    return new FieldError(path.toString(), Type.REQUIRED, "", detail);
  }

  static FieldError invalid(FieldPath path, Object value, String detail) {
    return new FieldError(path.toString(), Type.INVALID, value, detail);
  }

  static FieldError notSupported(FieldPath path, Object value, List<String> supported) {
    String detail = supported.isEmpty() ? ""
        : "supported values: " + supported.stream().map(GoFormat::quote).collect(Collectors.joining(", "));
    return new FieldError(path.toString(), Type.NOT_SUPPORTED, value, detail);
  }

  static FieldError duplicate(FieldPath path, Object value) {
    return new FieldError(path.toString(), Type.DUPLICATE, value, "");
  }

  static FieldError forbidden(FieldPath path, String detail) {
    return new FieldError(path.toString(), Type.FORBIDDEN, "", detail);
  }

  static FieldError notFound(FieldPath path, Object value) {
    return new FieldError(path.toString(), Type.NOT_FOUND, value, "");
  }

  static FieldError tooLong(FieldPath path, int maxBytes) {
    return new FieldError(path.toString(), Type.TOO_LONG, "",
        "may not be more than " + maxBytes + (maxBytes == 1 ? " byte" : " bytes"));
  }

  static FieldError tooMany(FieldPath path, int actual, int max) {
    return new FieldError(path.toString(), Type.TOO_MANY, actual,
        "must have at most " + max + (max == 1 ? " item" : " items"));
  }

  /** The message without the field: Kubernetes' {@code ErrorBody}, also the {@code StatusCause} message. */
  public String body() {
    StringBuilder s = new StringBuilder(type.text());
    switch (type) {
      case REQUIRED, FORBIDDEN, TOO_LONG -> { }
      default -> s.append(": ").append(GoFormat.value(badValue));
    }
    if (!detail.isEmpty()) {
      s.append(": ").append(detail);
    }
    return s.toString();
  }

  /**
   * Exactly as Kubernetes prints it, such as
   * {@code spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive}.
   */
  public String message() {
    return field + ": " + body();
  }

  @Override
  public String toString() {
    return message();
  }
}
