package io.gantry.bench;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.ArrayList;
import java.util.List;

/**
 * The synthetic cluster of {@link ProgrammingLatencyBench}: {@code services} selector-less
 * Services spread over {@code namespaces} namespaces, each with one EndpointSlice of
 * {@code endpointsPerService} ready endpoints. Selector-less, so the EndpointSlice controller
 * leaves the slices to the benchmark. Service {@code i} is {@code svc-i} in namespace
 * {@code plb-(i % namespaces)}; its slice is {@code svc-i-0}. Endpoint addresses are unique,
 * counted up from 127.244.0.0 (loopback, which validation allows for IPv4).
 *
 * <p>Immutable and thread-safe; JSON is built by hand (every name is {@code [a-z0-9-]}).
 */
final class ServiceCluster {

  private final int services;
  private final int endpointsPerService;
  private final int namespaces;
  private final int nodes;

  ServiceCluster(int services, int endpointsPerService, int namespaces, int nodes) {
    this.services = services;
    this.endpointsPerService = endpointsPerService;
    this.namespaces = namespaces;
    this.nodes = nodes;
  }

  int services() {
    return services;
  }

  int endpoints() {
    return services * endpointsPerService;
  }

  String namespace(int service) {
    return "plb-" + (service % namespaces);
  }

  String servicePath(int service) {
    return "/api/v1/namespaces/" + namespace(service) + "/services";
  }

  String slicesPath(int service) {
    return "/apis/discovery.k8s.io/v1/namespaces/" + namespace(service) + "/endpointslices";
  }

  String slicePath(int service) {
    return slicesPath(service) + "/svc-" + service + "-0";
  }

  String serviceJson(int service) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"svc-" + service
        + "\",\"namespace\":\"" + namespace(service) + "\"},\"spec\":{\"ports\":[{\"name\":\"http\",\"port\":80,"
        + "\"protocol\":\"TCP\",\"targetPort\":8080}]}}";
  }

  /**
   * The slice of {@code service}; {@code generation} picks a variant: its first endpoint is
   * ready on even generations and not ready on odd ones, so consecutive generations always
   * differ in the data-plane view.
   */
  String sliceJson(int service, int generation) {
    StringBuilder json = new StringBuilder(160 + endpointsPerService * 110)
        .append("{\"apiVersion\":\"discovery.k8s.io/v1\",\"kind\":\"EndpointSlice\",\"metadata\":{\"name\":\"svc-")
        .append(service).append("-0\",\"namespace\":\"").append(namespace(service))
        .append("\",\"labels\":{\"kubernetes.io/service-name\":\"svc-").append(service)
        .append("\"}},\"addressType\":\"IPv4\",\"ports\":[{\"name\":\"http\",\"port\":8080,\"protocol\":\"TCP\"}],")
        .append("\"endpoints\":[");
    for (int j = 0; j < endpointsPerService; j++) {
      long g = (long) service * endpointsPerService + j;
      boolean ready = j != 0 || generation % 2 == 0;
      if (j > 0) {
        json.append(',');
      }
      json.append("{\"addresses\":[\"127.").append(244 + g / 65536).append('.').append(g / 256 % 256).append('.')
          .append(g % 256).append("\"],\"conditions\":{\"ready\":").append(ready)
          .append("},\"nodeName\":\"node-").append(g % nodes).append("\"}");
    }
    return json.append("]}").toString();
  }

  /** Creates the namespaces, Services and slices with {@code clients} requests in flight; returns requests made. */
  long load(ApiClient api, int clients) throws IOException, InterruptedException {
    for (int n = 0; n < Math.min(namespaces, services); n++) {
      api.createNamespace(namespace(n));
    }
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    AtomicReference<String> failure = new AtomicReference<>();
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        workers.add(pool.submit(() -> {
          for (int i = next.getAndIncrement(); i < services && failure.get() == null; i = next.getAndIncrement()) {
            create(api, servicePath(i), serviceJson(i), failure);
            create(api, slicesPath(i), sliceJson(i, 0), failure);
            int d = done.incrementAndGet();
            if (d % 1000 == 0) {
              Report.log("load: %d/%d services with their slices (%.0f s)", d, services,
                  (System.nanoTime() - start) / 1e9);
            }
          }
          return null;
        }));
      }
      for (Future<?> worker : workers) {
        try {
          worker.get();
        } catch (java.util.concurrent.ExecutionException e) {
          failure.compareAndSet(null, e.getCause().toString());
        }
      }
    } finally {
      pool.shutdownNow();
    }
    if (failure.get() != null) {
      throw new IOException("loading the cluster: " + failure.get());
    }
    return 2L * services;
  }

  private static void create(ApiClient api, String path, String json, AtomicReference<String> failure) {
    for (int attempt = 1; attempt <= 5; attempt++) {
      try {
        HttpResponse<String> response = api.send("POST", path, json);
        if (response.statusCode() == 201 || response.statusCode() == 409) {
          return; // 409: an earlier attempt landed
        }
        if (response.statusCode() < 500 && response.statusCode() != 429) {
          failure.compareAndSet(null, "POST " + path + ": " + ApiClient.describe(response));
          return;
        }
        Thread.sleep(100L * attempt);
      } catch (IOException e) {
        if (attempt == 5) {
          failure.compareAndSet(null, "POST " + path + ": " + e);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure.compareAndSet(null, "interrupted");
        return;
      }
    }
    failure.compareAndSet(null, "POST " + path + ": still failing after 5 attempts");
  }
}
