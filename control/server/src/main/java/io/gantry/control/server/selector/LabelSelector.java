package io.gantry.control.server.selector;
import com.fasterxml.jackson.databind.JsonNode;
public final class LabelSelector {
  public static LabelSelector parse(String text) { return new LabelSelector(); }
  public static LabelSelector fromJson(JsonNode n) { return new LabelSelector(); }
  public boolean matches(JsonNode labels) { return true; }
  public boolean matches(java.util.Map<String,String> labels) { return true; }
  public boolean isEmpty() { return true; }
  @Override public String toString() { return ""; }
}
