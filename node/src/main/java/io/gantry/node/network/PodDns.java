package io.gantry.node.network;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * What a pod asks of its resolver ({@code dnsPolicy}, {@code hostNetwork}, {@code dnsConfig}), and
 * the {@code /etc/resolv.conf} the kubelet gives it for that (its {@code GetPodDNS}):
 * <ul>
 *   <li>{@code ClusterFirst}: the cluster DNS alone, the search path {@code <ns>.svc.<domain>
 *       svc.<domain> <domain>} followed by the node's search domains, {@code options ndots:5};</li>
 *   <li>{@code Default}, and {@code ClusterFirst} of a {@code hostNetwork} pod: the node's nameservers,
 *       search domains and options ({@code ClusterFirstWithHostNet} keeps the cluster DNS);</li>
 *   <li>{@code None}: nothing but {@code dnsConfig};</li>
 * </ul>
 * then {@code dnsConfig}'s nameservers and searches are appended (duplicates dropped) and its options
 * merged by name, its value winning; at most 3 nameservers and 32 search domains in 2048
 * characters are kept, as the kubelet trims them.
 *
 * @param options {@code dnsConfig.options} as resolv.conf writes them: {@code name} or {@code name:value}
 */
public record PodDns(String policy, boolean hostNetwork, List<String> nameservers, List<String> searches,
    List<String> options) {

  public static final PodDns CLUSTER_FIRST = new PodDns("ClusterFirst", false, List.of(), List.of(), List.of());

  private static final int MAX_NAMESERVERS = 3;
  private static final int MAX_SEARCHES = 32;
  private static final int MAX_SEARCH_CHARS = 2048;

  public PodDns {
    nameservers = List.copyOf(nameservers);
    searches = List.copyOf(searches);
    options = List.copyOf(options);
  }

  /** From a pod's {@code spec}. */
  public static PodDns of(JsonNode spec) {
    JsonNode config = spec.path("dnsConfig");
    List<String> options = new ArrayList<>();
    for (JsonNode option : config.path("options")) {
      String name = option.path("name").asText("");
      String value = option.path("value").asText("");
      if (!name.isEmpty()) {
        options.add(value.isEmpty() ? name : name + ":" + value);
      }
    }
    return new PodDns(spec.path("dnsPolicy").asText("ClusterFirst"), spec.path("hostNetwork").asBoolean(false),
        texts(config.path("nameservers")), texts(config.path("searches")), options);
  }

  /** The pod's resolv.conf, given the node's own ({@code nodeResolvConf}, may be empty). */
  public String resolvConf(String namespace, String clusterDns, String clusterDomain, String nodeResolvConf) {
    Resolver node = Resolver.parse(nodeResolvConf);
    List<String> servers = new ArrayList<>();
    List<String> search = new ArrayList<>();
    List<String> base = new ArrayList<>();
    switch (effectivePolicy()) {
      case "None" -> { }
      case "Default" -> {
        servers.addAll(node.nameservers());
        search.addAll(node.searches());
        base.addAll(node.options());
      }
      default -> {
        servers.add(clusterDns);
        search.addAll(List.of(namespace + ".svc." + clusterDomain, "svc." + clusterDomain, clusterDomain));
        search.addAll(node.searches());
        base.add("ndots:5");
      }
    }
    servers.addAll(nameservers);
    search.addAll(searches);
    List<String> keptServers = new LinkedHashSet<>(servers).stream().limit(MAX_NAMESERVERS).toList();
    List<String> keptSearch = new ArrayList<>(new LinkedHashSet<>(search));
    while (keptSearch.size() > MAX_SEARCHES || String.join(" ", keptSearch).length() > MAX_SEARCH_CHARS) {
      keptSearch.remove(keptSearch.size() - 1);
    }
    StringBuilder out = new StringBuilder();
    keptServers.forEach(s -> out.append("nameserver ").append(s).append('\n'));
    if (!keptSearch.isEmpty()) {
      out.append("search ").append(String.join(" ", keptSearch)).append('\n');
    }
    List<String> merged = merge(base, options);
    if (!merged.isEmpty()) {
      out.append("options ").append(String.join(" ", merged)).append('\n');
    }
    return out.toString();
  }

  /** {@code ClusterFirst} of a host-network pod falls back to {@code Default}, as in the kubelet. */
  private String effectivePolicy() {
    return switch (policy) {
      case "None", "Default" -> policy;
      case "ClusterFirst" -> hostNetwork ? "Default" : policy;
      default -> "ClusterFirst";
    };
  }

  /** Options by name, in first-seen order; a later value for a name replaces the earlier one. */
  private static List<String> merge(List<String> base, List<String> extra) {
    Map<String, String> byName = new LinkedHashMap<>();
    for (List<String> list : List.of(base, extra)) {
      for (String option : list) {
        int colon = option.indexOf(':');
        byName.put(colon < 0 ? option : option.substring(0, colon), option);
      }
    }
    return List.copyOf(byName.values());
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(n -> texts.add(n.asText()));
    return texts;
  }

  /** The parts of a resolv.conf the kubelet reads: nameservers, the last search line, options. */
  record Resolver(List<String> nameservers, List<String> searches, List<String> options) {

    static Resolver parse(String text) {
      List<String> nameservers = new ArrayList<>();
      List<String> searches = new ArrayList<>();
      List<String> options = new ArrayList<>();
      for (String raw : text.split("\n")) {
        String line = raw;
        int comment = indexOfComment(line);
        if (comment >= 0) {
          line = line.substring(0, comment);
        }
        String[] fields = line.trim().split("\\s+");
        if (fields.length < 2) {
          continue;
        }
        switch (fields[0]) {
          case "nameserver" -> nameservers.add(fields[1]);
          case "search" -> {
            searches.clear();
            for (int i = 1; i < fields.length; i++) {
              String domain = fields[i].endsWith(".") ? fields[i].substring(0, fields[i].length() - 1) : fields[i];
              if (!domain.isEmpty()) {
                searches.add(domain);
              }
            }
          }
          case "options" -> options.addAll(List.of(fields).subList(1, fields.length));
          default -> { }
        }
      }
      return new Resolver(nameservers, searches, options);
    }

    private static int indexOfComment(String line) {
      int hash = line.indexOf('#');
      int semicolon = line.indexOf(';');
      return hash < 0 ? semicolon : semicolon < 0 ? hash : Math.min(hash, semicolon);
    }
  }
}
