package io.gantry.control.server.controller.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.registry.ObjectMeta;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Upstream's EndpointSlice reconciler as a pure function: compares the desired endpoints with the
 * existing managed slices and decides the fewest writes. Per port mapping it drops endpoints that
 * are gone, updates changed ones in place, fills slices that change anyway before touching
 * unchanged ones, packs the rest into the unchanged slice that ends up fullest, and creates new
 * slices only then; slices left empty are deleted, except that a service with no endpoints keeps
 * one empty placeholder slice; creates are turned into updates of slices about to be deleted.
 */
final class SlicePlanner {

  private final int maxEndpointsPerSlice;

  SlicePlanner(int maxEndpointsPerSlice) {
    if (maxEndpointsPerSlice < 1 || maxEndpointsPerSlice > 1000) {
      throw new IllegalArgumentException("maxEndpointsPerSlice: " + maxEndpointsPerSlice + " (expected: 1-1000)");
    }
    this.maxEndpointsPerSlice = maxEndpointsPerSlice;
  }

  /**
   * @param existing the service's managed slices (the caller's cached objects; never modified)
   */
  SlicePlan plan(ObjectNode service, List<ObjectNode> existing, DesiredEndpoints desired) {
    List<ObjectNode> creates = new ArrayList<>();
    List<ObjectNode> updates = new ArrayList<>();
    List<ObjectNode> deletes = new ArrayList<>();
    List<ObjectNode> ofType = new ArrayList<>();
    for (ObjectNode slice : existing) {
      // IPv4 is the only address type this cluster serves; slices of any other type go.
      (SliceTemplates.ADDRESS_TYPE.equals(slice.path("addressType").asText()) ? ofType : deletes).add(slice);
    }
    List<ObjectNode> typeDeletes = new ArrayList<>();
    Map<PortMapping, List<ObjectNode>> existingByMapping = new LinkedHashMap<>();
    for (ObjectNode slice : ofType) {
      if (SliceTemplates.ownedBy(slice, service)) {
        existingByMapping.computeIfAbsent(PortMapping.ofSlice(slice.get("ports")), m -> new ArrayList<>()).add(slice);
      } else {
        typeDeletes.add(slice);
      }
    }
    for (Map.Entry<PortMapping, LinkedHashMap<String, ObjectNode>> entry : desired.byMapping().entrySet()) {
      List<ObjectNode> slices = existingByMapping.getOrDefault(entry.getKey(), List.of());
      byMapping(service, entry.getKey(), slices, new LinkedHashMap<>(entry.getValue()), creates, updates, typeDeletes);
    }
    existingByMapping.forEach((mapping, slices) -> {
      if (!desired.byMapping().containsKey(mapping)) {
        typeDeletes.addAll(slices);
      }
    });
    if (ofType.size() == typeDeletes.size() && creates.isEmpty()) {
      ObjectNode placeholder = SliceTemplates.newSlice(service, PortMapping.NONE);
      if (typeDeletes.size() == 1 && isPlaceholder(typeDeletes.get(0), placeholder)) {
        typeDeletes.clear();
      } else {
        creates.add(placeholder);
      }
    }
    reuseDeleted(service, creates, updates, typeDeletes);
    deletes.addAll(typeDeletes);
    return new SlicePlan(creates, updates, deletes);
  }

