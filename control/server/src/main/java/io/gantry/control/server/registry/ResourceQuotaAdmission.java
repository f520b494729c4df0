package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.quota.Evaluators;
import io.gantry.control.server.quota.QuotaCheck;
import io.gantry.control.server.quota.QuotaRefusal;
import io.gantry.control.server.quota.ResourceLists;
import io.gantry.control.server.quota.UsageEvaluator;
import io.gantry.control.server.resource.ParsedQuantity;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.Compare;
import io.gantry.control.server.store.KeyValue;
import io.gantry.control.server.store.Op;
import io.gantry.control.server.store.Store;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * kube-apiserver's ResourceQuota admission plugin: a create (or an update that can change usage, such as a
 * Service's type) that would take any matching quota of its namespace over its {@code status.hard} is
 * refused with 403 in the plugin's words ({@code exceeded quota: ...}, {@code failed quota: ...}), and
 * otherwise charged to each such quota's {@code status.used}.
 *
 * <p>Concurrency: the charge is a put of the quota, with a compare on the revision it was read at, in the
 * very transaction that writes the object. Two writers racing for the last unit both read the same
 * revision; one commits, the other's transaction fails and the registry calls this plugin again from a
 * fresh read, which now refuses. Upstream writes the quota first and the object after; here the charge
 * and the object commit or fail together, so a failed write charges nothing. The resource quota
 * controller corrects usage after deletions.
 *
 * <p>Runs last among the plugins, after the ones that default what it measures (LimitRanger's
 * requests and limits).
 */
public final class ResourceQuotaAdmission implements WritePlugin {

  private final Store store;
  private final Clock clock;

  public ResourceQuotaAdmission(Store store, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public TxnParts beforeWrite(ResourceType type, ObjectNode object, ObjectNode old) throws ApiException {
    if (!type.namespaced()) {
      return TxnParts.NONE;
    }
    Optional<UsageEvaluator> evaluator = Evaluators.forType(type);
    if (evaluator.isEmpty() || !evaluator.get().handles(old != null)) {
      return TxnParts.NONE;
    }
    List<KeyValue> stored = store.range(ResourceTypes.RESOURCEQUOTAS.keyPrefix(ObjectMeta.namespace(object)), null, 0)
        .kvs();
    if (stored.isEmpty()) {
      return TxnParts.NONE;
    }
    List<ObjectNode> quotas = new ArrayList<>(stored.size());
    stored.forEach(kv -> quotas.add(StoredObjects.decode(kv)));
    Map<Integer, TreeMap<String, ParsedQuantity>> charged;
    try {
      charged = QuotaCheck.charge(evaluator.get(), quotas, object, old, clock.instant());
    } catch (QuotaRefusal e) {
      throw ApiException.forbidden(type, ObjectMeta.name(object), e.getMessage());
    }
    List<Compare> compares = new ArrayList<>();
    List<Op> ops = new ArrayList<>();
    charged.forEach((index, used) -> {
      KeyValue kv = stored.get(index);
      ObjectNode quota = quotas.get(index);
      quota.withObjectProperty("status").set("used", ResourceLists.toJson(used));
      compares.add(Compare.modRevision(kv.key(), kv.modRevision()));
      ops.add(Op.put(kv.key(), StoredObjects.encode(ResourceTypes.RESOURCEQUOTAS, quota)));
    });
    return new TxnParts(compares, ops);
  }
}
