package io.gantry.dns.metrics;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's counters, under the names CoreDNS users already chart:
 * {@code coredns_dns_requests_total{proto,family,type}}, {@code coredns_dns_responses_total{rcode}},
 * {@code coredns_dns_request_duration_seconds{type}} (CoreDNS's buckets: 0.25 ms doubling to 8 s),
 * {@code coredns_cache_hits_total{type=success|denial}}, {@code coredns_cache_misses_total},
 * {@code coredns_forward_requests_total{to}}, {@code coredns_forward_responses_total{to,rcode}}, and
 * {@code gantry_dns_upstream_failures_total{to}} (an upstream that did not answer in time).
 *
 * <p>Lock-free ({@link LongAdder}s in arrays indexed by query type); every event loop updates them.
 */
public final class DnsMetrics {

  private static final String[] TYPES = {"A", "AAAA", "SRV", "PTR", "CNAME", "TXT", "SOA", "NS", "MX", "ANY", "other"};
  private static final int[] TYPE_CODES = {1, 28, 33, 12, 5, 16, 6, 2, 15, 255, -1};
  private static final String[] RCODES = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"};
  private static final double[] BUCKETS = new double[16];

  static {
    for (int i = 0; i < BUCKETS.length; i++) {
      BUCKETS[i] = 0.00025 * (1L << i);
    }
  }

  private final String server;
  private final LongAdder[][] requests = adders(4, TYPES.length); // [udp4, udp6, tcp4, tcp6][type]
  private final LongAdder[] responses = adders(1, 32)[0];
  private final LongAdder[][] durationBuckets = adders(TYPES.length, BUCKETS.length + 1);
  private final LongAdder[] durationCount = adders(1, TYPES.length)[0];
  private final LongAdder[] durationSumNanos = adders(1, TYPES.length)[0];
  private final LongAdder cacheHitsSuccess = new LongAdder();
  private final LongAdder cacheHitsDenial = new LongAdder();
  private final LongAdder cacheMisses = new LongAdder();
  private final LongAdder staleServed = new LongAdder();
  private final Map<String, LongAdder> forwardRequests = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> forwardResponses = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> upstreamFailures = new ConcurrentHashMap<>();

  /** @param server the CoreDNS-style server label, e.g. {@code dns://:1053} */
  public DnsMetrics(String server) {
    this.server = server;
  }

  private static LongAdder[][] adders(int rows, int columns) {
    LongAdder[][] adders = new LongAdder[rows][columns];
    for (LongAdder[] row : adders) {
      for (int i = 0; i < columns; i++) {
        row[i] = new LongAdder();
      }
    }
    return adders;
  }

  private static int typeIndex(int qtype) {
    for (int i = 0; i < TYPE_CODES.length - 1; i++) {
      if (TYPE_CODES[i] == qtype) {
        return i;
      }
    }
    return TYPES.length - 1;
  }

  public void request(boolean tcp, boolean ipv6, int qtype) {
    requests[(tcp ? 2 : 0) + (ipv6 ? 1 : 0)][typeIndex(qtype)].increment();
  }

  public void response(int rcode, int qtype, long nanos) {
    responses[rcode & 31].increment();
    int type = typeIndex(qtype);
    double seconds = nanos / 1e9;
    int bucket = 0;
    while (bucket < BUCKETS.length && seconds > BUCKETS[bucket]) {
      bucket++;
    }
    durationBuckets[type][bucket].increment();
    durationCount[type].increment();
    durationSumNanos[type].add(nanos);
  }

  public void cacheHit(boolean denial) {
    (denial ? cacheHitsDenial : cacheHitsSuccess).increment();
  }

  public void cacheMiss() {
    cacheMisses.increment();
  }

  public void staleServed() {
    staleServed.increment();
  }

  public void forwardRequest(String to) {
    forwardRequests.computeIfAbsent(to, k -> new LongAdder()).increment();
  }

  public void forwardResponse(String to, int rcode) {
    forwardResponses.computeIfAbsent(to + "\u0000" + rcodeName(rcode), k -> new LongAdder()).increment();
  }

  public void upstreamFailure(String to) {
    upstreamFailures.computeIfAbsent(to, k -> new LongAdder()).increment();
  }

  public long responses(int rcode) {
    return responses[rcode & 31].sum();
  }

  public long totalRequests() {
    long sum = 0;
    for (LongAdder[] row : requests) {
      for (LongAdder adder : row) {
        sum += adder.sum();
      }
    }
    return sum;
  }

  static String rcodeName(int rcode) {
    return rcode >= 0 && rcode < RCODES.length ? RCODES[rcode] : rcode == 16 ? "BADVERS" : Integer.toString(rcode);
  }

  /** The Prometheus text exposition of every counter. */
  public String render() {
    StringBuilder out = new StringBuilder(4096);
    String s = "server=\"" + server + "\",zone=\".\",view=\"\"";
    out.append("# HELP coredns_dns_requests_total Counter of DNS requests made per zone, protocol and family.\n")
        .append("# TYPE coredns_dns_requests_total counter\n");
    String[] protos = {"udp", "udp", "tcp", "tcp"};
    for (int row = 0; row < 4; row++) {
      for (int type = 0; type < TYPES.length; type++) {
        long value = requests[row][type].sum();
        if (value > 0) {
          out.append("coredns_dns_requests_total{").append(s).append(",proto=\"").append(protos[row])
              .append("\",family=\"").append(row % 2 + 1).append("\",type=\"").append(TYPES[type]).append("\"} ")
              .append(value).append('\n');
        }
      }
    }
    out.append("# HELP coredns_dns_responses_total Counter of response status codes.\n")
        .append("# TYPE coredns_dns_responses_total counter\n");
    for (int rcode = 0; rcode < responses.length; rcode++) {
      long value = responses[rcode].sum();
      if (value > 0 || rcode == 0) {
        out.append("coredns_dns_responses_total{").append(s).append(",rcode=\"").append(rcodeName(rcode))
            .append("\",plugin=\"\"} ").append(value).append('\n');
      }
    }
    out.append("# HELP coredns_dns_request_duration_seconds Histogram of the time (in seconds) each request took.\n")
        .append("# TYPE coredns_dns_request_duration_seconds histogram\n");
    for (int type = 0; type < TYPES.length; type++) {
      if (durationCount[type].sum() == 0) {
        continue;
      }
      String labels = s + ",type=\"" + TYPES[type] + "\"";
      long cumulative = 0;
      for (int bucket = 0; bucket <= BUCKETS.length; bucket++) {
        cumulative += durationBuckets[type][bucket].sum();
        String le = bucket == BUCKETS.length ? "+Inf" : String.format(Locale.ROOT, "%.5f", BUCKETS[bucket]);
        out.append("coredns_dns_request_duration_seconds_bucket{").append(labels).append(",le=\"").append(le)
            .append("\"} ").append(cumulative).append('\n');
      }
      out.append("coredns_dns_request_duration_seconds_sum{").append(labels).append("} ")
          .append(String.format(Locale.ROOT, "%.9f", durationSumNanos[type].sum() / 1e9)).append('\n');
      out.append("coredns_dns_request_duration_seconds_count{").append(labels).append("} ")
          .append(durationCount[type].sum()).append('\n');
    }
    String c = "server=\"" + server + "\",zones=\".\",view=\"\"";
    out.append("# HELP coredns_cache_hits_total The count of cache hits.\n# TYPE coredns_cache_hits_total counter\n")
        .append("coredns_cache_hits_total{").append(c).append(",type=\"success\"} ").append(cacheHitsSuccess.sum())
        .append('\n')
        .append("coredns_cache_hits_total{").append(c).append(",type=\"denial\"} ").append(cacheHitsDenial.sum())
        .append('\n');
    out.append("# HELP coredns_cache_misses_total The count of cache misses.\n")
        .append("# TYPE coredns_cache_misses_total counter\n")
        .append("coredns_cache_misses_total{").append(c).append("} ").append(cacheMisses.sum()).append('\n');
    out.append("# HELP coredns_cache_served_stale_total The number of requests served from stale cache entries.\n")
        .append("# TYPE coredns_cache_served_stale_total counter\n")
        .append("coredns_cache_served_stale_total{").append(c).append("} ").append(staleServed.sum()).append('\n');
    out.append("# HELP coredns_forward_requests_total Counter of requests made per upstream.\n")
        .append("# TYPE coredns_forward_requests_total counter\n");
    forwardRequests.forEach((to, n) -> out.append("coredns_forward_requests_total{to=\"").append(to).append("\"} ")
        .append(n.sum()).append('\n'));
    out.append("# HELP coredns_forward_responses_total Counter of responses received per upstream.\n")
        .append("# TYPE coredns_forward_responses_total counter\n");
    forwardResponses.forEach((key, n) -> {
      String[] parts = key.split("\u0000", 2);
      out.append("coredns_forward_responses_total{to=\"").append(parts[0]).append("\",rcode=\"").append(parts[1])
          .append("\"} ").append(n.sum()).append('\n');
    });
    out.append("# HELP gantry_dns_upstream_failures_total Upstream queries that got no answer in time.\n")
        .append("# TYPE gantry_dns_upstream_failures_total counter\n");
    upstreamFailures.forEach((to, n) -> out.append("gantry_dns_upstream_failures_total{to=\"").append(to)
        .append("\"} ").append(n.sum()).append('\n'));
    return out.toString();
  }
}
