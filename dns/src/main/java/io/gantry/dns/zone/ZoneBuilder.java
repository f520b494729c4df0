package io.gantry.dns.zone;

import io.gantry.control.api.IpLiterals;
import io.gantry.control.api.v1.Endpoint;
import io.gantry.control.api.v1.EndpointPort;
import io.gantry.control.api.v1.EndpointView;
import io.gantry.control.api.v1.PodView;
import io.gantry.control.api.v1.ServicePort;
import io.gantry.control.api.v1.ServiceView;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns views into the records of the Kubernetes DNS specification (schema 1.1.0) and
 * precomputes their answers. One builder per snapshot; not thread-safe.
 *
 * <p>Records, with {@code <zone>} the cluster domain:
 * <ul>
 *   <li>{@code dns-version.<zone>} TXT "1.1.0"; the zone apex has the SOA and an NS record naming
 *       {@code ns.dns.<zone>} (with the addresses of {@code kube-system/kube-dns} when it exists).</li>
 *   <li>ClusterIP services: {@code <svc>.<ns>.svc.<zone>} A/AAAA per cluster IP, PTR from each
 *       cluster IP, SRV {@code _<port>._<proto>.<svc>.<ns>.svc.<zone>} per named port targeting the
 *       service name.</li>
 *   <li>Headless services: the service name has one A/AAAA per ready endpoint (every endpoint when
 *       the service publishes not-ready addresses); each such endpoint gets
 *       {@code <hostname>.<svc>.<ns>.svc.<zone>} (its hostname, or the dashed address when it has
 *       none, as CoreDNS does) and a PTR to it; SRV per named port, one per endpoint, targeting that
 *       name. Without ready endpoints the service name does not exist (NXDOMAIN).</li>
 *   <li>ExternalName services: a CNAME to the external name.</li>
 *   <li>Pods: {@code a-b-c-d.<ns>.pod.<zone>} A/AAAA for each pod IP here (for autopath's
 *       namespaces too); any other address gets its record from {@link PodRecords}, as the
 *       specification's deprecated but required pod records ask.</li>
 * </ul>
 * Every ancestor of a name inside the zone exists (NODATA rather than NXDOMAIN, RFC 8020).
 */
final class ZoneBuilder {

  private record Rr(int type, byte[] rdata, String target) {
  }

  /** The name server's name under the zone. */
  private static final String NAME_SERVER = "ns.dns.";
  private static final String IPV4_REVERSE = "in-addr.arpa.";
  private static final String IPV6_REVERSE = "ip6.arpa.";

  private final ZoneConfig config;
  private final long version;
  private final String zone;
  /** name -> type -> rdata key -> record; insertion-ordered so answers are deterministic. */
  private final Map<String, Map<Integer, Map<String, Rr>>> records = new HashMap<>();
  private final Map<String, String> podNamespaces = new HashMap<>();

  ZoneBuilder(ZoneConfig config, long version) {
    this.config = config;
    this.version = version;
    this.zone = config.fqdn();
  }

  DnsZoneSnapshot build(Collection<ServiceView> services, Collection<EndpointView> endpoints,
      Collection<PodView> pods) {
    exist(zone);
    exist("pod." + zone); // PodRecords answers every <ip>.<ns>.pod.<zone> below it
    add("dns-version." + zone, Wire.TYPE_TXT, Wire.txt(ZoneConfig.SCHEMA_VERSION), null);
    Map<String, EndpointView> endpointsByService = new HashMap<>();
    for (EndpointView view : endpoints) {
      endpointsByService.put(view.getNamespace() + "/" + view.getServiceName(), view);
    }
    for (ServiceView service : services) {
      try {
        service(service, endpointsByService.get(service.getNamespace() + "/" + service.getName()));
      } catch (IllegalArgumentException e) {
        // A name that cannot be a DNS name (too long): the service gets no records, the rest do.
      }
    }
    for (PodView pod : pods) {
      pod(pod);
    }
    nameServer(services);
    return finish();
  }

  private void service(ServiceView service, EndpointView endpoints) {
    String base = lower(service.getName()) + "." + lower(service.getNamespace()) + ".svc." + zone;
    if (service.getHeadless() && !service.getType().equals("ExternalName")) {
      endpoints(service, base, endpoints, true);
      return;
    }
    exist(base);
    if (service.getType().equals("ExternalName")) {
      if (!service.getExternalName().isEmpty()) {
        String target = service.getExternalName().endsWith(".") ? service.getExternalName()
            : service.getExternalName() + ".";
        add(base, Wire.TYPE_CNAME, Wire.name(lower(target)), lower(target));
      }
      return;
    }
    for (String ip : service.getClusterIpsList()) {
      InetAddress address = literal(ip);
      if (address != null) {
        add(base, addressType(address), address.getAddress(), null);
        add(Wire.reverseName(address), Wire.TYPE_PTR, Wire.name(base), null);
      }
    }
    for (ServicePort port : service.getPortsList()) {
      byte[] srv = Wire.srv(0, 100, port.getPort(), base);
      add(base, Wire.TYPE_SRV, srv, base); // CoreDNS: an SRV query for the service itself lists every port
      if (!port.getName().isEmpty()) {
        add(srvName(port.getName(), port.getProtocol(), base), Wire.TYPE_SRV, srv, base);
      }
    }
    endpoints(service, base, endpoints, false);
  }

