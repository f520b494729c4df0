package io.gantry.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** YAML manifests under {@code src/test/resources/manifests}, with {@code __NS__} set to a namespace. */
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
}
