package io.gantry.control.server.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.resource.ResourceType;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Builds the {@code meta.k8s.io/v1 Table} that {@code kubectl get} asks for with
 * {@code Accept: application/json;as=Table;v=v1;g=meta.k8s.io}: the columns and cells kube-apiserver
 * prints for the kind (see {@link ColumnSets}) and, per row, the object as {@code ?includeObject=}
 * asks.
 */
public final class TableConverter {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private TableConverter() {}

  /** Which object a row carries: kubectl sends {@code ?includeObject=None|Metadata|Object}. */
  public enum IncludeObject {
    /** {@code "object": null}. */
    NONE,
    /** A {@code PartialObjectMetadata} with the object's metadata minus {@code managedFields} (the default). */
    METADATA,
    /** The whole object ({@code kubectl get --sort-by} needs it). */
    OBJECT;

    /**
     * Parses the query value: {@code None}, {@code Metadata} or {@code Object}, exactly as
     * kube-apiserver spells them; absent or empty means {@link #METADATA}.
     *
     * @throws IllegalArgumentException for any other value, with kube-apiserver's message (a 400)
     */
    public static IncludeObject parse(String queryValue) {
      if (queryValue == null || queryValue.isEmpty()) {
        return METADATA;
      }
      return switch (queryValue) {
        case "None" -> NONE;
        case "Metadata" -> METADATA;
        case "Object" -> OBJECT;
        default -> throw new IllegalArgumentException("unrecognized includeObject value: \"" + queryValue + "\"");
      };
    }
  }

  /**
   * A Table for a list, a single object or one watch event.
   *
   * @param type                     the kind of every object
   * @param objects                  the objects, one row each, in order
   * @param resourceVersion          the Table's {@code metadata.resourceVersion} (the list's, or the
   *                                 object's); null leaves it out
   * @param include                  which object each row carries
   * @param includeColumnDefinitions false gives {@code "columnDefinitions": null}, as kube-apiserver
   *                                 sends in watch events after the first
   * @param now                      the clock for ages
   */
  public static ObjectNode table(ResourceType type, List<ObjectNode> objects, String resourceVersion,
      IncludeObject include, boolean includeColumnDefinitions, Instant now) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(objects, "objects");
    Objects.requireNonNull(include, "include");
    Objects.requireNonNull(now, "now");
    ColumnSet columns = ColumnSets.forType(type);

    ObjectNode table = NODES.objectNode();
    table.put("kind", "Table");
    table.put("apiVersion", "meta.k8s.io/v1");
    ObjectNode metadata = table.putObject("metadata");
    if (resourceVersion != null && !resourceVersion.isEmpty()) {
      metadata.put("resourceVersion", resourceVersion);
    }
    if (includeColumnDefinitions) {
      ArrayNode definitions = table.putArray("columnDefinitions");
      for (Column column : columns.columns()) {
        definitions.addObject()
            .put("name", column.name())
            .put("type", column.type())
            .put("format", column.format())
            .put("description", column.description())
            .put("priority", column.priority());
      }
    } else {
      table.putNull("columnDefinitions");
    }
    ArrayNode rows = table.putArray("rows");
    for (ObjectNode object : objects) {
      rows.add(row(columns, Objects.requireNonNull(object, "objects[]"), type, include, now));
    }
    return table;
  }

  private static ObjectNode row(ColumnSet columns, ObjectNode object, ResourceType type, IncludeObject include,
      Instant now) {
    ObjectNode row = NODES.objectNode();
    ArrayNode cells = row.putArray("cells");
    for (Object cell : columns.cells(object, now)) {
      cells.add(cell(cell));
    }
    List<RowCondition> conditions = columns.conditions(object);
    if (!conditions.isEmpty()) {
      ArrayNode array = row.putArray("conditions");
      for (RowCondition c : conditions) {
        array.addObject()
            .put("type", c.type())
            .put("status", c.status())
            .put("reason", c.reason())
            .put("message", c.message());
      }
    }
    switch (include) {
      case NONE -> row.putNull("object");
      case METADATA -> row.set("object", partialObjectMetadata(object));
      case OBJECT -> row.set("object", fullObject(object, type));
    }
    return row;
  }

  private static JsonNode cell(Object value) {
    return switch (value) {
      case null -> NODES.nullNode();
      case String s -> NODES.textNode(s);
      case Long l -> NODES.numberNode(l);
      case Integer i -> NODES.numberNode(i.longValue());
      case Boolean b -> NODES.booleanNode(b);
      default -> throw new IllegalStateException("cell: " + value.getClass().getName()
          + " (expected: String, Long, Integer or Boolean)");
    };
  }

  /** The object as a {@code meta.k8s.io/v1 PartialObjectMetadata}: its metadata without managedFields. */
  public static ObjectNode partialObjectMetadata(ObjectNode object) {
    ObjectNode partial = NODES.objectNode();
    partial.put("kind", "PartialObjectMetadata");
    partial.put("apiVersion", "meta.k8s.io/v1");
    JsonNode metadata = object.get("metadata");
    ObjectNode copy = metadata instanceof ObjectNode m ? m.deepCopy() : NODES.objectNode();
    copy.remove("managedFields");
    partial.set("metadata", copy);
    return partial;
  }

  private static ObjectNode fullObject(ObjectNode object, ResourceType type) {
    ObjectNode copy = NODES.objectNode();
    // kube-apiserver converts to the requested version, which always names it: keep kind and apiVersion first.
    copy.put("kind", object.path("kind").isTextual() ? object.get("kind").asText() : type.kind());
    copy.put("apiVersion", object.path("apiVersion").isTextual() ? object.get("apiVersion").asText() : type.apiVersion());
    copy.setAll(object.deepCopy());
    return copy;
  }
}
