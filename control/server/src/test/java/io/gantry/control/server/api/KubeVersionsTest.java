package io.gantry.control.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The preference order of a group's versions in discovery. */
class KubeVersionsTest {

  @Test
  void gaThenBetaThenAlphaThenOthers() {
    List<String> sorted = Stream.of("v1alpha1", "foo", "v1beta1", "v2beta2", "v1", "v2", "v10beta1", "v2beta1", "bar")
        .sorted(KubeVersions.PREFERRED_FIRST).toList();

    assertEquals(List.of("v2", "v1", "v10beta1", "v2beta2", "v2beta1", "v1beta1", "v1alpha1", "bar", "foo"), sorted);
  }
}
