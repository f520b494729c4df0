package io.gantry.proxy.source;

import io.gantry.control.api.v1.Endpoint;
import io.gantry.control.api.v1.EndpointView;
import io.gantry.control.api.v1.NodeView;
import io.gantry.control.api.v1.ServiceView;
import io.gantry.proxy.table.ViewDelta;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The views of a manifest folder, file by file, so that a changed file turns into a
 * {@link ViewDelta} naming only the services and endpoint views it touched. A service defined in
 * several files is taken from the first file by name; endpoint views of one service from several
 * files are merged in file-name order (an address keeps its first appearance, as slices do).
 *
 * <p>Concurrency: one thread (the manifest poller).
 */
final class ManifestIndex {

  private final Map<Path, Views> files = new TreeMap<>();
  private final Map<String, TreeSet<Path>> serviceFiles = new HashMap<>();
  private final Map<String, TreeSet<Path>> endpointFiles = new HashMap<>();

  /** Replaces the views of {@code changed} files and forgets {@code removed} ones; returns what that changed. */
  ViewDelta update(Map<Path, Views> changed, Set<Path> removed) {
    Set<String> services = new HashSet<>();
    Set<String> endpoints = new HashSet<>();
    boolean nodes = false;
    for (Path file : removed) {
      nodes |= forget(file, services, endpoints);
    }
    for (Map.Entry<Path, Views> e : changed.entrySet()) {
      nodes |= forget(e.getKey(), services, endpoints);
      Views views = e.getValue();
      files.put(e.getKey(), views);
      for (ServiceView s : views.services()) {
        String key = key(s);
        serviceFiles.computeIfAbsent(key, k -> new TreeSet<>()).add(e.getKey());
        services.add(key);
      }
      for (String key : views.endpoints().keySet()) {
        endpointFiles.computeIfAbsent(key, k -> new TreeSet<>()).add(e.getKey());
        endpoints.add(key);
      }
      nodes |= !views.nodes().isEmpty();
    }
    Map<String, ServiceView> upserts = new HashMap<>();
    Set<String> gone = new HashSet<>();
    for (String key : services) {
      ServiceView view = service(key);
      if (view == null) {
        gone.add(key);
      } else {
        upserts.put(key, view);
      }
    }
    Map<String, EndpointView> endpointUpserts = new HashMap<>();
    Set<String> endpointsGone = new HashSet<>();
    for (String key : endpoints) {
      EndpointView view = endpoints(key);
      if (view == null) {
        endpointsGone.add(key);
      } else {
        endpointUpserts.put(key, view);
      }
    }
    return new ViewDelta(upserts, gone, endpointUpserts, endpointsGone, nodes ? nodes() : null);
  }

  int services() {
    return serviceFiles.size();
  }

  int endpointViews() {
    return endpointFiles.size();
  }

  /** Forgets what {@code file} contributed, noting the keys; whether it had nodes. */
  private boolean forget(Path file, Set<String> services, Set<String> endpoints) {
    Views old = files.remove(file);
    if (old == null) {
      return false;
    }
    for (ServiceView s : old.services()) {
      String key = key(s);
      services.add(key);
      remove(serviceFiles, key, file);
    }
    for (String key : old.endpoints().keySet()) {
      endpoints.add(key);
      remove(endpointFiles, key, file);
    }
    return !old.nodes().isEmpty();
  }

  private ServiceView service(String key) {
    TreeSet<Path> in = serviceFiles.get(key);
    if (in == null) {
      return null;
    }
    for (ServiceView s : files.get(in.first()).services()) {
      if (key(s).equals(key)) {
        return s;
      }
    }
    return null;
  }

  private EndpointView endpoints(String key) {
    TreeSet<Path> in = endpointFiles.get(key);
    if (in == null) {
      return null;
    }
    if (in.size() == 1) {
      return files.get(in.first()).endpoints().get(key);
    }
    EndpointView first = null;
    Map<String, Endpoint> byAddress = new LinkedHashMap<>();
    for (Path file : in) {
      EndpointView view = files.get(file).endpoints().get(key);
      first = first == null ? view : first;
      for (Endpoint e : view.getEndpointsList()) {
        byAddress.putIfAbsent(e.getAddress(), e);
      }
    }
    return EndpointView.newBuilder(first).clearEndpoints().addAllEndpoints(byAddress.values()).build();
  }

  private List<NodeView> nodes() {
    List<NodeView> nodes = new ArrayList<>();
    files.values().forEach(v -> nodes.addAll(v.nodes()));
    return nodes;
  }

  private static void remove(Map<String, TreeSet<Path>> index, String key, Path file) {
    TreeSet<Path> in = index.get(key);
    if (in != null && in.remove(file) && in.isEmpty()) {
      index.remove(key);
    }
  }

  private static String key(ServiceView s) {
    return s.getNamespace() + "/" + s.getName();
  }
}
