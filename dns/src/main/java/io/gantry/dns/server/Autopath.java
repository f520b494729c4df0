package io.gantry.dns.server;

import io.gantry.dns.zone.Answer;
import io.gantry.dns.zone.DnsZoneSnapshot;
import io.gantry.dns.zone.Wire;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * Server-side search-path expansion for pods, as CoreDNS's autopath plugin does. A pod's
 * resolv.conf has {@code search <ns>.svc.<zone> svc.<zone> <zone>} and {@code ndots:5}, so
 * {@code web.other} is first asked as {@code web.other.<ns>.svc.<zone>}. The server knows the
 * pod's namespace from the query's source address, so on a miss it tries the rest of the search
 * path itself and answers the first name that has records with a CNAME from the asked name to
 * it, plus its records: one round trip instead of up to four.
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
      if (found != null && found.rcode() == Answer.NOERROR && found.answerCount() > 0) {
        return viaCname(request, candidate, found, snapshot.config().ttl());
      }
    }
    return null;
  }

  /**
   * CNAME asked-name → found-name, then the found records with their owner pointing at the CNAME's target;
   * the rcode and authority are the found name's (NXDOMAIN after a CNAME is the target's, RFC 6604).
   */
  static Answer viaCname(DnsRequest request, String target, Answer found, int ttl) {
    byte[] targetName = Wire.name(target);
    byte[] cname = Wire.record(null, Wire.TYPE_CNAME, ttl, targetName);
    int questionBytes = request.question() != null ? request.question().length
        : ResponseWriter.nameBytes(request.name()) + 4;
    int targetOffset = 12 + questionBytes + 12;
    if (targetOffset > 0x3FFF) {
      return null;
    }
    ByteArrayOutputStream answers = new ByteArrayOutputStream(cname.length + found.answers().length);
    answers.writeBytes(cname);
    int[] ends = new int[found.answerCount() + 1];
    ends[0] = answers.size();
    int start = 0;
    byte[] source = found.answers();
    for (int i = 0; i < found.answerCount(); i++) {
      int end = found.answerEnds()[i];
      answers.write(0xC0 | (targetOffset >>> 8));
      answers.write(targetOffset & 0xFF);
      answers.write(source, start + 2, end - start - 2); // skip the C0 0C owner
      ends[i + 1] = answers.size();
      start = end;
    }
    return new Answer(found.rcode(), answers.toByteArray(), ends, found.authority(), found.authorityCount(),
        found.additional(), found.additionalCount());
  }
}
