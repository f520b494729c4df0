package io.gantry.control.server.dataplane;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the DataPlane server, rendered in the Prometheus text format (version 0.0.4).
 *
 * <p>Thread-safe: adders are bumped from any subscriber's context; {@link #render} reads them.
 */
public final class DataPlaneMetrics {

  final LongAdder pushes = new LongAdder();
  final LongAdder pushedResources = new LongAdder();
  final LongAdder pushBytes = new LongAdder();
  final LongAdder ackedPushes = new LongAdder();
  final LongAdder ackNanos = new LongAdder();
  final LongAdder nacks = new LongAdder();
  final LongAdder ackTimeouts = new LongAdder();
  final LongAdder streams = new LongAdder();

  /** Appends this server's metrics; per-daemon series come from {@code daemons}. */
  public void render(StringBuilder out, List<DaemonStatus> daemons, ViewSnapshot snapshot, long invalidViews) {
    counter(out, "gantry_dataplane_pushes_total", "Pushes sent to daemons.", pushes.sum());
    counter(out, "gantry_dataplane_pushed_resources_total", "Upserts and removals sent to daemons.",
        pushedResources.sum());
    counter(out, "gantry_dataplane_pushed_bytes_total", "Serialized bytes of the pushes sent.", pushBytes.sum());
    out.append("# HELP gantry_dataplane_push_ack_seconds Time from a push to its ACK or NACK.\n")
        .append("# TYPE gantry_dataplane_push_ack_seconds summary\n")
        .append("gantry_dataplane_push_ack_seconds_sum ").append(ackNanos.sum() / 1e9).append('\n')
        .append("gantry_dataplane_push_ack_seconds_count ").append(ackedPushes.sum()).append('\n');
    counter(out, "gantry_dataplane_nacks_total", "Pushes daemons rejected in part.", nacks.sum());
    counter(out, "gantry_dataplane_ack_timeouts_total", "Pushes not answered in time.", ackTimeouts.sum());
    counter(out, "gantry_dataplane_streams_total", "Streams daemons opened.", streams.sum());
    counter(out, "gantry_dataplane_invalid_views_total", "Views that failed validation and were not served.",
        invalidViews);
    long connected = daemons.stream().filter(DaemonStatus::connected).count();
    gauge(out, "gantry_dataplane_connected_daemons", "Daemons with an open stream.", connected);
    gauge(out, "gantry_dataplane_snapshot_version", "Store revision of the served snapshot.",
        snapshot.systemVersion());
    gauge(out, "gantry_dataplane_snapshot_resources", "Views in the served snapshot.", snapshot.size());
    out.append("# HELP gantry_dataplane_daemon_lag Store revisions a daemon's ACKed state is behind.\n")
        .append("# TYPE gantry_dataplane_daemon_lag gauge\n");
    for (DaemonStatus daemon : daemons) {
      if (daemon.connected()) {
        out.append("gantry_dataplane_daemon_lag{daemon=\"").append(escape(daemon.daemonId()))
            .append("\",node=\"").append(escape(daemon.nodeName()))
            .append("\",role=\"").append(daemon.role().name()).append("\"} ")
            .append(daemon.lag(snapshot.systemVersion())).append('\n');
      }
    }
  }

  static void counter(StringBuilder out, String name, String help, long value) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n')
        .append("# TYPE ").append(name).append(" counter\n")
        .append(name).append(' ').append(value).append('\n');
  }

  static void gauge(StringBuilder out, String name, String help, long value) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n')
        .append("# TYPE ").append(name).append(" gauge\n")
        .append(name).append(' ').append(value).append('\n');
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  public long nacks() {
    return nacks.sum();
  }

  public long pushes() {
    return pushes.sum();
  }
}
