package io.gantry.control.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SelectorsTest {

  @Test
  void aMalformedLabelSelectorIsABadRequestWordedAsKubeApiserverWordsIt() {
    ApiException e = assertThrows(ApiException.class, () -> Selectors.labels(get("labelSelector", "a in (((")));

    assertEquals(400, e.code());
    assertEquals("unable to parse requirement: found '(', expected: ',', ')' or identifier", e.getMessage());
  }

  @Test
  void aMalformedFieldSelectorIsABadRequestWordedAsKubeApiserverWordsIt() {
    ApiException e = assertThrows(ApiException.class,
        () -> Selectors.fields(ResourceTypes.PODS, get("fieldSelector", "spec.nodeName===x")));

    assertEquals(400, e.code());
    assertEquals("invalid field selector: unescaped character in value: 61", e.getMessage());
  }

  private static ApiRequest get(String param, String value) {
    return new ApiRequest("GET", "/api/v1/pods", Map.of(param, List.of(value)), "application/json", null, null);
  }
}
