package io.gantry.control.server.controller.serviceaccount;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.controller.runtime.ControllerLoop;
import io.gantry.control.server.controller.runtime.Informer;
import io.gantry.control.server.controller.runtime.WorkQueue;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.ObjectEvent;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.registry.ObjectWatcher;
import io.gantry.control.server.registry.ServiceAccountAdmission;
import io.gantry.control.server.resource.ResourceTypes;
import java.util.Objects;
import java.util.Optional;

/**
 * kube-controller-manager's serviceaccount controller: every active namespace has a
 * {@code default} ServiceAccount. A namespace is synced when it appears or changes and when its
 * {@code default} ServiceAccount is deleted, so a deleted one comes back at once. Terminating
 * namespaces are left alone.
 *
 * <p>Concurrency: the informers' listeners only queue namespace names; one worker creates.
 * A create that races another (409) or a namespace that started terminating (403, 404) is
 * ignored: the next event of that namespace syncs it again.
 *
 * <p>Lifecycle: {@link #start} fills the caches (the initial listing queues every namespace) and
 * starts the worker; {@link #close} stops it, then the informers. Close before the store.
 */
public final class ServiceAccountsController implements AutoCloseable {

  private final ObjectRegistry registry;
  private final Informer namespaces = Informer.of(ResourceTypes.NAMESPACES);
  private final Informer serviceAccounts = Informer.of(ResourceTypes.SERVICEACCOUNTS);
  private final WorkQueue<String> queue = new WorkQueue<>("serviceaccount");
  private volatile ControllerLoop<String> loop;

  private ServiceAccountsController(ObjectRegistry registry) {
    this.registry = registry;
  }

  public static ServiceAccountsController start(ObjectRegistry registry, ObjectWatcher watcher) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(watcher, "watcher");
    ServiceAccountsController controller = new ServiceAccountsController(registry);
    controller.namespaces.listener((type, namespace, old) -> {
      if (type != ObjectEvent.Type.DELETED) {
        controller.queue.add(ObjectMeta.name(namespace));
      }
    });
    controller.serviceAccounts.listener((type, account, old) -> {
      if (type == ObjectEvent.Type.DELETED && ServiceAccountAdmission.DEFAULT.equals(ObjectMeta.name(account))) {
        controller.queue.add(ObjectMeta.namespace(account));
      }
    });
    controller.serviceAccounts.start(watcher);
    controller.namespaces.start(watcher);
    controller.loop = ControllerLoop.start("serviceaccount", controller.queue, controller::reconcile, 1);
    return controller;
  }

  /** Makes the {@code default} ServiceAccount of one namespace, if it is active and has none. */
  void reconcile(String namespace) throws ApiException {
    Optional<ObjectNode> ns = namespaces.get(null, namespace);
    if (ns.isEmpty() || ObjectMeta.isDeleting(ns.get())
        || !"Active".equals(ns.get().path("status").path("phase").asText("Active"))) {
      return;
    }
    if (serviceAccounts.get(namespace, ServiceAccountAdmission.DEFAULT).isPresent()) {
      return;
    }
    ObjectNode account = Json.object();
    account.put("apiVersion", "v1").put("kind", "ServiceAccount");
    account.putObject("metadata").put("name", ServiceAccountAdmission.DEFAULT).put("namespace", namespace);
    try {
      registry.create(ResourceTypes.SERVICEACCOUNTS, namespace, account);
    } catch (ApiException e) {
      if (e.code() != 409 && e.code() != 403 && e.code() != 404) {
        throw e;
      }
    }
  }

  @Override
  public void close() {
    if (loop != null) {
      loop.close();
    }
    serviceAccounts.close();
    namespaces.close();
  }
}
