package io.gantry.control.server.dataplane;

import io.gantry.control.api.v1.Role;
import java.time.Instant;
import java.util.List;

/**
 * What the control component knows about one daemon's stream, immutable.
 *
 * @param daemonId           the daemon's id ({@code role/node} unless it chose one)
 * @param nodeName           the node it runs on
 * @param role               proxy, dns, ingress or node
 * @param types              the resource types it subscribed to (labels, e.g. "service")
 * @param connected          whether its stream is open
 * @param ackedVersion       the system version of the last push it ACKed or NACKed (0: none yet)
 * @param pushes             pushes sent on this stream
 * @param nacks              pushes it NACKed
 * @param lastNack           the errors of its last NACK, or ""
 * @param pendingKeys        changed resources waiting for the next push
 * @param connectedAt        when the stream opened
 * @param syncedVersion      the newest served version this daemon holds every change of its types up to:
 *                           its ACKed version, or later when the versions since changed only other types
 */
public record DaemonStatus(String daemonId, String nodeName, Role role, List<String> types, boolean connected,
    long ackedVersion, long pushes, long nacks, String lastNack, int pendingKeys, Instant connectedAt,
    long syncedVersion) {

  public DaemonStatus {
    types = List.copyOf(types);
  }

  /**
   * How many store revisions this daemon is behind {@code systemVersion}: 0 when it holds the
   * served state of every type it subscribed to, even if other types changed since its last ACK.
   */
  public long lag(long systemVersion) {
    return Math.max(0, systemVersion - Math.max(ackedVersion, syncedVersion));
  }
}
