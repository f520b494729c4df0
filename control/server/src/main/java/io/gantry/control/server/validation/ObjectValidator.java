package io.gantry.control.server.validation;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.resource.ResourceType;
import java.util.List;
public final class ObjectValidator {
  public static List<FieldError> validateCreate(ResourceType t, ObjectNode o) { return List.of(); }
  public static List<FieldError> validateUpdate(ResourceType t, ObjectNode o, ObjectNode old) { return List.of(); }
  public static String invalidMessage(String kind, String name, List<FieldError> e) { return kind; }
}