  private void byMapping(ObjectNode service, PortMapping mapping, List<ObjectNode> existing,
      LinkedHashMap<String, ObjectNode> desired, List<ObjectNode> creates, List<ObjectNode> updates,
      List<ObjectNode> deletes) {
    Map<String, String> labels = SliceTemplates.labels(service);
    Map<String, ObjectNode> byName = new LinkedHashMap<>();
    Set<String> unchanged = new LinkedHashSet<>();
    Set<String> toUpdate = new LinkedHashSet<>();
    // 1. Keep desired endpoints where they are, refreshed; drop the rest.
    for (ObjectNode slice : existing) {
      String name = ObjectMeta.name(slice);
      byName.put(name, slice);
      List<ObjectNode> kept = new ArrayList<>();
      boolean changed = false;
      for (JsonNode endpoint : slice.path("endpoints")) {
        ObjectNode want = desired.remove(PodEndpoints.identity(endpoint));
        if (want != null) {
          kept.add(want);
          changed |= !want.equals(endpoint);
        }
      }
      boolean labelsChanged = !labels.equals(PodEndpoints.labels(slice));
      if (changed || kept.size() != slice.path("endpoints").size()) {
        if (kept.isEmpty()) {
          deletes.add(slice);
          byName.remove(name);
        } else {
          ObjectNode copy = slice.deepCopy();
          copy.putArray("endpoints").addAll(kept);
          ObjectMeta.metadata(copy).set("labels", SliceTemplates.labelsJson(labels));
          byName.put(name, copy);
          toUpdate.add(name);
        }
      } else if (labelsChanged) {
        ObjectNode copy = slice.deepCopy();
        ObjectMeta.metadata(copy).set("labels", SliceTemplates.labelsJson(labels));
        byName.put(name, copy);
        toUpdate.add(name);
      } else {
        unchanged.add(name);
      }
    }
    // 2. Fill the slices that are written anyway, fullest first.
    if (!desired.isEmpty() && !toUpdate.isEmpty()) {
      List<ObjectNode> slices = new ArrayList<>(toUpdate.stream().map(byName::get).toList());
      slices.sort(Comparator.comparingInt((ObjectNode s) -> s.path("endpoints").size()).reversed());
      for (ObjectNode slice : slices) {
        fill((ArrayNode) slice.get("endpoints"), desired);
      }
    }
    // 3. Fit what is left into one unchanged slice when it fits, else into new slices.
    while (!desired.isEmpty()) {
      ObjectNode target = null;
      if (desired.size() < maxEndpointsPerSlice && !unchanged.isEmpty()) {
        ObjectNode fit = sliceToFill(unchanged.stream().map(byName::get).toList(), desired.size());
        if (fit != null) {
          target = fit.deepCopy();
          byName.put(ObjectMeta.name(target), target);
        }
      }
      if (target == null) {
        target = SliceTemplates.newSlice(service, mapping);
      }
      fill((ArrayNode) target.get("endpoints"), desired);
      String name = ObjectMeta.name(target);
      if (name.isEmpty()) {
        creates.add(target);
      } else {
        toUpdate.add(name);
        unchanged.remove(name);
      }
    }
    toUpdate.forEach(name -> updates.add(byName.get(name)));
  }

  private void fill(ArrayNode endpoints, LinkedHashMap<String, ObjectNode> desired) {
    var it = desired.entrySet().iterator();
    while (it.hasNext() && endpoints.size() < maxEndpointsPerSlice) {
      endpoints.add(it.next().getValue());
      it.remove();
    }
  }

  /** Upstream {@code getSliceToFill}: the slice closest to full after adding {@code count}. */
  private ObjectNode sliceToFill(List<ObjectNode> slices, int count) {
    int closest = maxEndpointsPerSlice;
    ObjectNode best = null;
    for (ObjectNode slice : slices) {
      int diff = maxEndpointsPerSlice - (count + slice.path("endpoints").size());
      if (diff >= 0 && diff < closest) {
        closest = diff;
        best = slice;
        if (diff == 0) {
          break;
        }
      }
    }
    return best;
  }

  /** Upstream {@code placeholderSliceCompare}: same namespace, labels, owners, and empty. */
  private static boolean isPlaceholder(ObjectNode slice, ObjectNode placeholder) {
    return ObjectMeta.namespace(slice).equals(ObjectMeta.namespace(placeholder))
        && PodEndpoints.labels(slice).equals(PodEndpoints.labels(placeholder))
        && Objects.equals(slice.path("metadata").get("ownerReferences"), placeholder.path("metadata").get("ownerReferences"))
        && slice.path("addressType").equals(placeholder.path("addressType"))
        && slice.path("ports").isEmpty() && slice.path("endpoints").isEmpty();
  }

  /** Upstream {@code finalize}: a create becomes an update of an owned slice about to be deleted. */
  private static void reuseDeleted(ObjectNode service, List<ObjectNode> creates, List<ObjectNode> updates,
      List<ObjectNode> deletes) {
    for (int i = 0; i < deletes.size() && !creates.isEmpty(); ) {
      ObjectNode doomed = deletes.get(i);
      ObjectNode created = creates.get(creates.size() - 1);
      if (doomed.path("addressType").equals(created.path("addressType")) && SliceTemplates.ownedBy(doomed, service)) {
        ObjectNode metadata = ObjectMeta.metadata(created);
        metadata.remove("generateName");
        copyIfPresent(ObjectMeta.metadata(doomed), metadata, "generateName");
        metadata.put("name", ObjectMeta.name(doomed));
        metadata.put("resourceVersion", ObjectMeta.text(doomed, "resourceVersion"));
        copyIfPresent(ObjectMeta.metadata(doomed), metadata, "annotations");
        creates.remove(creates.size() - 1);
        updates.add(created);
        deletes.remove(i);
      } else {
        i++;
      }
    }
  }

  private static void copyIfPresent(ObjectNode from, ObjectNode to, String field) {
    if (from.has(field)) {
      to.set(field, from.get(field).deepCopy());
    }
  }
}
