package io.gantry.control.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which discovery form each Accept header asks for. */
class DiscoveryAcceptTest {

  private static final String V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
  private static final String V2BETA1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";

  @Test
  void theFirstSupportedChoiceWins() {
    assertEquals(Optional.of("v2"), version(V2 + "," + V2BETA1 + ",application/json"));
    assertEquals(Optional.of("v2beta1"), version(V2BETA1 + ",application/json"));
    assertEquals(Optional.of("v2beta1"), version(
        "application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList," + V2BETA1));
  }

  @Test
  void plainTypesAndWildcardsKeepTheLegacyDocuments() {
    assertEquals(Optional.empty(), version(""));
    assertEquals(Optional.empty(), version("application/json"));
    assertEquals(Optional.empty(), version("*/*"));
    assertEquals(Optional.empty(), version("application/yaml," + V2));
    assertEquals(Optional.empty(), version("application/vnd.kubernetes.protobuf,application/json"));
  }

  @Test
  void qualityOrdersTheChoices() {
    assertEquals(Optional.empty(), version(V2 + ";q=0.5,application/json"));
    assertEquals(Optional.of("v2"), version("application/json;q=0.9," + V2));
    assertEquals(Optional.empty(), version(V2 + ";q=0"));
  }

  @Test
  void conversionsToAnythingElseArePassedOver() {
    assertEquals(Optional.empty(), version("application/json;as=Table;v=v1;g=meta.k8s.io"));
    assertEquals(Optional.of("v2"), version("application/json;as=Table;v=v1;g=meta.k8s.io," + V2));
    // aggregated discovery is served in JSON only: a protobuf request for it falls back
    assertEquals(Optional.of("v2"), version(
        "application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList," + V2));
  }

  @Test
  void parametersInAnyOrderAndWildcardTypesConvert() {
    assertEquals(Optional.of("v2"), version("application/json; as=APIGroupDiscoveryList; v=v2; g=apidiscovery.k8s.io"));
    assertEquals(Optional.of("v2"), version("*/*;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"));
  }

  private static Optional<String> version(String accept) {
    return DiscoveryAccept.aggregatedVersion(accept);
  }
}
