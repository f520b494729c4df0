package io.gantry.control.server.controller.volume;

import static io.gantry.control.server.controller.volume.VolumeFixture.NODE;
import static io.gantry.control.server.controller.volume.VolumeFixture.await;
import static io.gantry.control.server.controller.volume.VolumeFixture.claimVolume;
import static io.gantry.control.server.controller.volume.VolumeFixture.holdsFor;

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

/**
 * The pv-protection controller beside the binder and pvc-protection: a volume being deleted stays
 * Terminating while it is Bound, and goes once its claim is gone and the binder has made it Released.
 */
class PvProtectionControllerTest {
  private static final Duration A_WHILE = Duration.ofMillis(400);

  @TempDir
  Path dir;
  private VolumeFixture f;

  @BeforeEach
  void open() throws Exception {
    f = new VolumeFixture(dir).withBinder().withPvcProtection().withPvProtection();
  }

  @AfterEach
  void close() {
    f.close();
  }

  private String phase(String volume) {
    return f.find(ResourceTypes.PERSISTENTVOLUMES, volume).map(v -> v.at("/status/phase").asText()).orElse("gone");
  }

  private boolean terminating(String volume) {
    return f.find(ResourceTypes.PERSISTENTVOLUMES, volume).map(v -> ObjectMeta.isDeleting(v)
        && v.at("/metadata/finalizers").toString().contains("kubernetes.io/pv-protection")).orElse(false);
  }

  @Test
  void aBoundVolumeStaysTerminatingUntilItsClaimIsGoneAndItIsReleased() throws Exception {
    f.volume("pv1", "1Gi");
    f.claim("data", "");
    f.pod("db", NODE, claimVolume("data", "data"), "");
    await("bound", () -> phase("pv1").equals("Bound"));

    f.delete(ResourceTypes.PERSISTENTVOLUMES, "pv1");
    holdsFor("the Bound volume is Terminating", A_WHILE, () -> terminating("pv1") && phase("pv1").equals("Bound"));
    f.delete(ResourceTypes.PERSISTENTVOLUMECLAIMS, "data");
    holdsFor("the claim, used by db, holds the volume Bound", A_WHILE,
        () -> terminating("pv1") && phase("pv1").equals("Bound")
            && f.find(ResourceTypes.PERSISTENTVOLUMECLAIMS, "data").isPresent());

    f.delete(ResourceTypes.PODS, "db");
    f.finishPod("db");
    await("claim gone, volume Released, then gone", () -> phase("pv1").equals("gone")
        && f.find(ResourceTypes.PERSISTENTVOLUMECLAIMS, "data").isEmpty());
  }

  @Test
  void anAvailableVolumeGoesAtOnce() throws Exception {
    f.volume("spare", "1Gi");
    await("available", () -> phase("spare").equals("Available"));
    f.delete(ResourceTypes.PERSISTENTVOLUMES, "spare");
    await("gone", () -> phase("spare").equals("gone"));
  }

  @Test
  void aReleasedVolumeGoesAtOnce() throws Exception {
    f.volume("pv2", "1Gi");
    f.claim("old", "");
    await("bound", () -> phase("pv2").equals("Bound"));
    f.delete(ResourceTypes.PERSISTENTVOLUMECLAIMS, "old");
    await("released once its unused claim has gone", () -> phase("pv2").equals("Released"));
    f.delete(ResourceTypes.PERSISTENTVOLUMES, "pv2");
    await("gone", () -> phase("pv2").equals("gone"));
  }

  @Test
  void aVolumeMadeWithoutTheAdmissionPluginGetsTheFinalizer() throws Exception {
    new ObjectRegistry(f.store, Clock.systemUTC()).create(ResourceTypes.PERSISTENTVOLUMES, null,
        VolumeFixture.json("{\"metadata\":{\"name\":\"old\"},\"spec\":{\"capacity\":{\"storage\":\"1Gi\"},"
            + "\"accessModes\":[\"ReadWriteOnce\"],\"hostPath\":{\"path\":\"/srv/old\"}}}"));
    await("the controller adds it", () -> f.find(ResourceTypes.PERSISTENTVOLUMES, "old").orElseThrow()
        .at("/metadata/finalizers").toString().equals("[\"kubernetes.io/pv-protection\"]"));
  }
}
