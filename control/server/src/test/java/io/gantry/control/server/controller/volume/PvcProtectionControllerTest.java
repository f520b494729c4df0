package io.gantry.control.server.controller.volume;

import static io.gantry.control.server.controller.volume.VolumeFixture.NODE;
import static io.gantry.control.server.controller.volume.VolumeFixture.await;
import static io.gantry.control.server.controller.volume.VolumeFixture.claimVolume;
import static io.gantry.control.server.controller.volume.VolumeFixture.holdsFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.patch.PatchType;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceTypes;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pvc-protection controller: a claim being deleted stays Terminating while a scheduled pod uses it. */
class PvcProtectionControllerTest {
  private static final Duration A_WHILE = Duration.ofMillis(400);

  @TempDir
  Path dir;
  private VolumeFixture f;

  @BeforeEach
  void open() throws Exception {
    f = new VolumeFixture(dir).withPvcProtection();
  }

  @AfterEach
  void close() {
    f.close();
  }

  private boolean terminating(String claim) {
    return f.find(ResourceTypes.PERSISTENTVOLUMECLAIMS, claim).map(c -> ObjectMeta.isDeleting(c)
        && c.at("/metadata/finalizers").toString().contains("kubernetes.io/pvc-protection")).orElse(false);
  }

  private boolean gone(String claim) {
    return f.find(ResourceTypes.PERSISTENTVOLUMECLAIMS, claim).isEmpty();
  }

  @Test
  void aClaimUsedByARunningPodStaysTerminatingUntilThePodIsGone() throws Exception {
    f.claim("data", "");
    f.pod("db", NODE, claimVolume("data", "data"), "");
    f.delete(ResourceTypes.PERSISTENTVOLUMECLAIMS, "data");
    holdsFor("the claim is Terminating while db runs", A_WHILE, () -> terminating("data"));

    f.delete(ResourceTypes.PODS, "db");
    assertTrue(f.find(ResourceTypes.PODS, "db").isPresent(), "a pod on a node gets its grace period");
    holdsFor("a pod in its grace period still holds the claim", A_WHILE, () -> terminating("data"));

    f.finishPod("db");
    await("the claim goes with its pod", () -> gone("data"));
  }

  @Test
  void anUnusedClaimGoesAtOnce() throws Exception {
    f.claim("unused", "");
    f.claim("other", "");
    f.pod("elsewhere", NODE, claimVolume("v", "other"), "");
    f.pod("unscheduled", "", claimVolume("v", "unused"), "");
    f.delete(ResourceTypes.PERSISTENTVOLUMECLAIMS, "unused");
    await("the claim that no scheduled pod names goes", () -> gone("unused"));
    assertTrue(f.find(ResourceTypes.PERSISTENTVOLUMECLAIMS, "other").isPresent());
  }

  @Test
  void aFinishedPodHoldsItsClaimUntilThePodIsDeletedAsUpstream() throws Exception {
    f.claim("logs", "");
    f.pod("job-1", NODE, claimVolume("logs", "logs"), "");
    f.phase("job-1", "Succeeded");
    f.delete(ResourceTypes.PERSISTENTVOLUMECLAIMS, "logs");
    // 1.32's podUsesPVC ignores the phase (kubernetes#123320, to let finished pods go, was closed unmerged)
    holdsFor("a Succeeded pod still holds the claim", A_WHILE, () -> terminating("logs"));
    f.delete(ResourceTypes.PODS, "job-1");
    f.finishPod("job-1");
    await("the claim goes once the finished pod is deleted", () -> gone("logs"));
  }

  @Test
  void anEphemeralClaimGoesWhenItsPodIsShutDownWhileANamedClaimWaitsForThePodObject() throws Exception {
    ObjectNode pod = f.pod("worker", NODE, claimVolume("data", "shared") + ",{\"name\":\"scratch\",\"ephemeral\":"
        + "{\"volumeClaimTemplate\":{\"spec\":{\"accessModes\":[\"ReadWriteOnce\"],"
        + "\"resources\":{\"requests\":{\"storage\":\"1Gi\"}}}}}}", ",\"finalizers\":[\"example.com/hold\"]");
    String owner = ",\"ownerReferences\":[{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"name\":\"worker\",\"uid\":\""
        + ObjectMeta.text(pod, "uid") + "\",\"controller\":true}]";
    f.claim("worker-scratch", owner);
    f.claim("shared", "");
    f.delete(ResourceTypes.PERSISTENTVOLUMECLAIMS, "worker-scratch");
    f.delete(ResourceTypes.PERSISTENTVOLUMECLAIMS, "shared");
    holdsFor("both held while worker runs", A_WHILE, () -> terminating("worker-scratch") && terminating("shared"));

    f.delete(ResourceTypes.PODS, "worker");
    f.finishPod("worker"); // its finalizer keeps the pod object, shut down: deleting with grace 0
    assertEquals(0, f.find(ResourceTypes.PODS, "worker").orElseThrow().at("/metadata/deletionGracePeriodSeconds").asInt(-1));
    await("the pod's own ephemeral claim goes", () -> gone("worker-scratch"));
    holdsFor("a claim the pod names stays until the pod object goes", A_WHILE, () -> terminating("shared"));

    f.registry.patch(ResourceTypes.PODS, VolumeFixture.NS, "worker",
        PatchType.MERGE_PATCH, VolumeFixture.json("{\"metadata\":{\"finalizers\":null}}"),
        null);
    await("then the named claim goes", () -> gone("shared"));
  }

  @Test
  void anEphemeralNameNotControlledByThePodIsNotHeld() throws Exception {
    f.pod("worker", NODE, "{\"name\":\"scratch\",\"ephemeral\":{\"volumeClaimTemplate\":{\"spec\":{"
        + "\"accessModes\":[\"ReadWriteOnce\"],\"resources\":{\"requests\":{\"storage\":\"1Gi\"}}}}}}", "");
    f.claim("worker-scratch", "");
    f.delete(ResourceTypes.PERSISTENTVOLUMECLAIMS, "worker-scratch");
    await("a claim of that name the pod does not own goes", () -> gone("worker-scratch"));
  }

  @Test
  void aClaimMadeWithoutTheAdmissionPluginGetsTheFinalizer() throws Exception {
    new ObjectRegistry(f.store, Clock.systemUTC()).create(ResourceTypes.PERSISTENTVOLUMECLAIMS, VolumeFixture.NS,
        VolumeFixture.json("{\"metadata\":{\"name\":\"old\"},\"spec\":{\"accessModes\":[\"ReadWriteOnce\"],"
            + "\"resources\":{\"requests\":{\"storage\":\"1Gi\"}}}}"));
    await("the controller adds it", () -> f.find(ResourceTypes.PERSISTENTVOLUMECLAIMS, "old").orElseThrow()
        .at("/metadata/finalizers").toString().equals("[\"kubernetes.io/pvc-protection\"]"));
  }
}
