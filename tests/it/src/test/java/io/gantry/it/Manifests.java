package io.gantry.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * YAML manifests under {@code src/test/resources/manifests}, with {@code __NS__} set to a namespace, and
 * the Ready Node a fake kubelet plays.
 */
final class Manifests {

  private Manifests() {}

  /** The manifest {@code name} with every {@code __NS__} replaced by {@code namespace}. */
  static String load(String name, String namespace) {
    try (InputStream in = Manifests.class.getResourceAsStream("/manifests/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("manifest: " + name + " (expected: a file in src/test/resources/manifests)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("__NS__", namespace);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A Ready Node named {@code name} (its hostname label too) with room for 110 pods, as a kubelet registers it. */
  static String readyNode(String name) {
    return """
        apiVersion: v1
        kind: Node
        metadata:
          name: %s
          labels: {kubernetes.io/hostname: %s}
        status:
          capacity: {cpu: "16", memory: 32Gi, pods: "110"}
          allocatable: {cpu: "16", memory: 32Gi, pods: "110"}
          conditions:
          - {type: Ready, status: "True", reason: KubeletReady, message: ready}
          addresses:
          - {type: InternalIP, address: 127.0.0.11}
        """.formatted(name, name);
  }
}
