package io.gantry.control.server.controller.rootca;

import com.fasterxml.jackson.databind.JsonNode;
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
import io.gantry.control.server.resource.ResourceTypes;
import java.util.Objects;
import java.util.Optional;

/**
 * kube-controller-manager's root-ca-cert-publisher: every active namespace has a ConfigMap
 * {@value #NAME} whose {@code ca.crt} is the cluster CA (the one that signed the API's serving
 * certificate), annotated with upstream's description. A deleted one is made again; one whose
 * data or annotation was changed is put back: its data exactly {@code ca.crt}, as upstream's
 * sync sets it (labels and other annotations are kept).
 *
 * <p>Concurrency: informer listeners only queue namespace names; one worker writes. A create or
 * update that races another writer (409) or a terminating namespace (403, 404) is left to the
 * next event.
 *
 * <p>Lifecycle: {@link #start} fills the caches (queuing every namespace) and starts the worker;
 * {@link #close} stops it, then the informers. Close before the store.
 */
public final class RootCaPublisher implements AutoCloseable {

  /** The ConfigMap's name. */
  public static final String NAME = "kube-root-ca.crt";
  static final String KEY = "ca.crt";
  static final String DESCRIPTION_ANNOTATION = "kubernetes.io/description";
  static final String DESCRIPTION = "Contains a CA bundle that can be used to verify the kube-apiserver when using"
      + " internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is"
      + " guaranteed across distributions of Kubernetes clusters.";

  private final ObjectRegistry registry;
  private final String caPem;
  private final Informer namespaces = Informer.of(ResourceTypes.NAMESPACES);
  private final Informer configMaps = Informer.of(ResourceTypes.CONFIGMAPS);
  private final WorkQueue<String> queue = new WorkQueue<>("root-ca-cert-publisher");
  private volatile ControllerLoop<String> loop;

  private RootCaPublisher(ObjectRegistry registry, String caPem) {
    this.registry = registry;
    this.caPem = caPem;
  }

  /** @param caPem the cluster CA certificate, PEM-encoded */
  public static RootCaPublisher start(ObjectRegistry registry, ObjectWatcher watcher, String caPem) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(watcher, "watcher");
    Objects.requireNonNull(caPem, "caPem");
    RootCaPublisher publisher = new RootCaPublisher(registry, caPem);
    publisher.namespaces.listener((type, namespace, old) -> {
      if (type != ObjectEvent.Type.DELETED) {
        publisher.queue.add(ObjectMeta.name(namespace));
      }
    });
    publisher.configMaps.listener((type, configMap, old) -> {
      if (NAME.equals(ObjectMeta.name(configMap)) && type != ObjectEvent.Type.ADDED) {
        publisher.queue.add(ObjectMeta.namespace(configMap));
      }
    });
    publisher.configMaps.start(watcher);
    publisher.namespaces.start(watcher);
    publisher.loop = ControllerLoop.start("root-ca-cert-publisher", publisher.queue, publisher::reconcile, 1);
    return publisher;
  }

  /** Creates or repairs the ConfigMap of one namespace. */
  void reconcile(String namespace) throws ApiException {
    Optional<ObjectNode> ns = namespaces.get(null, namespace);
    if (ns.isEmpty() || ObjectMeta.isDeleting(ns.get())) {
      return;
    }
    Optional<ObjectNode> cached = configMaps.get(namespace, NAME);
    try {
      if (cached.isEmpty()) {
        ObjectNode configMap = Json.object();
        configMap.put("apiVersion", "v1").put("kind", "ConfigMap");
        ObjectNode metadata = configMap.putObject("metadata").put("name", NAME).put("namespace", namespace);
        metadata.putObject("annotations").put(DESCRIPTION_ANNOTATION, DESCRIPTION);
        configMap.putObject("data").put(KEY, caPem);
        registry.create(ResourceTypes.CONFIGMAPS, namespace, configMap);
      } else if (!current(cached.get())) {
        ObjectNode configMap = cached.get().deepCopy();
        ObjectNode metadata = ObjectMeta.metadata(configMap);
        ObjectNode annotations = metadata.path("annotations") instanceof ObjectNode a ? a
            : metadata.putObject("annotations");
        annotations.put(DESCRIPTION_ANNOTATION, DESCRIPTION);
        configMap.putObject("data").put(KEY, caPem); // the data is exactly the CA, as upstream sets it
        registry.update(ResourceTypes.CONFIGMAPS, namespace, NAME, configMap, null);
      }
    } catch (ApiException e) {
      if (e.code() != 409 && e.code() != 403 && e.code() != 404) {
        throw e;
      }
    }
  }

  /** Upstream's check: the data is exactly {@code ca.crt}, and the description annotation is not empty. */
  private boolean current(ObjectNode configMap) {
    JsonNode data = configMap.path("data");
    return data.size() == 1 && caPem.equals(data.path(KEY).asText(null))
        && !configMap.path("metadata").path("annotations").path(DESCRIPTION_ANNOTATION).asText("").isEmpty();
  }

  @Override
  public void close() {
    if (loop != null) {
      loop.close();
    }
    configMaps.close();
    namespaces.close();
  }
}