  /**
   * Each ready endpoint's name under the service ({@code <hostname>.<base>}, or the dashed address)
   * and its PTR record, for any service as CoreDNS answers them. A headless service's own name and
   * SRV records come from its endpoints too, so without a ready one it is NXDOMAIN (specification,
   * section 2.4.1).
   */
  private void endpoints(ServiceView service, String base, EndpointView endpoints, boolean headless) {
    if (endpoints == null) {
      return;
    }
    for (Endpoint endpoint : endpoints.getEndpointsList()) {
      if (!endpoint.getReady() && !service.getPublishNotReadyAddresses()) {
        continue;
      }
      InetAddress address = literal(endpoint.getAddress());
      if (address == null) {
        continue;
      }
      String host = endpoint.getHostname().isEmpty() ? Wire.dashed(address) : lower(endpoint.getHostname());
      String hostName = host + "." + base;
      add(hostName, addressType(address), address.getAddress(), null);
      add(Wire.reverseName(address), Wire.TYPE_PTR, Wire.name(hostName), null);
      if (!headless) {
        continue;
      }
      add(base, addressType(address), address.getAddress(), null);
      for (Map.Entry<String, EndpointPort> port : endpoint.getPortsMap().entrySet()) {
        byte[] srv = Wire.srv(0, 100, port.getValue().getPort(), hostName);
        add(base, Wire.TYPE_SRV, srv, hostName);
        if (!port.getKey().isEmpty()) {
          add(srvName(port.getKey(), port.getValue().getProtocol(), base), Wire.TYPE_SRV, srv, hostName);
        }
      }
    }
  }

  /**
   * The apex's NS record (RFC 1034 section 4.2.1), {@code ns.dns.<zone>} as CoreDNS names it, which is also
   * the SOA's MNAME; its addresses are those of the {@code kube-system/kube-dns} Service when there is one.
   */
  private void nameServer(Collection<ServiceView> services) {
    String ns = NAME_SERVER + zone;
    exist(ns);
    for (ServiceView service : services) {
      if (service.getNamespace().equals("kube-system") && service.getName().equals("kube-dns")
          && !service.getHeadless()) {
        for (String ip : service.getClusterIpsList()) {
          InetAddress address = literal(ip);
          if (address != null) {
            add(ns, addressType(address), address.getAddress(), null);
          }
        }
      }
    }
    add(zone, Wire.TYPE_NS, Wire.name(ns), ns);
  }

  private void pod(PodView pod) {
    String namespace = lower(pod.getNamespace());
    for (String ip : pod.getIpsList()) {
      InetAddress address = literal(ip);
      if (address == null) {
        continue;
      }
      if (!pod.getHostNetwork()) { // a host-network pod's address is its node's: it tells no namespace
        podNamespaces.put(address.getHostAddress(), namespace);
      }
      try {
        add(Wire.dashed(address) + "." + namespace + ".pod." + zone, addressType(address), address.getAddress(), null);
      } catch (IllegalArgumentException e) {
        // not a valid DNS name; skip this pod's record
      }
    }
  }

  private String srvName(String port, String protocol, String base) {
    String proto = protocol.isEmpty() ? "tcp" : lower(protocol);
    String parent = "_" + proto + "." + base;
    exist(parent);
    return "_" + lower(port) + "." + parent;
  }

  private void add(String name, int type, byte[] rdata, String target) {
    Wire.name(name); // validates before anything is recorded
    exist(name);
    Map<String, Rr> set = records.get(name).computeIfAbsent(type, t -> new LinkedHashMap<>());
    set.putIfAbsent(java.util.HexFormat.of().formatHex(rdata), new Rr(type, rdata, target));
  }

  /** Marks a name, and its ancestors up to the zone when it lies in the zone, as existing. */
  private void exist(String name) {
    String current = name;
    while (!records.containsKey(current)) {
      records.put(current, new LinkedHashMap<>());
      if (current.equals(zone) || !current.endsWith("." + zone)) {
        return; // reverse names claim no ancestors: the arpa tree is not ours
      }
      current = current.substring(current.indexOf('.') + 1);
    }
  }

