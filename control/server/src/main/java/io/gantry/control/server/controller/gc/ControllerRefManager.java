package io.gantry.control.server.controller.gc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.selector.LabelSelector;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides which objects a controller owns, as client-go's {@code ControllerRefManager.ClaimObjects}:
 * objects it controls and that still match its selector are kept; controlled objects that no
 * longer match are released (the controller reference removed); orphans that match are adopted
 * (a controller reference added), after a fresh read confirms the owner is alive.
 *
 * <p>Concurrency: one instance per reconcile; writes are compare-and-swap on fresh reads.
 */
public final class ControllerRefManager {

  private static final int ATTEMPTS = 4;

  private final ObjectRegistry registry;
  private final ResourceType ownerType;
  private final ObjectNode owner;
  private final String ownerUid;
  private final LabelSelector selector;
  private final ResourceType dependentType;
  private Boolean canAdopt;

  public ControllerRefManager(ObjectRegistry registry, ResourceType ownerType, ObjectNode owner, LabelSelector selector,
      ResourceType dependentType) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.ownerType = Objects.requireNonNull(ownerType, "ownerType");
    this.owner = Objects.requireNonNull(owner, "owner");
    this.ownerUid = ObjectMeta.text(owner, "uid");
    this.selector = Objects.requireNonNull(selector, "selector");
    this.dependentType = Objects.requireNonNull(dependentType, "dependentType");
  }

  /** The candidates this owner controls after adoption and release (adopted ones as written). */
  public List<ObjectNode> claim(Collection<ObjectNode> candidates) throws ApiException {
    List<ObjectNode> claimed = new ArrayList<>();
    boolean ownerDeleting = ObjectMeta.isDeleting(owner);
    for (ObjectNode candidate : candidates) {
      Optional<ObjectNode> controller = OwnerReferences.controllerOf(candidate);
      boolean matches = selector.matches(candidate.path("metadata").path("labels"));
      if (controller.isPresent()) {
        if (!ownerUid.equals(controller.get().path("uid").asText())) {
          continue;
        }
        if (matches) {
          claimed.add(candidate);
        } else if (!ownerDeleting) {
          release(candidate);
        }
        continue;
      }
      if (ownerDeleting || !matches || ObjectMeta.isDeleting(candidate)
          || !ObjectMeta.namespace(owner).equals(ObjectMeta.namespace(candidate))) {
        continue;
      }
      adopt(candidate).ifPresent(claimed::add);
    }
    return claimed;
  }

  /** Re-reads the owner: adoption is refused when it is gone, replaced or being deleted. */
  private boolean canAdopt() {
    if (canAdopt == null) {
      Optional<ObjectNode> fresh = registry.find(ownerType, ObjectMeta.namespace(owner), ObjectMeta.name(owner));
      canAdopt = fresh.isPresent() && ownerUid.equals(ObjectMeta.text(fresh.get(), "uid"))
          && !ObjectMeta.isDeleting(fresh.get());
    }
    return canAdopt;
  }

  private Optional<ObjectNode> adopt(ObjectNode candidate) throws ApiException {
    if (!canAdopt()) {
      return Optional.empty();
    }
    String namespace = ObjectMeta.namespace(candidate);
    String name = ObjectMeta.name(candidate);
    String uid = ObjectMeta.text(candidate, "uid");
    for (int attempt = 0; ; attempt++) {
      Optional<ObjectNode> fresh = registry.find(dependentType, namespace, name);
      if (fresh.isEmpty() || !uid.equals(ObjectMeta.text(fresh.get(), "uid")) || ObjectMeta.isDeleting(fresh.get())
          || !selector.matches(fresh.get().path("metadata").path("labels"))) {
        return Optional.empty();
      }
      if (OwnerReferences.controllerOf(fresh.get()).isPresent()) {
        return OwnerReferences.isControlledBy(fresh.get(), ownerUid) ? fresh : Optional.empty();
      }
      ObjectNode updated = fresh.get().deepCopy();
      OwnerReferences.add(updated, OwnerReferences.controllerRef(ownerType, owner));
      try {
        return Optional.of(registry.update(dependentType, namespace, name, updated, null));
      } catch (ApiException e) {
        if (e.code() == 404) {
          return Optional.empty();
        }
        if (e.code() != 409 || attempt + 1 >= ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private void release(ObjectNode candidate) throws ApiException {
    String namespace = ObjectMeta.namespace(candidate);
    String name = ObjectMeta.name(candidate);
    for (int attempt = 0; ; attempt++) {
      Optional<ObjectNode> fresh = registry.find(dependentType, namespace, name);
      if (fresh.isEmpty() || !OwnerReferences.isControlledBy(fresh.get(), ownerUid)) {
        return;
      }
      ObjectNode updated = fresh.get().deepCopy();
      OwnerReferences.remove(updated, ownerUid);
      try {
        registry.update(dependentType, namespace, name, updated, null);
        return;
      } catch (ApiException e) {
        if (e.code() == 404) {
          return;
        }
        if (e.code() != 409 || attempt + 1 >= ATTEMPTS) {
          throw e;
        }
      }
    }
  }
}
