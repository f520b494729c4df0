package io.gantry.node.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;

/** The Initialized condition from the statuses, as the kubelet's GeneratePodInitializedCondition. */
class InitContainersStatusTest {

  private static final JsonNode SPEC = yaml("""
      initContainers:
      - {name: setup}
      - {name: proxy, restartPolicy: Always}
      containers:
      - {name: app}
      """);

  private static JsonNode yaml(String text) {
    try {
      return new YAMLMapper().readTree(text);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Test
  void withoutInitContainersThePodIsInitialized() {
    JsonNode spec = yaml("containers: [{name: app}]");
    assertTrue(InitContainers.initialized(spec, yaml("[]"), yaml("[]"), "Pending").value());
    assertEquals(null, InitContainers.initialized(spec, yaml("[]"), yaml("[]"), "Running").reason());
    // GeneratePodInitializedCondition: a Succeeded pod is PodCompleted, with or without init containers
    assertEquals("PodCompleted", InitContainers.initialized(spec, yaml("[]"), yaml("[]"), "Succeeded").reason());
    assertEquals("ContainerCreating", InitContainers.defaultWaitingReason(spec));
    assertEquals("PodInitializing", InitContainers.defaultWaitingReason(SPEC));
  }

  @Test
  void incompleteInitContainersAreNamed() {
    InitContainers.Condition c = InitContainers.initialized(SPEC, yaml("""
        - {name: setup, ready: false, state: {running: {}}}
        - {name: proxy, started: false, state: {waiting: {reason: PodInitializing}}}
        """), yaml("[{name: app, state: {waiting: {reason: PodInitializing}}}]"), "Pending");
    assertFalse(c.value());
    assertEquals("ContainersNotInitialized", c.reason());
    assertEquals("containers with incomplete status: [setup proxy]", c.message());
  }

  @Test
  void aCompletedInitContainerAndAStartedSidecarInitialize() {
    InitContainers.Condition c = InitContainers.initialized(SPEC, yaml("""
        - {name: setup, ready: true, state: {terminated: {exitCode: 0}}}
        - {name: proxy, started: true, ready: false, state: {running: {}}}
        """), yaml("[{name: app, state: {waiting: {reason: PodInitializing}}}]"), "Pending");
    assertTrue(c.value());
    assertNull(c.reason());
  }

  @Test
  void aPodWhoseAppContainerRanStaysInitializedWhileItsSidecarRestarts() {
    InitContainers.Condition c = InitContainers.initialized(SPEC, yaml("""
        - {name: setup, ready: true, state: {terminated: {exitCode: 0}}}
        - {name: proxy, started: false, state: {waiting: {reason: CrashLoopBackOff}}}
        """), yaml("[{name: app, state: {running: {}}}]"), "Running");
    assertTrue(c.value());
  }

  @Test
  void aSucceededPodIsInitializedWithReasonPodCompleted() {
    InitContainers.Condition c = InitContainers.initialized(SPEC, yaml("""
        - {name: setup, ready: true, state: {terminated: {exitCode: 0}}}
        - {name: proxy, started: false, state: {terminated: {exitCode: 143}}}
        """), yaml("[{name: app, state: {terminated: {exitCode: 0}}}]"), "Succeeded");
    assertTrue(c.value());
    assertEquals("PodCompleted", c.reason());
  }

  @Test
  void onlyRestartPolicyAlwaysMakesASidecar() {
    assertTrue(InitContainers.sidecar(yaml("{name: a, restartPolicy: Always}")));
    assertFalse(InitContainers.sidecar(yaml("{name: a}")));
  }
}
