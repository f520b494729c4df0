package io.gantry.node.network;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A pod's {@code /etc/hosts} as the kubelet writes it: localhost and the IPv6 names, the pod's own
 * address under its hostname (and {@code <hostname>.<subdomain>.<ns>.svc.<domain>} with a
 * subdomain), then the {@code hostAliases}; a {@code hostNetwork} pod gets the node's file with the
 * aliases after it.
 *
 * @param hostname {@code spec.hostname}, else the pod's name cut to 63 characters
 * @param subdomain {@code spec.subdomain}, or empty
 * @param aliases one line per {@code hostAliases} entry: the IP, then its hostnames
 */
public record PodEtcHosts(String hostname, String subdomain, List<List<String>> aliases) {

  private static final int MAX_HOSTNAME = 63;

  public PodEtcHosts {
    aliases = aliases.stream().map(List::copyOf).toList();
  }

  /** From a pod object. */
  public static PodEtcHosts of(JsonNode pod) {
    JsonNode spec = pod.path("spec");
    String hostname = spec.path("hostname").asText("");
    if (hostname.isEmpty()) {
      hostname = pod.path("metadata").path("name").asText("");
      if (hostname.length() > MAX_HOSTNAME) {
        hostname = hostname.substring(0, MAX_HOSTNAME).replaceAll("[-.]+$", "");
      }
    }
    List<List<String>> aliases = new ArrayList<>();
    for (JsonNode alias : spec.path("hostAliases")) {
      List<String> line = new ArrayList<>();
      line.add(alias.path("ip").asText(""));
      alias.path("hostnames").forEach(h -> line.add(h.asText()));
      aliases.add(line);
    }
    return new PodEtcHosts(hostname, spec.path("subdomain").asText(""), aliases);
  }

  /** The file for a pod with its own network and address {@code podIp}. */
  public String managed(String podIp, String namespace, String clusterDomain) {
    StringBuilder out = new StringBuilder("# Kubernetes-managed hosts file.\n")
        .append("127.0.0.1\tlocalhost\n")
        .append("::1\tlocalhost ip6-localhost ip6-loopback\n")
        .append("fe00::0\tip6-localnet\n")
        .append("fe00::0\tip6-mcastprefix\n")
        .append("fe00::1\tip6-allnodes\n")
        .append("fe00::2\tip6-allrouters\n");
    if (subdomain.isEmpty()) {
      out.append(podIp).append('\t').append(hostname).append('\n');
    } else {
      out.append(podIp).append('\t').append(hostname).append('.').append(subdomain).append('.').append(namespace)
          .append(".svc.").append(clusterDomain).append('\t').append(hostname).append('\n');
    }
    return out.append(aliasLines()).toString();
  }

  /** The file for a {@code hostNetwork} pod: the node's own, then the aliases. */
  public String hostNetwork(String nodeHosts) {
    return "# Kubernetes-managed hosts file (host network).\n" + nodeHosts + aliasLines();
  }

  private String aliasLines() {
    if (aliases.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder("\n# Entries added by HostAliases.\n");
    for (List<String> line : aliases) {
      out.append(String.join("\t", line)).append('\n');
    }
    return out.toString();
  }
}