  private DnsZoneSnapshot finish() {
    byte[] soaRdata = soaRdata(zone);
    byte[] soa = Wire.record(zone, Wire.TYPE_SOA, config.negativeTtl(), soaRdata);
    add(zone, Wire.TYPE_SOA, soaRdata, null);
    Answer noData = Answer.negative(Answer.NOERROR, soa);
    // A reverse name's negative answer carries the SOA of its own tree (RFC 2308 section 3), as
    // CoreDNS answers for the in-addr.arpa and ip6.arpa zones it serves beside the cluster's.
    Answer noData4 = reverseNoData(IPV4_REVERSE);
    Answer noData6 = reverseNoData(IPV6_REVERSE);
    Map<String, NameEntry> names = new HashMap<>(records.size() * 2);
    for (Map.Entry<String, Map<Integer, Map<String, Rr>>> entry : records.entrySet()) {
      Map<Integer, Map<String, Rr>> byType = entry.getValue();
      int[] types = new int[byType.size()];
      Answer[] answers = new Answer[byType.size()];
      List<Rr> all = new ArrayList<>();
      int i = 0;
      for (Map.Entry<Integer, Map<String, Rr>> set : byType.entrySet()) {
        Collection<Rr> records = set.getKey() == Wire.TYPE_SRV ? sharedWeight(set.getValue().values())
            : set.getValue().values();
        types[i] = set.getKey();
        answers[i] = answer(records);
        all.addAll(records);
        i++;
      }
      Answer any = all.isEmpty() ? null : answer(all);
      String name = entry.getKey();
      Answer empty = name.endsWith(IPV4_REVERSE) ? noData4 : name.endsWith(IPV6_REVERSE) ? noData6 : noData;
      names.put(name, new NameEntry(types, answers, any, empty));
    }
    return new DnsZoneSnapshot(config, version, Map.copyOf(names), Map.copyOf(podNamespaces), noData,
        Answer.negative(Answer.NXDOMAIN, soa));
  }

  /**
   * The records of one SRV set all have priority 0 and share a weight of 100 as CoreDNS divides it:
   * {@code floor(100 / n)} each, at least 1. Copies: one rdata may stand in several sets.
   */
  private static List<Rr> sharedWeight(Collection<Rr> set) {
    int weight = Math.max(1, 100 / set.size());
    List<Rr> weighted = new ArrayList<>(set.size());
    for (Rr rr : set) {
      byte[] rdata = rr.rdata().clone();
      rdata[2] = (byte) (weight >>> 8);
      rdata[3] = (byte) weight;
      weighted.add(new Rr(rr.type(), rdata, rr.target()));
    }
    return weighted;
  }

  private byte[] soaRdata(String owner) {
    return Wire.soa(NAME_SERVER + owner, "hostmaster." + owner, version & 0xFFFFFFFFL, 7200, 1800, 86400,
        config.negativeTtl());
  }

  private Answer reverseNoData(String tree) {
    return Answer.negative(Answer.NOERROR, Wire.record(tree, Wire.TYPE_SOA, config.negativeTtl(), soaRdata(tree)));
  }

  private Answer answer(Collection<Rr> set) {
    ByteArrayOutputStream answers = new ByteArrayOutputStream();
    ByteArrayOutputStream additional = new ByteArrayOutputStream();
    int[] ends = new int[set.size()];
    int i = 0;
    int additionalCount = 0;
    Map<String, Boolean> targets = new LinkedHashMap<>();
    String cnameTarget = null;
    for (Rr rr : set) {
      int ttl = rr.type() == Wire.TYPE_SOA ? config.negativeTtl() : config.ttl();
      answers.writeBytes(Wire.record(null, rr.type(), ttl, rr.rdata()));
      ends[i++] = answers.size();
      if (rr.type() == Wire.TYPE_CNAME) {
        cnameTarget = set.size() == 1 ? rr.target() : null;
      } else if (rr.target() != null) {
        targets.put(rr.target(), Boolean.TRUE);
      }
    }
    for (String target : targets.keySet()) {
      Map<Integer, Map<String, Rr>> targetRecords = records.getOrDefault(target, Map.of());
      for (int type : new int[] {Wire.TYPE_A, Wire.TYPE_AAAA}) {
        for (Rr rr : targetRecords.getOrDefault(type, Map.of()).values()) {
          additional.writeBytes(Wire.record(target, type, config.ttl(), rr.rdata()));
          additionalCount++;
        }
      }
    }
    return new Answer(Answer.NOERROR, answers.toByteArray(), ends, new byte[0], 0, additional.toByteArray(),
        additionalCount, cnameTarget);
  }

  private static int addressType(InetAddress address) {
    return address.getAddress().length == 4 ? Wire.TYPE_A : Wire.TYPE_AAAA;
  }

  /** An address literal, or {@code null}; never a name lookup. */
  private static InetAddress literal(String ip) {
    if (!IpLiterals.isIp(ip)) {
      return null;
    }
    try {
      return InetAddress.getByName(ip);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static String lower(String text) {
    return text.toLowerCase(Locale.ROOT);
  }
}
