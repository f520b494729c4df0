package io.gantry.control.server.tls;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** The subject alternative names a serving certificate must carry: the defaults plus the caller's. */
record SubjectNames(Set<String> dnsNames, Set<InetAddress> ips) {
  private static final Pattern DNS_NAME =
      Pattern.compile("(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
  private static final Pattern IPV4_LIKE = Pattern.compile("[0-9.]+");
  private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  static SubjectNames of(List<String> dnsNames, List<InetAddress> ips) {
    requireNonNull(dnsNames, "dnsNames");
    requireNonNull(ips, "ips");
    Set<String> dns = new LinkedHashSet<>(ClusterCertificates.DEFAULT_DNS_NAMES);
    for (String name : dnsNames) {
      requireNonNull(name, "dnsNames element");
      String normalized = name.toLowerCase(Locale.ROOT);
      if (normalized.endsWith(".")) {
        normalized = normalized.substring(0, normalized.length() - 1);
      }
      if (normalized.length() > 253 || !DNS_NAME.matcher(normalized).matches()
          || IPV4_LIKE.matcher(normalized).matches()) {
        throw new IllegalArgumentException("dnsNames: " + name
            + " (expected: a DNS name such as node1.example.com; pass IP addresses in ips)");
      }
      dns.add(normalized);
    }
    Set<InetAddress> addresses = new LinkedHashSet<>();
    for (String literal : ClusterCertificates.DEFAULT_IPS) {
      addresses.add(literal(literal));
    }
    for (InetAddress ip : ips) {
      addresses.add(requireNonNull(ip, "ips element"));
    }
    // Unmodifiable views keep insertion order (defaults first), so certificates read naturally.
    return new SubjectNames(Collections.unmodifiableSet(dns), Collections.unmodifiableSet(addresses));
  }

  /** The wanted names that {@code cert} does not carry, in readable form; empty when it has them all. */
  Set<String> missingFrom(X509Certificate cert) {
    Set<String> haveDns = new LinkedHashSet<>();
    Set<InetAddress> haveIps = new LinkedHashSet<>();
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          int type = (Integer) san.get(0);
          if (type == 2) {
            haveDns.add(((String) san.get(1)).toLowerCase(Locale.ROOT));
          } else if (type == 7) {
            haveIps.add(literal((String) san.get(1)));
          }
        }
      }
    } catch (CertificateParsingException e) {
      return Set.of("all names (unreadable SAN extension)");
    }
    Set<String> missing = new LinkedHashSet<>();
    for (String name : dnsNames) {
      if (!haveDns.contains(name)) {
        missing.add(name);
      }
    }
    for (InetAddress ip : ips) {
      if (!haveIps.contains(ip)) {
        missing.add(ip.getHostAddress());
      }
    }
    return missing;
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    dnsNames.forEach(n -> out.append(out.isEmpty() ? "" : ", ").append(n));
    ips.forEach(ip -> out.append(", ").append(ip.getHostAddress()));
    return out.toString();
  }

  /** Parses an IP literal without any name lookup. */
  private static InetAddress literal(String text) {
    try {
      // Only literals reach getByName, so it never resolves a name.
      if (text.indexOf(':') >= 0 || IPV4_LITERAL.matcher(text).matches()) {
        return InetAddress.getByName(text);
      }
    } catch (UnknownHostException e) {
      // fall through
    }
    throw new IllegalArgumentException("ip: " + text + " (expected: an IP address literal)");
  }
}
