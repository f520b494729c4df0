package io.gantry.dns.zone;

import io.gantry.control.api.IpLiterals;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The pod records of the Kubernetes DNS specification (section "Deprecated Records", still required):
 * {@code <a>-<b>-<c>-<d>.<ns>.pod.<zone>} has the A record {@code a.b.c.d} for any address, whether a pod
 * has it or not ({@code <a>--<b>} with dashes for colons gives an AAAA); {@code <ns>.pod.<zone>} exists
 * for any namespace label. Answers are made per query, as the names are not enumerable; only names that
 * miss the precomputed map come here.
 */
final class PodRecords {

  private final String podSuffix;
  private final int ttl;
  private final Answer noData;
  private final Answer nxDomain;

  PodRecords(String zoneFqdn, int ttl, Answer noData, Answer nxDomain) {
    this.podSuffix = ".pod." + zoneFqdn;
    this.ttl = ttl;
    this.noData = noData;
    this.nxDomain = nxDomain;
  }

  /** The answer for a lower-cased name in the zone that has no precomputed entry, or null when it is not a pod name. */
  Answer answer(String lower, int qtype) {
    if (!Wire.endsWithLabels(lower, podSuffix) || lower.indexOf('\\') >= 0) {
      return null;
    }
    int namespaceEnd = lower.length() - podSuffix.length();
    int namespaceStart = lower.lastIndexOf('.', namespaceEnd - 1) + 1;
    if (namespaceStart == 0) {
      return noData; // <ns>.pod.<zone>
    }
    String dashed = lower.substring(0, namespaceStart - 1);
    if (dashed.indexOf('.') >= 0) {
      return nxDomain;
    }
    InetAddress address = address(dashed);
    if (address == null) {
      return nxDomain;
    }
    int type = address instanceof Inet4Address ? Wire.TYPE_A : Wire.TYPE_AAAA;
    if (qtype != type && qtype != Wire.TYPE_ANY) {
      return noData;
    }
    byte[] record = Wire.record(null, type, ttl, address.getAddress());
    return new Answer(Answer.NOERROR, record, new int[] {record.length}, new byte[0], 0, new byte[0], 0);
  }

  private static InetAddress address(String dashed) {
    String v4 = dashed.replace('-', '.');
    if (IpLiterals.isIpv4(v4)) {
      return literal(v4);
    }
    String v6 = dashed.replace('-', ':');
    return IpLiterals.isIpv6(v6) && literal(v6) instanceof Inet6Address address ? address : null;
  }

  /** A checked address literal: getByName parses it and never looks a name up. */
  private static InetAddress literal(String text) {
    try {
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
