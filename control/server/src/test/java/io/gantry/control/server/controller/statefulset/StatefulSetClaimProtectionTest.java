package io.gantry.control.server.controller.statefulset;

import static io.gantry.control.server.controller.WorkloadFixture.NS;
import static io.gantry.control.server.controller.WorkloadFixture.await;
import static io.gantry.control.server.controller.WorkloadFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.WorkloadFixture;
import io.gantry.control.server.controller.volume.PvcProtectionController;
import io.gantry.control.server.registry.DeleteOptions;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectWatcher;
import io.gantry.control.server.registry.StorageObjectInUseProtectionAdmission;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A StatefulSet's claims under in-use protection, as the control server runs them: the garbage collector
 * deletes the claims the retention policy gives to the set or a pod, and they stay Terminating until the
 * node agent has finished the pods that use them, then go.
 */
class StatefulSetClaimProtectionTest {

  private static final DeleteOptions BACKGROUND = new DeleteOptions(null, null, null, "Background");

  @TempDir
  Path dir;
  private WorkloadFixture f;
  private PvcProtectionController protection;

  @BeforeEach
  void open() throws ApiException {
    f = new WorkloadFixture(dir, List.of(new StorageObjectInUseProtectionAdmission()));
    // pods on an existing node are deleted gracefully: they stay until the node agent finishes them
    f.registry.create(ResourceTypes.NODES, null, json("{\"metadata\":{\"name\":\"n1\"}}"));
    protection = PvcProtectionController.start(f.registry.as("persistentvolumeclaim-protection-controller"),
        new ObjectWatcher(f.store));
  }

  @AfterEach
  void close() {
    protection.close();
    f.close();
  }

  private static ObjectNode statefulSet(int replicas, String whenDeleted, String whenScaled) {
    return json("""
        {"metadata":{"name":"web"},"spec":{"replicas":%d,"serviceName":"nginx","podManagementPolicy":"Parallel",
         "persistentVolumeClaimRetentionPolicy":{"whenDeleted":"%s","whenScaled":"%s"},
         "selector":{"matchLabels":{"app":"web"}},
         "template":{"metadata":{"labels":{"app":"web"}},
                     "spec":{"nodeName":"n1","containers":[{"name":"web","image":"nginx:1.27",
                       "volumeMounts":[{"name":"www","mountPath":"/usr/share/nginx/html"}]}]}},
         "volumeClaimTemplates":[{"metadata":{"name":"www"},
           "spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}]}}
        """.formatted(replicas, whenDeleted, whenScaled));
  }

  /** The names of the objects, those being deleted with a trailing {@code ~}. */
  private Set<String> names(ResourceType type) throws ApiException {
    Set<String> names = new TreeSet<>();
    for (ObjectNode object : f.list(type)) {
      names.add(ObjectMeta.name(object) + (ObjectMeta.isDeleting(object) ? "~" : ""));
    }
    return names;
  }

  private void finishPods() throws ApiException {
    for (ObjectNode pod : f.pods()) {
      if (ObjectMeta.isDeleting(pod)) {
        f.registry.delete(ResourceTypes.PODS, NS, ObjectMeta.name(pod), new DeleteOptions(0L, null, null, null));
      }
    }
  }

  @Test
  void whenDeletedDeleteClaimsStayTerminatingUntilTheSetsPodsAreGone() throws ApiException {
    f.registry.create(ResourceTypes.STATEFULSETS, NS, statefulSet(2, "Delete", "Retain"));
    await("2 pods", () -> names(ResourceTypes.PODS).equals(Set.of("web-0", "web-1")));
    assertEquals("[\"kubernetes.io/pvc-protection\"]",
        f.get(ResourceTypes.PERSISTENTVOLUMECLAIMS, "www-web-0").at("/metadata/finalizers").toString());

    f.registry.delete(ResourceTypes.STATEFULSETS, NS, "web", BACKGROUND);
    await("pods and claims deleted by the collector, all still there",
        () -> names(ResourceTypes.PODS).equals(Set.of("web-0~", "web-1~"))
            && names(ResourceTypes.PERSISTENTVOLUMECLAIMS).equals(Set.of("www-web-0~", "www-web-1~")));
    WorkloadFixture.holdsFor("the claims wait for the pods", Duration.ofMillis(300), () -> {
      try {
        return names(ResourceTypes.PERSISTENTVOLUMECLAIMS).equals(Set.of("www-web-0~", "www-web-1~"));
      } catch (ApiException e) {
        throw new AssertionError(e);
      }
    });

    finishPods();
    await("the claims go with the pods", () -> names(ResourceTypes.PERSISTENTVOLUMECLAIMS).isEmpty()
        && names(ResourceTypes.PODS).isEmpty());
  }

  @Test
  void whenScaledDeleteClaimsGoOnceTheRemovedPodsAreFinished() throws ApiException {
    f.registry.create(ResourceTypes.STATEFULSETS, NS, statefulSet(3, "Retain", "Delete"));
    await("3 pods", () -> names(ResourceTypes.PODS).size() == 3);
    f.mergePatch(ResourceTypes.STATEFULSETS, "web", "{\"spec\":{\"replicas\":1}}");
    await("web-1 and web-2 being deleted", () -> names(ResourceTypes.PODS).equals(Set.of("web-0", "web-1~", "web-2~")));

    finishPods();
    await("their claims really gone", () -> names(ResourceTypes.PERSISTENTVOLUMECLAIMS).equals(Set.of("www-web-0")));
    f.mergePatch(ResourceTypes.STATEFULSETS, "web", "{\"spec\":{\"replicas\":2}}");
    await("web-1 back with a new claim", () -> names(ResourceTypes.PODS).equals(Set.of("web-0", "web-1"))
        && names(ResourceTypes.PERSISTENTVOLUMECLAIMS).equals(Set.of("www-web-0", "www-web-1")));
  }
}
