package io.gantry.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Watch fan-out: N watches on one namespace's ConfigMaps, then W paced creates whose data carry
 * the writer's {@link System#nanoTime()}; every watch measures arrival minus send per event.
 *
 * <p>Concurrency: each watch owns a virtual thread and its slice {@code [w*W, (w+1)*W)} of one
 * latency array; the array is read only after the executor has terminated, which orders those
 * plain writes before the read. The driving thread only opens, writes, waits and closes.
 *
 * <p>Bounds: at most {@link #MAX_CONCURRENT_OPENS} handshakes at a time and
 * {@link #OPEN_TIMEOUT} for all opens; after the last write the watches get {@link #DRAIN} to
 * deliver the rest, then every socket is closed, which ends every reader.
 */
final class WatchFanout {

  static final int MAX_CONCURRENT_OPENS = 64;
  static final Duration OPEN_TIMEOUT = Duration.ofSeconds(120);
  static final Duration DRAIN = Duration.ofSeconds(15);
  private static final long UNSET = Long.MIN_VALUE;
  /** Send and receive times are taken relative to this, so they are never negative. */
  private static final long ORIGIN = System.nanoTime();

  /**
   * What one run measured; {@code latencies} are nanoseconds of received events only,
   * {@code writeLatencies} those of the successful creates (request to response);
   * {@code clientStallMillis} is the longest delay this process's virtual threads (the watch
   * readers) saw in getting to run: latencies near it are the client's, not the server's.
   */
  record Result(int watchers, int opened, int writes, int writesOk, long[] writeLatencies, long received,
      long duplicates, long unexpected, long[] latencies, long openNanos, long deliveryCpuNanos,
      long serverDescriptorsAdded, double clientStallMillis, String firstError) {
    long expected() {
      return (long) watchers * writes;
    }

    long lost() {
      return expected() - received;
    }
  }

  private WatchFanout() {}

  static Result run(ApiClient api, GantryServer server, String namespace, int watchers, int writes,
      Duration interval) throws IOException, InterruptedException {
    api.createNamespace(namespace);
    String rv = api.listResourceVersion(namespace);
    String path = "/api/v1/namespaces/" + namespace + "/configmaps?watch=true&resourceVersion=" + rv;
    long[] latencies = new long[Math.multiplyExact(watchers, writes)];
    Arrays.fill(latencies, UNSET);
    Watcher[] all = new Watcher[watchers];
    WatchStream[] streams = new WatchStream[watchers];
    AtomicReference<String> firstError = new AtomicReference<>();
    AtomicInteger opened = new AtomicInteger();
    CountDownLatch attempted = new CountDownLatch(watchers);
    CountDownLatch finished = new CountDownLatch(watchers);
    Semaphore handshakes = new Semaphore(MAX_CONCURRENT_OPENS);
    long[] handshakeTimes = new long[watchers];
    long[] headTimes = new long[watchers];
    long[] writeTimes = new long[writes];
    Arrays.fill(writeTimes, UNSET);
    long descriptorsBefore = server.openDescriptors();

    int writesOk = 0;
    long openNanos;
    long cpuNanos;
    long clientCpuNanos;
    long descriptorsAdded;
    double clientStallMillis;
    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    try {
      long openStart = System.nanoTime();
      Map<String, Long> threadsAtOpen = server.threadCpuNanos();
      for (int w = 0; w < watchers; w++) {
        Watcher watcher = new Watcher(latencies, w * writes, writes, firstError);
        all[w] = watcher;
        int index = w;
        pool.execute(() -> {
          boolean counted = false;
          try {
            WatchStream stream;
            handshakes.acquire();
            try {
              stream = WatchStream.open(api, path, 20_000);
            } finally {
              handshakes.release();
            }
            synchronized (streams) {
              streams[index] = stream;
            }
            handshakeTimes[index] = stream.handshakeNanos();
            headTimes[index] = stream.headNanos();
            opened.incrementAndGet();
            attempted.countDown();
            counted = true;
            stream.setReadTimeout(0); // the driver closes the socket to end the read
            stream.readLines(watcher);
          } catch (IOException e) {
            watcher.failed(e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            if (!counted) {
              attempted.countDown();
            }
            finished.countDown();
          }
        });
      }
      if (!attempted.await(OPEN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        Report.log("watch opens still pending after %s", OPEN_TIMEOUT);
      }
      openNanos = System.nanoTime() - openStart;
      Report.log("%d/%d watches open in %d ms; server descriptors %d -> %d", opened.get(), watchers,
          openNanos / 1_000_000, descriptorsBefore, server.openDescriptors());
      descriptorsAdded = server.openDescriptors() - descriptorsBefore;
      logOpenTimes(handshakeTimes, headTimes, opened.get());
      logBusiestThreads(threadsAtOpen, server.threadCpuNanos());
      Thread.sleep(200); // let the last watch registrations settle before the clock starts

      long cpuStart = server.cpuNanos();
      int gcStart = server.gcPausesMillis().size();
      long clientGcStart = clientGcMillis();
      HiccupMeter hiccups = HiccupMeter.platform();
      HiccupMeter virtualHiccups = HiccupMeter.virtual();
      Map<String, Long> threadsStart = server.threadCpuNanos();
      long clientCpuStart = clientCpuNanos();
      try (hiccups; virtualHiccups) { // they must stop even if the writer fails
        long first = System.nanoTime();
        for (int i = 0; i < writes; i++) {
          long sent = System.nanoTime() - ORIGIN;
          try {
            HttpResponse<String> r = api.create(namespace, "fan-" + i,
                Map.of("benchSeq", Integer.toString(i), "benchSentNanos", Long.toString(sent)));
            if (r.statusCode() == 201) {
              writeTimes[i] = System.nanoTime() - ORIGIN - sent;
              writesOk++;
            } else {
              firstError.compareAndSet(null, "write " + i + ": HTTP " + ApiClient.describe(r));
            }
          } catch (IOException e) {
            firstError.compareAndSet(null, "write " + i + ": " + e);
          }
          long next = first + (i + 1) * interval.toNanos();
          long wait = next - System.nanoTime();
          if (wait > 0 && i + 1 < writes) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          }
        }
        if (!finished.await(DRAIN.toMillis(), TimeUnit.MILLISECONDS)) {
          Report.log("%d watches still short of %d events %s after the last write; closing them",
              finished.getCount(), writes, DRAIN);
        }
      }
      cpuNanos = server.cpuNanos() - cpuStart;
      clientCpuNanos = clientCpuNanos() - clientCpuStart;
      clientStallMillis = virtualHiccups.maxStallMillis();
      logBusiestThreads(threadsStart, server.threadCpuNanos());
      Report.log("  %s; %s", hiccups.summary(), virtualHiccups.summary());
      Report.log("  server stops during delivery: %s; this process: %d ms in GC",
          GcLog.summary(server.gcPausesMillis(), gcStart), clientGcMillis() - clientGcStart);
    } finally {
      synchronized (streams) {
        for (WatchStream s : streams) {
          if (s != null) {
            try {
              s.close();
            } catch (IOException e) {
              // closing to unblock the reader; nothing to do
            }
          }
        }
      }
      pool.shutdownNow();
      if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
        Report.log("some watch readers did not stop within 30 s");
      }
    }
    Report.log("delivery used %.1f s of server CPU and %.1f s of this process's CPU",
        cpuNanos / 1e9, clientCpuNanos / 1e9);
    logPerWrite(latencies, writeTimes, watchers, writes);
    return collect(all, latencies, watchers, opened.get(), writes, writesOk,
        Arrays.stream(writeTimes).filter(t -> t != UNSET).toArray(), openNanos, cpuNanos, descriptorsAdded,
        clientStallMillis, firstError.get());
  }

  /**
   * Shows on stderr how latency evolves over the run and spreads within one write's fan-out:
   * first to last receipt of a handful of writes. A first receipt near the acknowledgement
   * means the write path was slow; a growing first receipt means a delivery backlog; a wide
   * first-to-last spread means the fan-out itself is slow.
   */
  private static void logPerWrite(long[] latencies, long[] acks, int watchers, int writes) {
    long[] firstReceipt = new long[writes];
    Arrays.fill(firstReceipt, Long.MAX_VALUE);
    for (int i = 0; i < latencies.length; i++) {
      if (latencies[i] != UNSET) {
        firstReceipt[i % writes] = Math.min(firstReceipt[i % writes], latencies[i]);
      }
    }
    java.util.TreeSet<Integer> shown = new java.util.TreeSet<>(
        java.util.List.of(0, writes / 4, writes / 2, 3 * writes / 4, writes - 1));
    java.util.stream.IntStream.range(0, writes).boxed()
        .sorted((a, b) -> Long.compare(firstReceipt[b], firstReceipt[a]))
        .limit(3)
        .forEach(shown::add); // the slowest writes, where stalls show
    for (int seq : shown) {
      long[] column = new long[watchers];
      int n = 0;
      for (int w = 0; w < watchers; w++) {
        long l = latencies[w * writes + seq];
        if (l != UNSET) {
          column[n++] = l;
        }
      }
      LatencyStats s = LatencyStats.of(column, n);
      Report.log("  write %d: acknowledged after %.1f ms; %d receipts, first %.1f ms, median %.1f ms,"
          + " last %.1f ms", seq, acks[seq] == UNSET ? Double.NaN : acks[seq] / 1e6, n,
          s.percentileMillis(0.001), s.percentileMillis(50), s.maxMillis());
    }
  }

  /** Where opening time went: connect+TLS handshake versus request to response head. */
  private static void logOpenTimes(long[] handshakes, long[] heads, int opened) {
    long[] h = Arrays.stream(handshakes).filter(t -> t > 0).toArray();
    long[] r = Arrays.stream(heads).filter(t -> t > 0).toArray();
    LatencyStats hs = LatencyStats.of(h, h.length);
    LatencyStats rs = LatencyStats.of(r, r.length);
    Report.log("  %d opens: handshake p50 %.1f / p99 %.1f ms; request to 200 head p50 %.1f / p99 %.1f ms",
        opened, hs.percentileMillis(50), hs.percentileMillis(99), rs.percentileMillis(50),
        rs.percentileMillis(99));
  }

  /** The server threads that used the most CPU while events were delivered (Linux names, 15 chars). */
  private static void logBusiestThreads(Map<String, Long> before, Map<String, Long> after) {
    after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(6)
        .forEach(e -> Report.log("  server thread %-22s %6d ms CPU", e.getKey(), e.getValue() / 1_000_000));
  }

  private static long clientGcMillis() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(gc -> Math.max(0, gc.getCollectionTime())).sum();
  }

  private static long clientCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : 0;
  }

  private static Result collect(Watcher[] all, long[] latencies, int watchers, int opened,
      int writes, int writesOk, long[] writeTimes, long openNanos, long cpuNanos,
      long descriptorsAdded, double clientStallMillis, String error) {
    long duplicates = 0;
    long unexpected = 0;
    for (Watcher w : all) {
      // The readers have terminated (or, after 30 s stuck, are abandoned: a lower bound).
      duplicates += w.duplicates;
      unexpected += w.unexpected;
    }
    long[] received = new long[latencies.length];
    int n = 0;
    for (long l : latencies) {
      if (l != UNSET) {
        received[n++] = l;
      }
    }
    return new Result(watchers, opened, writes, writesOk, writeTimes, n, duplicates, unexpected,
        Arrays.copyOf(received, n), openNanos, cpuNanos, descriptorsAdded, clientStallMillis, error);
  }

  /** One watch's bookkeeping; touched only by its reader thread until the run ends. */
  private static final class Watcher implements WatchStream.LineSink {
    private final long[] latencies;
    private final int base;
    private final int writes;
    private final AtomicReference<String> firstError;
    private int received;
    long duplicates;
    long unexpected;

    Watcher(long[] latencies, int base, int writes, AtomicReference<String> firstError) {
      this.latencies = latencies;
      this.base = base;
      this.writes = writes;
      this.firstError = firstError;
    }

    @Override
    public boolean onLine(byte[] line, int length, long receivedNanos) {
      // A targeted scan, not a JSON parse: the reader's CPU would otherwise sit in the latencies.
      String event = new String(line, 0, length, StandardCharsets.ISO_8859_1);
      String type = stringField(event, "type");
      if ("BOOKMARK".equals(type)) {
        return true;
      }
      long seq = "ADDED".equals(type) ? longField(event, "benchSeq") : -1;
      long sent = longField(event, "benchSentNanos");
      if (seq < 0 || seq >= writes || sent < 0) {
        unexpected++;
        firstError.compareAndSet(null, "unexpected watch event: "
            + (event.length() > 300 ? event.substring(0, 300) + "..." : event));
        return !"ERROR".equals(type);
      }
      int slot = base + (int) seq;
      if (latencies[slot] != UNSET) {
        duplicates++;
      } else {
        latencies[slot] = receivedNanos - ORIGIN - sent;
        received++;
      }
      return received < writes;
    }

    void failed(IOException e) {
      if (received < writes) {
        firstError.compareAndSet(null, "watch: " + e);
      }
    }

    /** The value of the first {@code "name":"value"} in {@code json}, or null. */
    private static String stringField(String json, String name) {
      String key = "\"" + name + "\":\"";
      int at = json.indexOf(key);
      if (at < 0) {
        return null;
      }
      int from = at + key.length();
      int to = json.indexOf('"', from);
      return to < 0 ? null : json.substring(from, to);
    }

    /** A string field holding a non-negative decimal long, or -1 if absent or malformed. */
    private static long longField(String json, String name) {
      String value = stringField(json, name);
      if (value == null) {
        return -1;
      }
      try {
        return Long.parseLong(value);
      } catch (NumberFormatException e) {
        return -1;
      }
    }
  }
}
