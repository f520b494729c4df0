package io.gantry.control.server.api;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** pods/log options are decoded and validated as kube-apiserver does, before any node is asked. */
class PodLogOptionsTest {

  private static ApiRequest get(String... pairs) {
    Map<String, List<String>> query = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      query.put(pairs[i], List.of(pairs[i + 1]));
    }
    return new ApiRequest("GET", "/api/v1/namespaces/demo/pods/web/log", query, null, null, null);
  }

  private static ApiException refused(String... pairs) {
    return assertThrows(ApiException.class, () -> PodLogs.validate("web", get(pairs)));
  }

  @Test
  void validOptionsPass() {
    assertDoesNotThrow(() -> PodLogs.validate("web", get("tailLines", "0", "limitBytes", "1", "sinceSeconds", "5",
        "timestamps", "true", "previous", "False", "follow", "1")));
    assertDoesNotThrow(() -> PodLogs.validate("web", get("sinceTime", "2026-11-24T03:00:00.5Z")));
  }

  @Test
  void outOfRangeValuesAreInvalidAsValidatePodLogOptionsSays() {
    ApiException tail = refused("tailLines", "-3");
    assertEquals(422, tail.code());
    assertEquals("PodLogOptions \"web\" is invalid: tailLines: Invalid value: -3: must be greater than or equal to 0",
        tail.getMessage());
    assertEquals("PodLogOptions \"web\" is invalid: limitBytes: Invalid value: 0: must be greater than 0",
        refused("limitBytes", "0").getMessage());
    assertEquals("PodLogOptions \"web\" is invalid: sinceSeconds: Invalid value: -5: must be greater than 0",
        refused("sinceSeconds", "-5").getMessage());
    assertEquals("PodLogOptions \"web\" is invalid: [limitBytes: Invalid value: -1: must be greater than 0, "
        + ": Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified]",
        refused("limitBytes", "-1", "sinceSeconds", "5", "sinceTime", "2026-11-24T03:00:00Z").getMessage());
  }

  @Test
  void valuesThatDoNotDecodeAreBadRequests() {
    ApiException number = refused("tailLines", "abc");
    assertEquals(400, number.code());
    assertEquals("strconv.ParseInt: parsing \"abc\": invalid syntax", number.getMessage());
    assertEquals(400, refused("sinceTime", "garbage").code());
    assertEquals("strconv.ParseBool: parsing \"maybe\": invalid syntax", refused("previous", "maybe").getMessage());
  }

  @Test
  void aWaitingContainersReasonIsNamedAsTheKubeletNamesIt() throws Exception {
    com.fasterxml.jackson.databind.JsonNode pod = new com.fasterxml.jackson.databind.ObjectMapper().readTree("""
        {"status": {"containerStatuses": [
          {"name": "app", "state": {"waiting": {"reason": "ImagePullBackOff"}}},
          {"name": "side", "state": {"waiting": {"reason": "CreateContainerConfigError"}}},
          {"name": "new", "state": {"waiting": {}}}]}}""");
    assertEquals(": trying and failing to pull image", PodLogs.waitingReason(pod, "app"));
    assertEquals(": CreateContainerConfigError", PodLogs.waitingReason(pod, "side"));
    assertEquals("", PodLogs.waitingReason(pod, "new"));
  }
}
