package io.gantry.control.server.tls;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes the kubeconfig that points the stock {@code kubectl} at a Gantry API server. */
public final class Kubeconfig {
  /** The one context in the file, set as current-context. */
  public static final String CONTEXT_NAME = "gantry";

  /**
   * Every string is double-quoted: kubectl reads YAML 1.1, where an unquoted token such as
   * {@code 0x1F} or {@code yes} would turn into a number or a boolean.
   */
  private static final YAMLMapper YAML = new YAMLMapper(YAMLFactory.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .disable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .build());

  private Kubeconfig() {}

  /**
   * Writes (replacing, not merging) a kubeconfig at {@code file} with mode 0600: one cluster
   * {@code clusterName} at {@code serverUrl} trusting {@code caPem}, one user
   * {@code <clusterName>-admin} with the bearer {@code token}, and one context {@code gantry}
   * (namespace {@code default}) set as current-context.
   */
  public static void write(Path file, String clusterName, String serverUrl, String caPem, String token) {
    requireNonNull(file, "file");
    requireNonNull(clusterName, "clusterName");
    requireNonNull(serverUrl, "serverUrl");
    requireNonNull(caPem, "caPem");
    requireNonNull(token, "token");
    if (clusterName.isBlank()) {
      throw new IllegalArgumentException("clusterName: '" + clusterName + "' (expected: a non-blank name)");
    }
    checkServerUrl(serverUrl);
    if (!caPem.strip().startsWith("-----BEGIN CERTIFICATE-----")) {
      throw new IllegalArgumentException("caPem: " + abbreviate(caPem) + " (expected: a PEM CERTIFICATE)");
    }
    if (token.isEmpty() || token.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
      throw new IllegalArgumentException("token: (expected: non-empty, printable ASCII without spaces)");
    }
    String userName = clusterName + "-admin";

    Map<String, Object> cluster = new LinkedHashMap<>();
    cluster.put("server", serverUrl);
    cluster.put("certificate-authority-data",
        Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.US_ASCII)));
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("cluster", clusterName);
    context.put("user", userName);
    context.put("namespace", "default");

    Map<String, Object> config = new LinkedHashMap<>();
    config.put("apiVersion", "v1");
    config.put("kind", "Config");
    config.put("clusters", List.of(named(clusterName, "cluster", cluster)));
    config.put("users", List.of(named(userName, "user", Map.of("token", token))));
    config.put("contexts", List.of(named(CONTEXT_NAME, "context", context)));
    config.put("current-context", CONTEXT_NAME);
    config.put("preferences", Map.of());
    try {
      SecureFiles.write(file, YAML.writeValueAsBytes(config), true);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render kubeconfig: " + e.getMessage(), e);
    }
  }

  /** A named list entry with the name first, as kubectl itself writes them. */
  private static Map<String, Object> named(String name, String key, Object value) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("name", name);
    entry.put(key, value);
    return entry;
  }

  private static void checkServerUrl(String serverUrl) {
    try {
      URI uri = new URI(serverUrl);
      if ("https".equals(uri.getScheme()) && uri.getHost() != null) {
        return;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw new IllegalArgumentException("serverUrl: " + serverUrl + " (expected: https://HOST[:PORT])");
  }

  private static String abbreviate(String text) {
    String line = text.strip().lines().findFirst().orElse("");
    return "'" + (line.length() > 40 ? line.substring(0, 40) + "..." : line) + "'";
  }
}
