package io.gantry.bench;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Closed-loop create load: {@code clients} virtual threads, each with one request in flight,
 * create small ConfigMaps with distinct names until a deadline.
 *
 * <p>Bounds: every client stops at the deadline or after {@link #MAX_OPS_PER_CLIENT} creates,
 * whichever comes first; a request in flight at the deadline finishes (or times out after 30 s)
 * and is counted.
 */
final class CreateLoad {

  static final int MAX_OPS_PER_CLIENT = 2_000_000;

  /** What one run measured; latencies in nanoseconds, only of successful creates. */
  record Result(int clients, long ok, long errors, long elapsedNanos, long[] latencies, String firstError) {
    double throughput() {
      return ok / (elapsedNanos / 1e9);
    }
  }

  private CreateLoad() {}

  /** Runs the load against {@code namespace}, naming objects {@code <prefix>-<client>-<n>}. */
  static Result run(ApiClient api, String namespace, String prefix, int clients, Duration duration)
      throws InterruptedException {
    CountDownLatch start = new CountDownLatch(1);
    AtomicReference<String> firstError = new AtomicReference<>();
    List<Future<long[]>> futures = new ArrayList<>(clients);
    List<LongBuffer> latencies = new ArrayList<>(clients);
    long began;
    long ended;
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      long[] deadline = new long[1];
      for (int c = 0; c < clients; c++) {
        LongBuffer mine = new LongBuffer(MAX_OPS_PER_CLIENT);
        latencies.add(mine);
        String names = prefix + "-" + c + "-";
        futures.add(pool.submit(() -> {
          start.await();
          long end = deadline[0];
          long ok = 0;
          long errors = 0;
          Map<String, String> data = Map.of("k", "v");
          for (int n = 0; n < MAX_OPS_PER_CLIENT && System.nanoTime() < end; n++) {
            long t0 = System.nanoTime();
            try {
              HttpResponse<String> r = api.create(namespace, names + n, data);
              long t1 = System.nanoTime();
              if (r.statusCode() == 201) {
                mine.add(t1 - t0);
                ok++;
              } else {
                errors++;
                firstError.compareAndSet(null, "HTTP " + ApiClient.describe(r));
              }
            } catch (IOException e) {
              errors++;
              firstError.compareAndSet(null, e.toString());
            }
          }
          return new long[] {ok, errors};
        }));
      }
      began = System.nanoTime();
      deadline[0] = began + duration.toNanos(); // published to the clients by start.countDown()
      start.countDown();
      pool.shutdown();
      if (!pool.awaitTermination(duration.toSeconds() + 60, TimeUnit.SECONDS)) {
        pool.shutdownNow();
      }
      ended = System.nanoTime();
    }
    long ok = 0;
    long errors = 0;
    for (Future<long[]> f : futures) {
      try {
        long[] counts = f.get();
        ok += counts[0];
        errors += counts[1];
      } catch (java.util.concurrent.ExecutionException e) {
        errors++;
        firstError.compareAndSet(null, String.valueOf(e.getCause()));
      }
    }
    return new Result(clients, ok, errors, ended - began, LongBuffer.concat(latencies), firstError.get());
  }
}
