package io.gantry.control.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.control.server.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code dryRun} option of a write ({@code ?dryRun=All}, or {@code dryRun: [All]} in a
 * DeleteOptions body): the only value Kubernetes defines is {@code All}; anything else is refused
 * with 422, as kube-apiserver's ValidateDryRun does.
 */
final class DryRun {

  private DryRun() {}

  /**
   * Whether the request asks for a dry run.
   *
   * @param optionsKind the options type named in the error: CreateOptions, UpdateOptions,
   *                    PatchOptions or DeleteOptions
   * @param body        a DeleteOptions body, or null
   */
  static boolean requested(ApiRequest request, String optionsKind, JsonNode body) throws ApiException {
    List<String> values = new ArrayList<>(request.query().getOrDefault("dryRun", List.of()));
    if (body != null && body.path("dryRun").isArray()) {
      body.path("dryRun").forEach(v -> values.add(v.asText()));
    }
    List<String> unsupported = values.stream().filter(v -> !v.equals("All")).toList();
    if (!unsupported.isEmpty()) {
      throw unsupported(optionsKind, values);
    }
    return !values.isEmpty();
  }

  private static ApiException unsupported(String optionsKind, List<String> values) {
    StringBuilder go = new StringBuilder("[]string{");
    for (int i = 0; i < values.size(); i++) {
      go.append(i == 0 ? "" : ", ").append(Json.MAPPER.getNodeFactory().textNode(values.get(i)));
    }
    return InvalidOptions.notSupported(optionsKind, "dryRun", go.append('}').toString(), "\"All\"");
  }
}
