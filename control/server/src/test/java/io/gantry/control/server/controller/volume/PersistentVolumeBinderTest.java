package io.gantry.control.server.controller.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.DefaultStorageClassAdmission;
import io.gantry.control.server.registry.DeleteOptions;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.registry.ObjectWatcher;
import io.gantry.control.server.registry.StorageObjectInUseProtectionAdmission;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.selector.FieldSelector;
import io.gantry.control.server.selector.LabelSelector;
import io.gantry.control.server.store.sqlite.SqliteStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersistentVolumeBinderTest {
  private static final String NS = "apps";

  @TempDir
  Path dir;
  private SqliteStore store;
  private ObjectRegistry registry;
  private PersistentVolumeBinder binder;
  private PvcProtectionController pvcProtection;
  private PvProtectionController pvProtection;

  @BeforeEach
  void open() throws ApiException {
    store = SqliteStore.open(dir.resolve("store.db"));
    // as the control server runs it: protected claims and volumes, and the controllers that release them
    registry = new ObjectRegistry(store, Clock.systemUTC(),
        List.of(new DefaultStorageClassAdmission(store), new StorageObjectInUseProtectionAdmission()));
    registry.create(ResourceTypes.NAMESPACES, null, json("{\"metadata\":{\"name\":\"" + NS + "\"}}"));
    binder = PersistentVolumeBinder.start(registry.as("persistentvolume-binder-controller"), new ObjectWatcher(store));
    pvcProtection = PvcProtectionController.start(registry.as("persistentvolumeclaim-protection-controller"),
        new ObjectWatcher(store));
    pvProtection = PvProtectionController.start(registry.as("persistentvolume-protection-controller"),
        new ObjectWatcher(store));
  }

  @AfterEach
  void close() {
    pvProtection.close();
    pvcProtection.close();
    binder.close();
    store.close();
  }

  @Test
  void aClaimTakesTheSmallestVolumeThatFitsAndBothShowBound() throws Exception {
    volume("big", "10Gi", "\"ReadWriteOnce\"", "");
    volume("small", "5Gi", "\"ReadWriteOnce\",\"ReadOnlyMany\"", "");
    volume("tiny", "1Gi", "\"ReadWriteOnce\"", "");
    await(() -> phase(volume("small")).equals("Available"), "an unbound volume is Available");
    claim("data", "3Gi", "");

    await(() -> phase(claim("data")).equals("Bound"), "the claim is bound");
    JsonNode claim = claim("data");
    assertEquals("small", claim.at("/spec/volumeName").asText());
    assertEquals("5Gi", claim.at("/status/capacity/storage").asText());
    assertEquals("[\"ReadWriteOnce\",\"ReadOnlyMany\"]", claim.at("/status/accessModes").toString());
    assertEquals("yes", claim.at("/metadata/annotations/pv.kubernetes.io~1bind-completed").asText());
    await(() -> phase(volume("small")).equals("Bound"), "the volume is bound");
    JsonNode ref = volume("small").at("/spec/claimRef");
    assertEquals(NS + "/data " + claim.at("/metadata/uid").asText(),
        ref.path("namespace").asText() + "/" + ref.path("name").asText() + " " + ref.path("uid").asText());
    assertEquals("Available", phase(volume("big")));
    assertEquals("Available", phase(volume("tiny")));

    registry.delete(ResourceTypes.PERSISTENTVOLUMECLAIMS, NS, "data", DeleteOptions.DEFAULT);
    await(() -> registry.find(ResourceTypes.PERSISTENTVOLUMECLAIMS, NS, "data").isEmpty(),
        "the claim, used by no pod, loses its protection and goes");
    await(() -> phase(volume("small")).equals("Released"), "a volume whose claim is gone is Released");
  }

  @Test
  void aClaimWithoutAFittingVolumeWaitsAndSaysWhyThenBindsWhenOneAppears() throws Exception {
    volume("rwo", "10Gi", "\"ReadWriteOnce\"", "");
    claim("shared", "1Gi", ",\"accessModes\":[\"ReadWriteMany\"]");
    claim("fast", "1Gi", ",\"storageClassName\":\"fast\"");
    await(() -> hasEvent("shared", "FailedBinding"), "no volume: FailedBinding");
    await(() -> hasEvent("fast", "ProvisioningFailed"), "a class without a provisioner: ProvisioningFailed");
    assertEquals("Pending", phase(claim("shared")));
    assertEquals("Pending", phase(claim("fast")));

    volume("fast-one", "2Gi", "\"ReadWriteOnce\"", ",\"storageClassName\":\"fast\"");
    await(() -> phase(claim("fast")).equals("Bound"), "the class's new volume is taken");
    assertEquals("fast-one", claim("fast").at("/spec/volumeName").asText());
    assertEquals("Pending", phase(claim("shared")), "no volume offers ReadWriteMany");
  }

  @Test
  void aClaimWithoutAClassGetsTheDefaultAndBindsToAVolumeOfThatClass() throws Exception {
    defaultClass("standard");
    volume("classless", "1Gi", "\"ReadWriteOnce\"", "");
    volume("standard-one", "2Gi", "\"ReadWriteOnce\"", ",\"storageClassName\":\"standard\"");
    claim("data", "1Gi", "");
    assertEquals("standard", claim("data").at("/spec/storageClassName").asText(), "admission gave it the default");

    await(() -> phase(claim("data")).equals("Bound"), "the claim is bound");
    assertEquals("standard-one", claim("data").at("/spec/volumeName").asText());
    assertEquals("Available", phase(volume("classless")));
  }

  @Test
  void aClaimOfTheEmptyClassBindsOnlyToAVolumeWithoutAClass() throws Exception {
    defaultClass("standard");
    volume("standard-one", "2Gi", "\"ReadWriteOnce\"", ",\"storageClassName\":\"standard\"");
    claim("plain", "1Gi", ",\"storageClassName\":\"\"");
    await(() -> hasEvent("plain", "FailedBinding"), "no class-less volume: FailedBinding");
    assertEquals("", claim("plain").at("/spec/storageClassName").asText(), "\"\" is kept");
    assertEquals("Available", phase(volume("standard-one")));

    volume("classless", "1Gi", "\"ReadWriteOnce\"", "");
    await(() -> phase(claim("plain")).equals("Bound"), "the class-less volume is taken");
    assertEquals("classless", claim("plain").at("/spec/volumeName").asText());
  }

  @Test
  void aPendingClaimWithoutAClassGetsADefaultThatAppearsLater() throws Exception {
    volume("standard-one", "2Gi", "\"ReadWriteOnce\"", ",\"storageClassName\":\"standard\"");
    claim("early", "1Gi", "");
    await(() -> hasEvent("early", "FailedBinding"), "no class and no class-less volume: FailedBinding");
    assertTrue(claim("early").at("/spec/storageClassName").isMissingNode());

    registry.create(ResourceTypes.STORAGECLASSES, null, json("{\"metadata\":{\"name\":\"other\"},"
        + "\"provisioner\":\"example.com/other\"}"));
    defaultClass("standard");
    await(() -> phase(claim("early")).equals("Bound"), "the retroactive default lets it bind");
    assertEquals("standard", claim("early").at("/spec/storageClassName").asText());
    assertEquals("standard-one", claim("early").at("/spec/volumeName").asText());
  }

  @Test
  void aClaimOfAClassNoVolumeFitsSaysWhatItWaitsForAsUpstreamsBinder() throws Exception {
    storageClass("nfs", "example.com/nfs", "Immediate");
    storageClass("local", "kubernetes.io/no-provisioner", "Immediate");
    storageClass("late", "example.com/nfs", "WaitForFirstConsumer");
    claim("external", "1Gi", ",\"storageClassName\":\"nfs\"");
    claim("intree", "1Gi", ",\"storageClassName\":\"local\"");
    claim("waiting", "1Gi", ",\"storageClassName\":\"late\"");
    await(() -> hasEvent("external", "ExternalProvisioning"), "an external provisioner is waited for");
    JsonNode annotations = claim("external").at("/metadata/annotations");
    assertEquals("example.com/nfs example.com/nfs", annotations.path("volume.kubernetes.io/storage-provisioner").asText()
        + " " + annotations.path("volume.beta.kubernetes.io/storage-provisioner").asText());
    await(() -> hasEvent("intree", "ProvisioningFailed"), "no in-tree plugin: ProvisioningFailed");
    await(() -> hasEvent("waiting", "WaitForFirstConsumer"), "a delayed class waits for a pod");
    assertEquals("Pending Pending Pending", phase(claim("external")) + " " + phase(claim("intree")) + " "
        + phase(claim("waiting")));
  }

  @Test
  void aVolumeReservedForAClaimAndAClaimNamingAVolumeBindToEachOther() throws Exception {
    volume("reserved", "1Gi", "\"ReadWriteOnce\"", ",\"claimRef\":{\"namespace\":\"" + NS + "\",\"name\":\"mine\"}");
    volume("named", "50Gi", "\"ReadWriteOnce\"", "");
    volume("labelled", "1Gi", "\"ReadWriteOnce\"", "");
    claim("other", "1Gi", ",\"selector\":{\"matchLabels\":{\"tier\":\"gold\"}}");
    claim("pinned", "1Gi", ",\"volumeName\":\"named\"");
    claim("mine", "1Gi", "");

    await(() -> phase(claim("mine")).equals("Bound") && phase(claim("pinned")).equals("Bound"), "both bound");
    assertEquals("reserved", claim("mine").at("/spec/volumeName").asText());
    assertEquals("named", claim("pinned").at("/spec/volumeName").asText());
    assertTrue(claim("pinned").at("/metadata/annotations/pv.kubernetes.io~1bound-by-controller").isMissingNode(),
        "the user bound it");
    assertTrue(volume("reserved").at("/metadata/annotations/pv.kubernetes.io~1bound-by-controller").isMissingNode(),
        "the user reserved it");
    assertEquals("yes", volume("named").at("/metadata/annotations/pv.kubernetes.io~1bound-by-controller").asText());
    assertEquals("Pending", phase(claim("other")), "no volume carries tier=gold");
    assertEquals("Available", phase(volume("labelled")));
  }

  private static ObjectNode json(String text) {
    return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
  }

  private void storageClass(String name, String provisioner, String mode) throws ApiException {
    registry.create(ResourceTypes.STORAGECLASSES, null, json("{\"metadata\":{\"name\":\"" + name + "\"},"
        + "\"provisioner\":\"" + provisioner + "\",\"volumeBindingMode\":\"" + mode + "\"}"));
  }

  private void defaultClass(String name) throws ApiException {
    registry.create(ResourceTypes.STORAGECLASSES, null, json("{\"metadata\":{\"name\":\"" + name + "\","
        + "\"annotations\":{\"storageclass.kubernetes.io/is-default-class\":\"true\"}},"
        + "\"provisioner\":\"kubernetes.io/no-provisioner\"}"));
  }

  private void volume(String name, String capacity, String modes, String extra) throws ApiException {
    registry.create(ResourceTypes.PERSISTENTVOLUMES, null, json("{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{"
        + "\"capacity\":{\"storage\":\"" + capacity + "\"},\"accessModes\":[" + modes + "],\"hostPath\":{\"path\":\"/srv/"
        + name + "\"}" + extra + "}}"));
  }

  private void claim(String name, String storage, String extra) throws ApiException {
    String spec = extra.contains("accessModes") ? extra.substring(1) : "\"accessModes\":[\"ReadWriteOnce\"]" + extra;
    registry.create(ResourceTypes.PERSISTENTVOLUMECLAIMS, NS, json("{\"metadata\":{\"name\":\"" + name + "\"},"
        + "\"spec\":{" + spec + ",\"resources\":{\"requests\":{\"storage\":\"" + storage + "\"}}}}"));
  }

  private JsonNode volume(String name) throws ApiException {
    return registry.get(ResourceTypes.PERSISTENTVOLUMES, null, name);
  }

  private JsonNode claim(String name) throws ApiException {
    return registry.get(ResourceTypes.PERSISTENTVOLUMECLAIMS, NS, name);
  }

  private static String phase(JsonNode object) {
    return object.at("/status/phase").asText();
  }

  private boolean hasEvent(String claim, String reason) {
    try {
      return registry.list(ResourceTypes.EVENTS, NS, LabelSelector.everything(), FieldSelector.everything(), 0, null)
          .items().stream().anyMatch(e -> e.at("/involvedObject/name").asText().equals(claim)
              && e.path("reason").asText().equals(reason));
    } catch (ApiException e) {
      return false;
    }
  }

  private interface Check {
    boolean holds() throws Exception;
  }

  private static void await(Check check, String what) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!check.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting: " + what);
      }
      Thread.sleep(20);
    }
  }
}
