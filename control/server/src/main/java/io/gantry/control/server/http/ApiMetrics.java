package io.gantry.control.server.http;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The API's request metrics in kube-apiserver's names: {@code apiserver_request_total} by verb,
 * resource and code, {@code apiserver_request_duration_seconds} as a histogram by verb, and
 * {@code apiserver_longrunning_requests} for open watches.
 *
 * <p>Concurrency: lock-free counters; recorded from request threads, rendered from the admin thread.
 */
public final class ApiMetrics {

  private static final double[] BUCKETS = {0.005, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  private record Key(String verb, String resource, int code) {}

  private static final class Histogram {
    final LongAdder[] counts = new LongAdder[BUCKETS.length];
    final LongAdder total = new LongAdder();
    final LongAdder sumNanos = new LongAdder();

    Histogram() {
      for (int i = 0; i < counts.length; i++) {
        counts[i] = new LongAdder();
      }
    }

    void record(long nanos) {
      double seconds = nanos / 1e9;
      for (int i = 0; i < BUCKETS.length; i++) {
        if (seconds <= BUCKETS[i]) {
          counts[i].increment();
        }
      }
      total.increment();
      sumNanos.add(nanos);
    }
  }

  private final Map<Key, LongAdder> requests = new ConcurrentHashMap<>();
  private final Map<String, Histogram> durations = new ConcurrentHashMap<>();
  private final AtomicLong watches = new AtomicLong();

  /** One finished request. {@code resource} is the plural, or empty for discovery and health paths. */
  public void record(String verb, String resource, int code, long nanos) {
    requests.computeIfAbsent(new Key(verb, resource, code), k -> new LongAdder()).increment();
    durations.computeIfAbsent(verb, k -> new Histogram()).record(nanos);
  }

  public void watchOpened() {
    watches.incrementAndGet();
  }

  public void watchClosed() {
    watches.decrementAndGet();
  }

  /** Kubernetes' verb for a request: get, list, watch, create, update, patch, delete, deletecollection. */
  public static String verb(String method, boolean named, boolean watch) {
    return switch (method) {
      case "GET" -> watch ? "WATCH" : named ? "GET" : "LIST";
      case "POST" -> "POST";
      case "PUT" -> "PUT";
      case "PATCH" -> "PATCH";
      case "DELETE" -> named ? "DELETE" : "DELETECOLLECTION";
      default -> method.toUpperCase(Locale.ROOT);
    };
  }

  public void render(StringBuilder out) {
    out.append("# HELP apiserver_request_total Requests by verb, resource and HTTP code.\n")
        .append("# TYPE apiserver_request_total counter\n");
    requests.forEach((key, count) -> out.append("apiserver_request_total{verb=\"").append(key.verb())
        .append("\",resource=\"").append(key.resource()).append("\",code=\"").append(key.code()).append("\"} ")
        .append(count.sum()).append('\n'));
    out.append("# HELP apiserver_request_duration_seconds Request latency by verb (watches excluded).\n")
        .append("# TYPE apiserver_request_duration_seconds histogram\n");
    durations.forEach((verb, histogram) -> {
      for (int i = 0; i < BUCKETS.length; i++) {
        out.append("apiserver_request_duration_seconds_bucket{verb=\"").append(verb).append("\",le=\"")
            .append(BUCKETS[i]).append("\"} ").append(histogram.counts[i].sum()).append('\n');
      }
      out.append("apiserver_request_duration_seconds_bucket{verb=\"").append(verb).append("\",le=\"+Inf\"} ")
          .append(histogram.total.sum()).append('\n');
      out.append("apiserver_request_duration_seconds_sum{verb=\"").append(verb).append("\"} ")
          .append(histogram.sumNanos.sum() / 1e9).append('\n');
      out.append("apiserver_request_duration_seconds_count{verb=\"").append(verb).append("\"} ")
          .append(histogram.total.sum()).append('\n');
    });
    out.append("# HELP apiserver_longrunning_requests Open watch requests.\n")
        .append("# TYPE apiserver_longrunning_requests gauge\n")
        .append("apiserver_longrunning_requests{verb=\"WATCH\"} ").append(watches.get()).append('\n');
  }
}
