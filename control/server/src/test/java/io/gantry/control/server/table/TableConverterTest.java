package io.gantry.control.server.table;

import static io.gantry.control.server.table.Fixtures.NOW;
import static io.gantry.control.server.table.Fixtures.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.table.TableConverter.IncludeObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TableConverterTest {

  private static final String POD = """
      {"apiVersion": "v1", "kind": "Pod",
       "metadata": {"name": "hello", "namespace": "default", "uid": "6c1f3c1e-0000-4000-8000-000000000001",
         "resourceVersion": "109", "creationTimestamp": "2024-05-01T11:59:59Z", "labels": {"app": "hello"},
         "annotations": {"note": "kept"},
         "managedFields": [{"manager": "kubectl-run", "operation": "Update", "apiVersion": "v1",
                            "time": "2024-05-01T11:59:59Z", "fieldsType": "FieldsV1", "fieldsV1": {"f:metadata": {}}}]},
       "spec": {"nodeName": "gantry-node-1", "containers": [{"name": "hello", "image": "nginx"}]},
       "status": {"phase": "Running", "podIPs": [{"ip": "10.244.0.12"}],
         "containerStatuses": [{"name": "hello", "ready": true, "restartCount": 0, "state": {"running": {}}}]}}
      """;

  private static ObjectNode podTable(IncludeObject include) {
    return TableConverter.table(ResourceTypes.PODS, List.of(object(POD)), "112", include, true, NOW);
  }

  @Test
  void podListTableAsKubectlReadsIt() {
    ObjectNode table = podTable(IncludeObject.METADATA);
    assertEquals("Table", table.get("kind").asText());
    assertEquals("meta.k8s.io/v1", table.get("apiVersion").asText());
    assertEquals("{\"resourceVersion\":\"112\"}", Json.string(table.get("metadata")));
    JsonNode ready = table.get("columnDefinitions").get(1);
    assertEquals("{\"name\":\"Ready\",\"type\":\"string\",\"format\":\"\",\"description\":"
        + "\"The aggregate readiness state of this pod for accepting traffic.\",\"priority\":0}", Json.string(ready));
    assertEquals(9, table.get("columnDefinitions").size());
    assertEquals("[\"hello\",\"1/1\",\"Running\",\"0\",\"1s\",\"10.244.0.12\",\"gantry-node-1\",\"<none>\",\"<none>\"]",
        Json.string(table.get("rows").get(0).get("cells")));
    assertFalse(table.get("rows").get(0).has("conditions"));
  }

  @Test
  void metadataRowObjectIsPartialObjectMetadataWithoutManagedFields() {
    JsonNode row = podTable(IncludeObject.METADATA).get("rows").get(0);
    assertEquals(object("""
        {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
         "metadata": {"name": "hello", "namespace": "default", "uid": "6c1f3c1e-0000-4000-8000-000000000001",
           "resourceVersion": "109", "creationTimestamp": "2024-05-01T11:59:59Z", "labels": {"app": "hello"},
           "annotations": {"note": "kept"}}}
        """), row.get("object"));
  }

  @Test
  void objectRowCarriesTheWholeObjectAndLeavesTheInputAlone() {
    ObjectNode pod = object(POD);
    ObjectNode table = TableConverter.table(ResourceTypes.PODS, List.of(pod), "112", IncludeObject.OBJECT, true, NOW);
    assertEquals(object(POD), table.get("rows").get(0).get("object"));
    table.withObject("/rows/0/object/metadata").put("name", "changed");
    assertEquals("hello", pod.get("metadata").get("name").asText());
  }

  @Test
  void objectRowGetsKindAndApiVersionWhenTheStoredObjectLacksThem() {
    ObjectNode table = TableConverter.table(ResourceTypes.DEPLOYMENTS, List.of(object("""
        {"metadata": {"name": "web"}, "spec": {"replicas": 1}}
        """)), null, IncludeObject.OBJECT, true, NOW);
    assertEquals("{\"kind\":\"Deployment\",\"apiVersion\":\"apps/v1\",\"metadata\":{\"name\":\"web\"},\"spec\":{\"replicas\":1}}",
        Json.string(table.get("rows").get(0).get("object")));
  }

  @Test
  void noneRowObjectIsNull() {
    JsonNode row = podTable(IncludeObject.NONE).get("rows").get(0);
    assertTrue(row.has("object"));
    assertTrue(row.get("object").isNull());
  }

  @Test
  void watchEventsAfterTheFirstCarryNullColumnDefinitions() {
    ObjectNode table = TableConverter.table(ResourceTypes.PODS, List.of(object(POD)), "113", IncludeObject.METADATA, false, NOW);
    assertTrue(table.get("columnDefinitions").isNull());
    assertEquals(9, table.get("rows").get(0).get("cells").size());
  }

  @Test
  void singleObjectWithoutResourceVersionAndEmptyList() {
    ObjectNode one = TableConverter.table(ResourceTypes.PODS, List.of(object(POD)), null, IncludeObject.METADATA, true, NOW);
    assertEquals("{}", Json.string(one.get("metadata")));
    ObjectNode none = TableConverter.table(ResourceTypes.PODS, List.of(), "5", IncludeObject.METADATA, true, NOW);
    assertEquals("[]", Json.string(none.get("rows")));
  }

  @Test
  void integerCellsAreJsonNumbers() {
    ObjectNode table = TableConverter.table(ResourceTypes.CONFIGMAPS, List.of(object("""
        {"metadata": {"name": "cfg", "creationTimestamp": "2024-05-01T11:00:00Z"}, "data": {"a": "1", "b": "2"}}
        """)), "7", IncludeObject.NONE, true, NOW);
    assertEquals("[\"cfg\",2,\"60m\"]", Json.string(table.get("rows").get(0).get("cells")));
  }

  @Test
  void finishedPodRowsCarryTheCompletedCondition() {
    ObjectNode table = TableConverter.table(ResourceTypes.PODS, List.of(object("""
        {"metadata": {"name": "failed"}, "spec": {"containers": [{"name": "c"}]}, "status": {"phase": "Failed"}}
        """)), "1", IncludeObject.NONE, true, NOW);
    assertEquals("[{\"type\":\"Completed\",\"status\":\"True\",\"reason\":\"Failed\",\"message\":\"The pod failed.\"}]",
        Json.string(table.get("rows").get(0).get("conditions")));
  }

  @Test
  void kindWithoutPrinterGetsNameAndCreatedAt() {
    ResourceType widgets = new ResourceType("gantry.io", "v1alpha1", "widgets", "widget", "Widget", true,
        List.of(), List.of(), Set.of(), false);
    ObjectNode table = TableConverter.table(widgets, List.of(
        object("""
            {"apiVersion": "gantry.io/v1alpha1", "kind": "Widget",
             "metadata": {"name": "w1", "creationTimestamp": "2024-04-30T09:15:02Z"}}
            """),
        object("""
            {"metadata": {"name": "w2"}}
            """)), "9", IncludeObject.METADATA, true, NOW);
    assertEquals("[{\"name\":\"Name\",\"type\":\"string\",\"format\":\"name\",\"description\":\"" + Column.NAME_DESCRIPTION
        .replace("\n", "\\n") + "\",\"priority\":0},{\"name\":\"Created At\",\"type\":\"date\",\"format\":\"\","
        + "\"description\":\"" + Column.AGE_DESCRIPTION.replace("\n", "\\n") + "\",\"priority\":0}]",
        Json.string(table.get("columnDefinitions")));
    assertEquals("[\"w1\",\"2024-04-30T09:15:02Z\"]", Json.string(table.get("rows").get(0).get("cells")));
    assertEquals("[\"w2\",\"0001-01-01T00:00:00Z\"]", Json.string(table.get("rows").get(1).get("cells")));
  }

  @Test
  void everyServedKindHasItsOwnPrinter() {
    for (ResourceType type : ResourceTypes.ALL) {
      ColumnSet columns = ColumnSets.forType(type);
      // upstream's printRole and printLimitRange print what the default does: Name and Created At
      boolean nameOnly = type == ResourceTypes.ROLES || type == ResourceTypes.CLUSTERROLES
          || type == ResourceTypes.LIMITRANGES;
      assertEquals(nameOnly, columns instanceof DefaultColumns, type.qualifiedName());
      // One cell per column, even for an object with nothing but a name.
      assertEquals(columns.columns().size(), columns.cells(object("{\"metadata\":{\"name\":\"x\"}}"), NOW).size(),
          type.qualifiedName());
    }
    assertSame(PodColumns.INSTANCE, ColumnSets.forType(ResourceTypes.PODS));
  }

  @Test
  void includeObjectParsesKubeApiserverSpellings() {
    assertEquals(IncludeObject.METADATA, IncludeObject.parse(null));
    assertEquals(IncludeObject.METADATA, IncludeObject.parse(""));
    assertEquals(IncludeObject.NONE, IncludeObject.parse("None"));
    assertEquals(IncludeObject.METADATA, IncludeObject.parse("Metadata"));
    assertEquals(IncludeObject.OBJECT, IncludeObject.parse("Object"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IncludeObject.parse("object"));
    assertEquals("unrecognized includeObject value: \"object\"", e.getMessage());
  }

  @Test
  void requiredArguments() {
    assertThrows(NullPointerException.class,
        () -> TableConverter.table(null, List.of(), null, IncludeObject.NONE, true, NOW));
    assertThrows(NullPointerException.class,
        () -> TableConverter.table(ResourceTypes.PODS, List.of(), null, IncludeObject.NONE, true, null));
  }
}
