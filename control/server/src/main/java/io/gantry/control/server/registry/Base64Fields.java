package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.json.GoBase64;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import java.util.Map;

/**
 * The {@code []byte} fields (a Secret's {@code data}, a ConfigMap's {@code binaryData}) as Go's
 * decoder reads them: standard base64 with its padding (line breaks skipped), else the request is
 * a 400 naming the first bad byte, before validation, as kube-apiserver's decoding fails.
 */
final class Base64Fields {

  private Base64Fields() {}

  static void check(ResourceType type, JsonNode object) throws ApiException {
    String field = type == ResourceTypes.SECRETS ? "data" : type == ResourceTypes.CONFIGMAPS ? "binaryData" : null;
    if (field == null) {
      return;
    }
    for (Map.Entry<String, JsonNode> entry : object.path(field).properties()) {
      if (!entry.getValue().isTextual()) {
        continue; // a wrong JSON type is the typed decoding's to report
      }
      int bad = GoBase64.firstBadByte(entry.getValue().asText());
      if (bad >= 0) {
        throw ApiException.badRequest(type.kind() + " in version \"" + type.version() + "\" cannot be handled as a "
            + type.kind() + ": illegal base64 data at input byte " + bad);
      }
    }
  }
}
