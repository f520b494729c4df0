package io.gantry.control.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FieldManagersTest {

  @Test
  void theParameterNamesTheManagerElseTheUserAgentUpToItsSlash() throws ApiException {
    assertEquals("kubectl-edit", FieldManagers.of(request(Map.of("fieldManager", "kubectl-edit"), "kubectl/v1.32.4")));
    assertEquals("kubectl", FieldManagers.of(request(Map.of(), "kubectl/v1.32.4 (linux/amd64) kubernetes/4cb5f07")));
    assertEquals("gantry-node", FieldManagers.of(request(Map.of(), "gantry-node/1 (java)")));
    assertEquals("unknown", FieldManagers.of(request(Map.of(), "")));
  }

  @Test
  void applyNeedsANamedManager() throws ApiException {
    ApiException missing = assertThrows(ApiException.class,
        () -> FieldManagers.ofApply(request(Map.of(), "kubectl/v1.32.4")));
    assertEquals(422, missing.code());
    assertEquals("PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch",
        missing.getMessage());
    assertEquals("a", FieldManagers.ofApply(request(Map.of("fieldManager", "a"), "")));
    assertEquals(422, assertThrows(ApiException.class,
        () -> FieldManagers.ofApply(request(Map.of("fieldManager", "x".repeat(129)), ""))).code());
  }

  @Test
  void forceIsForApplyOnly() throws ApiException {
    assertTrue(FieldManagers.force(request(Map.of("force", "true"), ""), true));
    assertFalse(FieldManagers.force(request(Map.of("force", "false"), ""), false));
    assertFalse(FieldManagers.force(request(Map.of(), ""), true));
    ApiException forbidden = assertThrows(ApiException.class,
        () -> FieldManagers.force(request(Map.of("force", "true"), ""), false));
    assertEquals("PatchOptions.meta.k8s.io \"\" is invalid: force: Forbidden: may not be specified for non-apply patch",
        forbidden.getMessage());
    assertEquals(400, assertThrows(ApiException.class,
        () -> FieldManagers.force(request(Map.of("force", "yes"), ""), true)).code());
  }

  private static ApiRequest request(Map<String, String> params, String userAgent) {
    Map<String, List<String>> query = new java.util.HashMap<>();
    params.forEach((name, value) -> query.put(name, List.of(value)));
    return new ApiRequest("PATCH", "/api/v1/namespaces/demo/configmaps/c", query, "", "", new byte[0], userAgent);
  }
}
