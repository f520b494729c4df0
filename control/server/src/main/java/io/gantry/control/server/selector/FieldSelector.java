package io.gantry.control.server.selector;
import com.fasterxml.jackson.databind.node.ObjectNode;
public final class FieldSelector {
  public static FieldSelector parse(String text) { return new FieldSelector(); }
  public boolean matches(ObjectNode o) { return true; }
  public java.util.Optional<String> unsupportedField(io.gantry.control.server.resource.ResourceType t) { return java.util.Optional.empty(); }
}
