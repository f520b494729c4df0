package io.gantry.control.server.validation;
public record FieldError(String field, Type type, Object badValue, String detail) {
  public enum Type { INVALID; public String reason() { return "FieldValueInvalid"; } }
  public String message() { return field + ": " + detail; }
}
