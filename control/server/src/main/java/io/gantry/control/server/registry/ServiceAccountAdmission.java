package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.Store;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * kube-apiserver's ServiceAccount admission plugin, for pods being created: an empty
 * {@code spec.serviceAccountName} becomes {@code default}; the named ServiceAccount must exist in
 * the pod's namespace, else the pod is refused with 403 ({@code error looking up service account
 * ns/name: serviceaccount "name" not found}); a pod without {@code imagePullSecrets} takes the
 * ServiceAccount's. The {@code default} ServiceAccount of a namespace created a moment ago may
 * not exist yet (its controller makes it), so that one is looked up ten times, 100 to 200 ms
 * apart, as upstream does. Mirror pods, token volumes and mountable-secret checks are not
 * handled (Gantry mounts no API tokens).
 *
 * <p>Runs on the request's thread (a virtual thread, or a controller worker), which it may hold
 * for up to two seconds while it waits for a {@code default} ServiceAccount.
 */
public final class ServiceAccountAdmission implements WritePlugin {

  /** The ServiceAccount a pod runs as when it names none. */
  public static final String DEFAULT = "default";

  private static final int DEFAULT_ATTEMPTS = 10;

  private final Store store;
  private final Duration minRetryInterval;

  /** @param store where ServiceAccounts are read */
  public ServiceAccountAdmission(Store store) {
    this(store, Duration.ofMillis(100));
  }

  /** @param minRetryInterval the shortest wait between lookups of a missing {@code default} (up to twice that) */
  public ServiceAccountAdmission(Store store, Duration minRetryInterval) {
    this.store = Objects.requireNonNull(store, "store");
    this.minRetryInterval = Objects.requireNonNull(minRetryInterval, "minRetryInterval");
  }

  @Override
  public void admitCreate(ResourceType type, ObjectNode object) throws ApiException {
    if (type != ResourceTypes.PODS) {
      return;
    }
    ObjectNode spec = Defaults.spec(object);
    String name = spec.path("serviceAccountName").asText("");
    if (name.isEmpty()) {
      name = DEFAULT;
      spec.put("serviceAccountName", name);
      spec.put("serviceAccount", name);
    }
    String namespace = ObjectMeta.namespace(object);
    ObjectNode account = find(namespace, name).orElseThrow(() -> ApiException.forbidden(ResourceTypes.PODS,
        ObjectMeta.name(object), "error looking up service account " + namespace + "/"
            + spec.path("serviceAccountName").asText() + ": serviceaccount \""
            + spec.path("serviceAccountName").asText() + "\" not found"));
    JsonNode pullSecrets = account.path("imagePullSecrets");
    if (spec.path("imagePullSecrets").isEmpty() && pullSecrets.isArray() && !pullSecrets.isEmpty()) {
      ArrayNode copied = spec.putArray("imagePullSecrets");
      for (JsonNode secret : pullSecrets) {
        copied.addObject().put("name", secret.path("name").asText(""));
      }
    }
  }

  private Optional<ObjectNode> find(String namespace, String name) throws ApiException {
    String key = ResourceTypes.SERVICEACCOUNTS.key(namespace, name);
    int attempts = name.equals(DEFAULT) ? DEFAULT_ATTEMPTS : 1;
    long interval = minRetryInterval.toMillis() + ThreadLocalRandom.current().nextLong(minRetryInterval.toMillis() + 1);
    for (int attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) {
        try {
          Thread.sleep(interval);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw ApiException.internal("interrupted while looking up service account " + namespace + "/" + name);
        }
      }
      Optional<ObjectNode> found = store.get(key).map(StoredObjects::decode);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }
}
