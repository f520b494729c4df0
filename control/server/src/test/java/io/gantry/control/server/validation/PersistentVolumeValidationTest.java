package io.gantry.control.server.validation;

import static io.gantry.control.server.validation.ValidationFixtures.create;
import static io.gantry.control.server.validation.ValidationFixtures.update;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ValidatePersistentVolumeClaim, ValidatePersistentVolume and their updates, in upstream's words. */
class PersistentVolumeValidationTest {

  private static final String CLAIM = """
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata: {name: data-web-0, namespace: default}
      spec:
        accessModes: [ReadWriteOnce]
        storageClassName: fast
        resources: {requests: {storage: 1Gi}}
      """;
  private static final String VOLUME = """
      apiVersion: v1
      kind: PersistentVolume
      metadata: {name: pv0001}
      spec:
        capacity: {storage: 5Gi}
        accessModes: [ReadWriteOnce, ReadOnlyMany]
        persistentVolumeReclaimPolicy: Recycle
        storageClassName: slow
        nfs: {server: nfs.example, path: /exports/a}
      """;

  private static List<String> claim(String spec) {
    return create(ResourceTypes.PERSISTENTVOLUMECLAIMS, "metadata: {name: c, namespace: default}\nspec:\n"
        + spec.indent(2));
  }

  private static List<String> volume(String spec) {
    return create(ResourceTypes.PERSISTENTVOLUMES, "metadata: {name: v}\nspec:\n" + spec.indent(2));
  }

  @Test
  void claimsAndVolumesAsUsersWriteThemPass() {
    assertEquals(List.of(), create(ResourceTypes.PERSISTENTVOLUMECLAIMS, CLAIM));
    assertEquals(List.of(), create(ResourceTypes.PERSISTENTVOLUMES, VOLUME));
    assertEquals(List.of(), volume("capacity: {storage: 1Gi}\naccessModes: [ReadWriteOncePod]\nhostPath: {path: /data}"));
  }

  @Test
  void aClaimNeedsAccessModesAndAPositiveStorageRequest() {
    assertEquals(List.of("spec.accessModes: Required value: at least 1 access mode is required",
        "spec.resources[storage]: Required value"), claim("resources: {}"));
    assertEquals(List.of("spec.accessModes: Unsupported value: \"ReadWriteSome\": supported values: \"ReadOnlyMany\", "
        + "\"ReadWriteMany\", \"ReadWriteOnce\", \"ReadWriteOncePod\"",
        "spec.resources[storage]: Invalid value: \"0\": must be greater than zero"),
        claim("accessModes: [ReadWriteSome]\nresources: {requests: {storage: '0'}}"));
    assertEquals(List.of("spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes",
        "spec.storageClassName: Invalid value: \"Fast_Disk\": " + ValidationFixtures.SUBDOMAIN_MSG,
        "spec.volumeMode: Unsupported value: \"Raw\": supported values: \"Block\", \"Filesystem\""),
        claim("accessModes: [ReadWriteOncePod, ReadWriteOnce]\nstorageClassName: Fast_Disk\nvolumeMode: Raw\n"
            + "resources: {requests: {storage: 1Gi}}"));
  }

  @Test
  void aPendingClaimsSpecIsImmutableButItsVolumeNameMayBeSetOnce() {
    assertEquals(List.of(), update(ResourceTypes.PERSISTENTVOLUMECLAIMS,
        CLAIM + "  volumeName: pv0001\n", CLAIM));
    assertEquals(List.of("spec: Forbidden: spec is immutable after creation except resources.requests and"
        + " volumeAttributesClassName for bound claims"),
        update(ResourceTypes.PERSISTENTVOLUMECLAIMS, CLAIM.replace("1Gi", "2Gi"), CLAIM));
  }

