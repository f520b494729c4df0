package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.Store;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * kube-apiserver's DefaultIngressClass admission plugin: an Ingress created with neither
 * {@code spec.ingressClassName} nor the legacy {@code kubernetes.io/ingress.class} annotation gets
 * the IngressClass annotated {@code ingressclass.kubernetes.io/is-default-class: "true"}. When
 * several are so annotated, the one created last wins, and of those created in the same second
 * the one with the lowest name (as upstream since 1.28). Updates are left alone.
 */
public final class DefaultIngressClassAdmission implements WritePlugin {

  static final String IS_DEFAULT_CLASS = "ingressclass.kubernetes.io/is-default-class";
  static final String LEGACY_CLASS = "kubernetes.io/ingress.class";

  /** Later creation first; then the lower name. RFC 3339 timestamps in UTC order as text. */
  private static final Comparator<ObjectNode> PREFERRED = Comparator
      .comparing((ObjectNode c) -> ObjectMeta.text(c, "creationTimestamp")).reversed()
      .thenComparing(ObjectMeta::name);

  private final Store store;

  /** @param store where IngressClasses are read */
  public DefaultIngressClassAdmission(Store store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  @Override
  public void admitCreate(ResourceType type, ObjectNode object) {
    if (type != ResourceTypes.INGRESSES) {
      return;
    }
    ObjectNode spec = Defaults.spec(object);
    if (spec.hasNonNull("ingressClassName") || ObjectMeta.metadata(object).path("annotations").has(LEGACY_CLASS)) {
      return;
    }
    defaultClass().ifPresent(name -> spec.put("ingressClassName", name));
  }

  private Optional<String> defaultClass() {
    return store.range(ResourceTypes.INGRESSCLASSES.keyPrefix(), null, 0).kvs().stream()
        .map(StoredObjects::decode)
        .filter(c -> "true".equals(ObjectMeta.metadata(c).path("annotations").path(IS_DEFAULT_CLASS).asText(null)))
        .min(PREFERRED)
        .map(ObjectMeta::name);
  }
}
