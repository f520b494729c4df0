package io.gantry.dns.server;

import io.gantry.dns.zone.Answer;
import io.gantry.dns.zone.DnsZoneSnapshot;
import io.gantry.dns.zone.Wire;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;

/**
 * Server-side search-path expansion for pods, as CoreDNS's autopath plugin does. A pod's
 * resolv.conf has {@code search <ns>.svc.<zone> svc.<zone> <zone>} and {@code ndots:5}, so
 * {@code web.other} is first asked as {@code web.other.<ns>.svc.<zone>}. The server knows the
 * pod's namespace from the query's source address, so on a miss it tries the rest of the search
 * path itself and answers the first name that exists with a CNAME from the asked name to it,
 * plus its records of the type (none for NODATA): one round trip instead of up to four.
 *
 * <p>Only names inside the cluster zone are tried; a name found nowhere in the zone gets its
 * usual NXDOMAIN, and the client walks on to its host search domains as before. Stateless.
 */
public final class Autopath {

  /** The answer for an expansion, or null when none applies. */
  public Answer expand(DnsZoneSnapshot snapshot, DnsRequest request) {
    InetSocketAddress sender = request.sender();
    if (sender == null || sender.getAddress() == null || request.qtype() == Wire.TYPE_PTR) {
      return null;
    }
    String namespace = snapshot.podNamespace(sender.getAddress().getHostAddress());
    if (namespace == null) {
      return null;
    }
    String zone = snapshot.config().fqdn();
    String first = "." + namespace + ".svc." + zone;
    String lower = request.name().toLowerCase(Locale.ROOT);
    if (lower.length() == first.length() || !Wire.endsWithLabels(lower, first)) {
      return null;
    }
    String base = lower.substring(0, lower.length() - first.length());
    for (String suffix : new String[] {".svc." + zone, "." + zone}) {
      String candidate = base + suffix;
      if (candidate.length() > 253) {
        return null;
      }
      Answer found = snapshot.lookup(candidate, request.qtype());
      // The first name that exists ends the walk, with or without records of the type (as CoreDNS's
      // autopath stops at the first answer that is not NXDOMAIN; RFC 8020: NXDOMAIN means no type at all).
      if (found != null && found.rcode() == Answer.NOERROR) {
        return CnameChaser.viaCnames(request, List.of(candidate), found, snapshot.config().ttl());
      }
    }
    return null;
  }
}