  @Test
  void aClaimWithoutAClassMayBeGivenOneOnceAsTheRetroactiveDefaultDoes() {
    String classless = CLAIM.replace("  storageClassName: fast\n", "");
    String immutable = "spec: Forbidden: spec is immutable after creation except resources.requests and"
        + " volumeAttributesClassName for bound claims";
    assertEquals(List.of(), update(ResourceTypes.PERSISTENTVOLUMECLAIMS, CLAIM, classless));
    assertEquals(List.of(), update(ResourceTypes.PERSISTENTVOLUMECLAIMS, CLAIM.replace("fast", "\"\""), classless));
    assertEquals(List.of(immutable), update(ResourceTypes.PERSISTENTVOLUMECLAIMS, CLAIM.replace("fast", "slow"), CLAIM),
        "a class once set stays");
    assertEquals(List.of(immutable), update(ResourceTypes.PERSISTENTVOLUMECLAIMS, classless, CLAIM), "nor back");
    String annotated = classless.replace("namespace: default}",
        "namespace: default, annotations: {volume.beta.kubernetes.io/storage-class: slow}}");
    assertEquals(List.of(immutable), update(ResourceTypes.PERSISTENTVOLUMECLAIMS,
        annotated + "  storageClassName: fast\n", annotated), "nor to another than the beta annotation names");
    assertEquals(List.of(), update(ResourceTypes.PERSISTENTVOLUMECLAIMS, annotated + "  storageClassName: slow\n",
        annotated));
  }

  @Test
  void aBoundClaimMayGrowButNotShrink() {
    String bound = CLAIM + "  volumeName: pv0001\nstatus: {phase: Bound}\n";
    assertEquals(List.of(), update(ResourceTypes.PERSISTENTVOLUMECLAIMS, bound.replace("1Gi", "2Gi"), bound));
    assertEquals(List.of("spec.resources.requests.storage: Forbidden: field can not be less than previous value"),
        update(ResourceTypes.PERSISTENTVOLUMECLAIMS, bound.replace("1Gi", "512Mi"), bound));
    assertEquals(List.of("spec: Forbidden: spec is immutable after creation except resources.requests and"
        + " volumeAttributesClassName for bound claims"),
        update(ResourceTypes.PERSISTENTVOLUMECLAIMS, bound.replace("fast", "slow"), bound));
  }

  @Test
  void aVolumeNeedsCapacityAccessModesAndExactlyOneSource() {
    assertEquals(List.of("spec.accessModes: Required value", "spec.capacity: Required value",
        "spec.capacity: Unsupported value: \"map[]\": supported values: \"storage\"",
        "spec: Required value: must specify a volume type"), volume("persistentVolumeReclaimPolicy: Retain"));
    assertEquals(List.of("spec.persistentVolumeReclaimPolicy: Unsupported value: \"Keep\": supported values:"
        + " \"Delete\", \"Recycle\", \"Retain\"", "spec.nfs: Forbidden: may not specify more than 1 volume type"),
        volume("capacity: {storage: 1Gi}\naccessModes: [ReadWriteMany]\npersistentVolumeReclaimPolicy: Keep\n"
            + "nfs: {path: exports}\nhostPath: {path: /x}"));
    assertEquals(List.of("spec.nfs.server: Required value",
        "spec.nfs.path: Invalid value: \"exports\": must be an absolute path"),
        volume("capacity: {storage: 1Gi}\naccessModes: [ReadWriteMany]\nnfs: {path: exports}"));
    assertEquals(List.of("spec.csi.driver: Required value", "spec.csi.volumeHandle: Required value"),
        volume("capacity: {storage: 1Gi}\naccessModes: [ReadWriteOnce]\ncsi: {}"));
  }

  @Test
  void aVolumesSourceAndModeStayAsCreated() {
    assertEquals(List.of(), update(ResourceTypes.PERSISTENTVOLUMES, VOLUME.replace("Recycle", "Delete"), VOLUME));
    assertEquals(List.of("spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after"
        + " creation"), update(ResourceTypes.PERSISTENTVOLUMES, VOLUME.replace("/exports/a", "/exports/b"), VOLUME));
  }
}
