package io.gantry.control.server.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.patch.PatchType;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.sqlite.SqliteStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The StorageObjectInUseProtection admission plugin: claims and volumes are created with their protection finalizer. */
class StorageObjectInUseProtectionAdmissionTest {

  private static final String CLAIM_SPEC =
      "\"spec\":{\"accessModes\":[\"ReadWriteOnce\"],\"resources\":{\"requests\":{\"storage\":\"1Gi\"}}}";
  private static final String VOLUME_SPEC =
      "\"spec\":{\"capacity\":{\"storage\":\"1Gi\"},\"accessModes\":[\"ReadWriteOnce\"],\"hostPath\":{\"path\":\"/srv\"}}";

  @TempDir
  Path dir;
  private SqliteStore store;
  private ObjectRegistry registry;

  @BeforeEach
  void open() throws ApiException {
    store = SqliteStore.open(dir.resolve("store.db"));
    registry = new ObjectRegistry(store, Clock.systemUTC(), List.of(new StorageObjectInUseProtectionAdmission()));
    registry.create(ResourceTypes.NAMESPACES, null, json("{\"metadata\":{\"name\":\"demo\"}}"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void aCreatedClaimAndVolumeCarryTheirProtectionFinalizers() throws ApiException {
    ObjectNode claim = registry.create(ResourceTypes.PERSISTENTVOLUMECLAIMS, "demo",
        json("{\"metadata\":{\"name\":\"data\"}," + CLAIM_SPEC + "}"));
    ObjectNode volume = registry.create(ResourceTypes.PERSISTENTVOLUMES, null,
        json("{\"metadata\":{\"name\":\"pv1\"}," + VOLUME_SPEC + "}"));
    assertEquals("[\"kubernetes.io/pvc-protection\"]", claim.at("/metadata/finalizers").toString());
    assertEquals("[\"kubernetes.io/pv-protection\"]", volume.at("/metadata/finalizers").toString());
    assertEquals("[\"kubernetes.io/pvc-protection\"]",
        registry.get(ResourceTypes.PERSISTENTVOLUMECLAIMS, "demo", "data").at("/metadata/finalizers").toString(),
        "stored, not only answered");
  }

  @Test
  void finalizersAlreadyThereAreKeptAndTheProtectionIsNotRepeated() throws ApiException {
    ObjectNode claim = registry.create(ResourceTypes.PERSISTENTVOLUMECLAIMS, "demo", json(
        "{\"metadata\":{\"name\":\"mine\",\"finalizers\":[\"example.com/backup\"]}," + CLAIM_SPEC + "}"));
    assertEquals("[\"example.com/backup\",\"kubernetes.io/pvc-protection\"]", claim.at("/metadata/finalizers").toString());
    ObjectNode named = registry.create(ResourceTypes.PERSISTENTVOLUMES, null, json(
        "{\"metadata\":{\"name\":\"pv2\",\"finalizers\":[\"kubernetes.io/pv-protection\"]}," + VOLUME_SPEC + "}"));
    assertEquals("[\"kubernetes.io/pv-protection\"]", named.at("/metadata/finalizers").toString());
  }

  @Test
  void aServerSideApplyThatCreatesAndADryRunAreAdmittedAlike() throws ApiException {
    ObjectRegistry.PatchOutcome applied = registry.patch(ResourceTypes.PERSISTENTVOLUMECLAIMS, "demo", "applied",
        PatchType.APPLY_PATCH, json("{\"apiVersion\":\"v1\",\"kind\":\"PersistentVolumeClaim\","
            + "\"metadata\":{\"name\":\"applied\"}," + CLAIM_SPEC + "}"), null, "kubectl");
    assertTrue(applied.created());
    assertEquals("[\"kubernetes.io/pvc-protection\"]", applied.object().at("/metadata/finalizers").toString());
    ObjectNode dryRun = registry.dryRun().create(ResourceTypes.PERSISTENTVOLUMES, null,
        json("{\"metadata\":{\"name\":\"pv3\"}," + VOLUME_SPEC + "}"));
    assertEquals("[\"kubernetes.io/pv-protection\"]", dryRun.at("/metadata/finalizers").toString());
  }

  @Test
  void otherKindsAndUpdatesAreLeftAlone() throws ApiException {
    ObjectNode map = registry.create(ResourceTypes.CONFIGMAPS, "demo", json("{\"metadata\":{\"name\":\"m\"}}"));
    assertTrue(map.at("/metadata/finalizers").isMissingNode());
    ObjectNode claim = registry.create(ResourceTypes.PERSISTENTVOLUMECLAIMS, "demo",
        json("{\"metadata\":{\"name\":\"edited\"}," + CLAIM_SPEC + "}"));
    ObjectMeta.metadata(claim).remove("finalizers");
    ObjectNode updated = registry.update(ResourceTypes.PERSISTENTVOLUMECLAIMS, "demo", "edited", claim, null);
    assertTrue(updated.at("/metadata/finalizers").isMissingNode(),
        "as upstream's plugin handles Create only (the controller puts it back)");
  }

  private static ObjectNode json(String text) {
    return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
  }
}
