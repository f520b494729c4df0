package io.gantry.control.server.validation;

import static io.gantry.control.server.validation.ValidationFixtures.create;
import static io.gantry.control.server.validation.ValidationFixtures.update;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigValidationTest {

  private static final String CONFIG_MAP = """
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: web-config, namespace: default}
      data:
        nginx.conf: "server { listen 80; }"
        MODE: prod
      binaryData:
        logo.png: iVBORw0KGgo=
      """;

  private static final String SECRET = """
      apiVersion: v1
      kind: Secret
      metadata: {name: web-tls, namespace: default}
      type: kubernetes.io/tls
      data:
        tls.crt: Y2VydA==
        tls.key: a2V5
      """;

  @Test
  void realisticConfigMapAndSecretPass() {
    assertEquals(List.of(), create(ResourceTypes.CONFIGMAPS, CONFIG_MAP));
    assertEquals(List.of(), create(ResourceTypes.SECRETS, SECRET));
  }

  @Test
  void configMapKeys() {
    assertEquals(List.of("data[a/b]: Invalid value: \"a/b\": a valid config key must consist of alphanumeric"
        + " characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation"
        + " is '[-._a-zA-Z0-9]+')"),
        create(ResourceTypes.CONFIGMAPS, "metadata: {name: c, namespace: default}\ndata: {a/b: x}"));
  }

  @Test
  void dataAndBinaryDataKeysAreDisjoint() {
    assertEquals(List.of("data[k]: Invalid value: \"k\": duplicate of key present in binaryData",
            "binaryData[k]: Invalid value: \"k\": duplicate of key present in data"),
        create(ResourceTypes.CONFIGMAPS, "metadata: {name: c, namespace: default}\ndata: {k: x}\n"
            + "binaryData: {k: eA==}"));
  }

  @Test
  void configMapSizeIsLimited() {
    String big = "x".repeat(ConfigValidation.MAX_SIZE + 1);
    assertEquals(List.of("[]: Too long: may not be more than 1048576 bytes"),
        create(ResourceTypes.CONFIGMAPS, "metadata: {name: c, namespace: default}\ndata: {k: " + big + "}"));
  }

  @Test
  void secretTypesRequireTheirKeys() {
    assertEquals(List.of("data[tls.key]: Required value"), create(ResourceTypes.SECRETS,
        "metadata: {name: s, namespace: default}\ntype: kubernetes.io/tls\ndata: {tls.crt: Y2VydA==}"));
    assertEquals(List.of("data[.dockerconfigjson]: Required value"), create(ResourceTypes.SECRETS,
        "metadata: {name: s, namespace: default}\ntype: kubernetes.io/dockerconfigjson"));
    assertEquals(List.of(), create(ResourceTypes.SECRETS,
        "metadata: {name: s, namespace: default}\ntype: kubernetes.io/basic-auth\nstringData: {username: admin}"));
    assertEquals(List.of("metadata.annotations[kubernetes.io/service-account.name]: Required value"),
        create(ResourceTypes.SECRETS, "metadata: {name: s, namespace: default}\n"
            + "type: kubernetes.io/service-account-token"));
  }

  @Test
  void dockerConfigsMustBeJsonObjectsAndAnSshKeyNonEmpty() {
    String head = "metadata: {name: s, namespace: default}\ntype: kubernetes.io/dockerconfigjson\n";
    assertEquals(List.of("data[.dockerconfigjson]: Invalid value: \"<secret contents redacted>\": invalid character"
        + " 'n' looking for beginning of value"), create(ResourceTypes.SECRETS, head + "data: {.dockerconfigjson: bm90anNvbg==}"));
    assertEquals(List.of("data[.dockerconfigjson]: Invalid value: \"<secret contents redacted>\": json: cannot"
        + " unmarshal array into Go value of type map[string]interface {}"),
        create(ResourceTypes.SECRETS, head + "data: {.dockerconfigjson: WzFd}"));
    assertEquals(List.of(), create(ResourceTypes.SECRETS, head + "data: {.dockerconfigjson: eyJhdXRocyI6e319}"));
    assertEquals(List.of("data[ssh-privatekey]: Required value"), create(ResourceTypes.SECRETS,
        "metadata: {name: s, namespace: default}\ntype: kubernetes.io/ssh-auth\ndata: {ssh-privatekey: \"\"}"));
  }

  @Test
  void secretDataIsBase64WithValidKeys() {
    assertEquals(List.of("data[pw]: Invalid value: \"<secret contents redacted>\": illegal base64 data at input byte"
        + " 3"), create(ResourceTypes.SECRETS, "metadata: {name: s, namespace: default}\ndata: {pw: abc!}"));
    assertEquals(List.of("data[..]: Invalid value: \"..\": must not be '..'"),
        create(ResourceTypes.SECRETS, "metadata: {name: s, namespace: default}\nstringData: {..: x}"));
  }

  @Test
  void immutableConfigMapsKeepTheirData() {
    String old = "metadata: {name: c, namespace: default}\nimmutable: true\ndata: {a: \"1\"}";
    assertEquals(List.of("data: Forbidden: field is immutable when `immutable` is set"),
        update(ResourceTypes.CONFIGMAPS, old.replace("\"1\"", "\"2\""), old));
    assertEquals(List.of("immutable: Forbidden: field is immutable when `immutable` is set"),
        update(ResourceTypes.CONFIGMAPS, old.replace("true", "false"), old));
    assertEquals(List.of(), update(ResourceTypes.CONFIGMAPS, old.replace("default}", "default, labels: {a: b}}"), old));
  }

  @Test
  void secretTypeIsImmutable() {
    String old = "metadata: {name: s, namespace: default}\ntype: Opaque\ndata: {a: eA==}";
    assertEquals(List.of("type: Invalid value: \"example.com/custom\": field is immutable"),
        update(ResourceTypes.SECRETS, old.replace("Opaque", "example.com/custom"), old));
  }
}
