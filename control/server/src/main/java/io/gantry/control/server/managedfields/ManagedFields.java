package io.gantry.control.server.managedfields;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads and writes {@code metadata.managedFields}. */
public final class ManagedFields {

  private static final String FIELDS_V1 = "FieldsV1";

  private ManagedFields() {}

  /**
   * Whether a client sent the reset form: a list whose entries are all empty objects
   * ({@code [{}]}), which strips ownership entirely. An empty list does not: clients unaware of
   * managedFields must not clear it by accident.
   */
  static boolean isReset(JsonNode managedFields) {
    if (!(managedFields instanceof ArrayNode list) || list.isEmpty()) {
      return false;
    }
    for (JsonNode entry : list) {
      if (!entry.isObject() || !entry.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Decodes a managedFields list; entries of the same owner are merged.
   *
   * @throws IllegalArgumentException naming the field at fault, when an entry is malformed
   */
  public static List<ManagedFieldsEntry> decode(JsonNode managedFields) {
    if (managedFields == null || managedFields.isNull() || managedFields.isMissingNode()) {
      return List.of();
    }
    if (!managedFields.isArray()) {
      throw new IllegalArgumentException("metadata.managedFields: must be a list of ManagedFieldsEntry");
    }
    Map<String, ManagedFieldsEntry> byOwner = new LinkedHashMap<>();
    for (int i = 0; i < managedFields.size(); i++) {
      ManagedFieldsEntry entry = decodeEntry("metadata.managedFields[" + i + "]", managedFields.get(i));
      byOwner.merge(entry.identity(), entry, (a, b) -> a.withFields(a.fields().union(b.fields())));
    }
    return List.copyOf(byOwner.values());
  }

  private static ManagedFieldsEntry decodeEntry(String where, JsonNode entry) {
    if (!entry.isObject()) {
      throw new IllegalArgumentException(where + ": must be an object");
    }
    String operation = entry.path("operation").asText("");
    if (!operation.equals(ManagedFieldsEntry.APPLY) && !operation.equals(ManagedFieldsEntry.UPDATE)) {
      throw new IllegalArgumentException(where + ".operation: Unsupported value: \"" + operation
          + "\": supported values: \"Apply\", \"Update\"");
    }
    String fieldsType = entry.path("fieldsType").asText("");
    if (!fieldsType.equals(FIELDS_V1)) {
      throw new IllegalArgumentException(where + ".fieldsType: Unsupported value: \"" + fieldsType
          + "\": supported values: \"FieldsV1\"");
    }
    FieldSet fields;
    try {
      fields = FieldSet.fromFieldsV1(entry.get("fieldsV1"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + "." + e.getMessage(), e);
    }
    return new ManagedFieldsEntry(entry.path("manager").asText(""), operation, entry.path("apiVersion").asText(""),
        entry.path("time").asText(""), entry.path("subresource").asText(""), fields);
  }

  /** Encodes entries in Kubernetes' order; entries without fields are dropped. */
  public static ArrayNode encode(List<ManagedFieldsEntry> entries) {
    List<ManagedFieldsEntry> sorted = new ArrayList<>(entries);
    sorted.removeIf(entry -> entry.fields().isEmpty());
    sorted.sort(ManagedFieldsEntry.ORDER);
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (ManagedFieldsEntry entry : sorted) {
      ObjectNode json = out.addObject();
      json.put("manager", entry.manager());
      json.put("operation", entry.operation());
      json.put("apiVersion", entry.apiVersion());
      if (!entry.time().isEmpty()) {
        json.put("time", entry.time());
      }
      json.put("fieldsType", FIELDS_V1);
      json.set("fieldsV1", entry.fields().toFieldsV1());
      if (!entry.subresource().isEmpty()) {
        json.put("subresource", entry.subresource());
      }
    }
    return out;
  }
}
