package io.gantry.control.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestBodiesTest {

  @Test
  void aYamlBodyHasItsAliasesAndMergeKeysResolved() throws Exception {
    JsonNode body = RequestBodies.tree(yaml("""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: c
          labels: &labels {app: web, tier: front}
          annotations:
            <<: *labels
            tier: back
        """));

    assertEquals("web", body.at("/metadata/annotations/app").asText(), body::toString);
    assertEquals("back", body.at("/metadata/annotations/tier").asText(), body::toString);
    assertEquals("{\"app\":\"web\",\"tier\":\"front\"}", body.at("/metadata/labels").toString());
  }

  @Test
  void aYamlBodyWithSeveralDocumentsIsABadRequest() {
    ApiException e = org.junit.jupiter.api.Assertions.assertThrows(ApiException.class,
        () -> RequestBodies.tree(yaml("a: 1\n---\nb: 2\n")));

    assertEquals(400, e.code());
    assertTrue(e.getMessage().contains("expected one YAML document, found 2"), e.getMessage());
  }

  private static ApiRequest yaml(String body) {
    return new ApiRequest("POST", "/api/v1/namespaces/default/configmaps", Map.of(), "application/json",
        "application/yaml", body.getBytes(StandardCharsets.UTF_8));
  }
}
