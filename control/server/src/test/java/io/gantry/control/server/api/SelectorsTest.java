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

  @Test
  void theEventsApiSelectsOnItsOwnFieldNamesMappedOntoTheCoreOnes() throws ApiException {
    assertEquals("involvedObject.name=web,reportingComponent=ctl", Selectors.fields(ResourceTypes.EVENTS_V1,
        get("fieldSelector", "regarding.name=web,reportingController=ctl")).toString());
    ApiException e = assertThrows(ApiException.class,
        () -> Selectors.fields(ResourceTypes.EVENTS_V1, get("fieldSelector", "involvedObject.name=web")));
    assertEquals(400, e.code());
    assertEquals("field label not supported: involvedObject.name", e.getMessage());
    // the core API keeps its own names
    assertEquals("involvedObject.name=web", Selectors.fields(ResourceTypes.EVENTS,
        get("fieldSelector", "involvedObject.name=web")).toString());
  }

  private static ApiRequest get(String param, String value) {
    return new ApiRequest("GET", "/api/v1/pods", Map.of(param, List.of(value)), "application/json", null, null);
  }
}
