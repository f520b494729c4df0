package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.Store;
import java.util.Objects;

/**
 * kube-apiserver's DefaultStorageClass admission plugin: a PersistentVolumeClaim created without a class
 * (no {@code spec.storageClassName}, not even "", and no beta annotation) gets the default StorageClass
 * ({@link StorageClasses#defaultClass}); without a default it is left as it is. Updates are left alone.
 */
public final class DefaultStorageClassAdmission implements WritePlugin {

  private final Store store;

  /** @param store where StorageClasses are read */
  public DefaultStorageClassAdmission(Store store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  @Override
  public void admitCreate(ResourceType type, ObjectNode object) {
    if (type != ResourceTypes.PERSISTENTVOLUMECLAIMS || StorageClasses.claimHasClass(object)) {
      return;
    }
    StorageClasses.defaultClass(store.range(ResourceTypes.STORAGECLASSES.keyPrefix(), null, 0).kvs().stream()
            .map(StoredObjects::decode).toList())
        .ifPresent(name -> Defaults.spec(object).put("storageClassName", name));
  }
}
