package io.gantry.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * The parts of a kubeconfig a node agent needs: the current context's server, CA and bearer
 * token ({@code token} or {@code tokenFile}; {@code certificate-authority-data} or
 * {@code certificate-authority}).
 *
 * @param server the API server URL
 * @param caPem  the cluster CA in PEM, or null
 * @param token  the bearer token, or null
 */
public record Kubeconfig(URI server, String caPem, String token) {

  public static Kubeconfig read(Path file) throws IOException {
    JsonNode root = new YAMLMapper().readTree(file.toFile());
    if (root == null) {
      throw new IOException(file + ": empty kubeconfig");
    }
    String contextName = root.path("current-context").asText("");
    JsonNode context = named(root.path("contexts"), contextName, "context");
    if (context.isMissingNode() && root.path("contexts").size() == 1) {
      context = root.path("contexts").get(0).path("context");
    }
    JsonNode cluster = named(root.path("clusters"), context.path("cluster").asText(""), "cluster");
    JsonNode user = named(root.path("users"), context.path("user").asText(""), "user");
    String server = cluster.path("server").asText("");
    if (server.isEmpty()) {
      throw new IOException(file + ": no server for context '" + contextName + "'");
    }
    String ca = null;
    if (cluster.hasNonNull("certificate-authority-data")) {
      ca = new String(Base64.getMimeDecoder().decode(cluster.get("certificate-authority-data").asText()),
          StandardCharsets.US_ASCII);
    } else if (cluster.hasNonNull("certificate-authority")) {
      ca = Files.readString(resolve(file, cluster.get("certificate-authority").asText()));
    }
    String token = null;
    if (user.hasNonNull("token")) {
      token = user.get("token").asText();
    } else if (user.hasNonNull("tokenFile")) {
      token = Files.readString(resolve(file, user.get("tokenFile").asText())).trim();
    }
    return new Kubeconfig(URI.create(server), ca, token);
  }

  private static Path resolve(Path kubeconfig, String path) {
    Path p = Path.of(path);
    return p.isAbsolute() || kubeconfig.toAbsolutePath().getParent() == null ? p
        : kubeconfig.toAbsolutePath().getParent().resolve(p);
  }

  private static JsonNode named(JsonNode list, String name, String field) {
    for (JsonNode entry : list) {
      if (name.equals(entry.path("name").asText())) {
        return entry.path(field);
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }
}
