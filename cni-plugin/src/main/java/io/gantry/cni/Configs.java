package io.gantry.cni;

import io.gantry.cni.ipam.Ip;
import io.gantry.cni.ipam.Ipam;
import io.gantry.cni.ipam.IpamConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Configuration pieces both modes read: the IPAM section, valid attachments, DNS, the netns. */
public final class Configs {
  private static final long MAX_RESOLV_CONF = 64 * 1024;
  private static final Path OWN_NETNS = Path.of("/proc/self/ns/net");

  private Configs() {}

  /** Parses {@code ipam} (and {@code runtimeConfig.ipRanges}); code 7 naming the field when invalid. */
  public static IpamConfig ipam(NetConf conf) throws CniException {
    Map<String, Object> runtime = conf.object("runtimeConfig");
    Object runtimeRanges = runtime == null ? null : runtime.get("ipRanges");
    if (runtimeRanges instanceof List<?> l && l.isEmpty()) {
      runtimeRanges = null;
    }
    try {
      return IpamConfig.fromJson(conf.name(), conf.object("ipam"), runtimeRanges);
    } catch (IllegalArgumentException e) {
      throw new CniException(CniException.INVALID_NETWORK_CONFIG, e.getMessage());
    }
  }

  /**
   * The attachments GC must keep: the union of {@code cni.dev/valid-attachments} and the spelling
   * {@code cni.dev/attachments} that an earlier draft of the spec used (libcni sends both).
   */
  public static Set<Ipam.Attachment> validAttachments(NetConf conf) throws CniException {
    Set<Ipam.Attachment> valid = new HashSet<>();
    for (String key : List.of("cni.dev/valid-attachments", "cni.dev/attachments")) {
      Object value = conf.raw().get(key);
      if (value == null) {
        continue;
      }
      if (!(value instanceof List<?> list)) {
        throw new CniException(CniException.INVALID_NETWORK_CONFIG,
            key + ": " + value + " (expected: a list of {containerID, ifname})");
      }
      for (int i = 0; i < list.size(); i++) {
        if (!(list.get(i) instanceof Map<?, ?> entry) || !(entry.get("containerID") instanceof String id)
            || !(entry.get("ifname") instanceof String ifName)) {
          throw new CniException(CniException.INVALID_NETWORK_CONFIG,
              key + "[" + i + "]: " + list.get(i) + " (expected: {\"containerID\": ..., \"ifname\": ...})");
        }
        valid.add(new Ipam.Attachment(id, ifName));
      }
    }
    return valid;
  }

  /**
   * STATUS's IPAM part: code 50 when ADD could not get addresses, because {@code ipam.dataDir} cannot be
   * written or a range set has no free address left (the spec names exhausted addresses as a reason).
   */
  public static void requireAddressesAvailable(IpamConfig ipam) throws CniException, IOException {
    if (!writable(ipam.dataDir())) {
      throw new CniException(CniException.PLUGIN_NOT_AVAILABLE,
          "ipam.dataDir " + ipam.dataDir() + " cannot be created or written");
    }
    String exhausted = new Ipam(ipam).exhaustedRangeSet();
    if (exhausted != null) {
      throw new CniException(CniException.PLUGIN_NOT_AVAILABLE, "no free address left in " + exhausted,
          "every address of the range set is allocated; release pods or widen ipam.ranges");
    }
  }

  /**
   * The result's {@code dns}, or null: read from {@code ipam.resolvConf} when set (as host-local does),
   * otherwise the configuration's {@code dns} object, whose fields must have the spec's types
   * ({@code nameservers}, {@code search} and {@code options} lists of strings, {@code domain} a string);
   * other keys are left out of the result, as the reference plugins' decoding drops them.
   */
  public static Map<String, Object> dns(NetConf conf, IpamConfig ipam) throws CniException {
    if (ipam.resolvConf() != null) {
      return resolvConf(ipam.resolvConf());
    }
    Map<String, Object> given = conf.object("dns");
    if (given == null) {
      return null;
    }
    Map<String, Object> dns = new LinkedHashMap<>();
    for (String key : List.of("nameservers", "domain", "search", "options")) {
      Object value = given.get(key);
      boolean list = !key.equals("domain");
      if (value == null) {
        continue;
      }
      if (list ? !isStringList(value) : !(value instanceof String)) {
        throw new CniException(CniException.INVALID_NETWORK_CONFIG, "dns." + key + ": " + value
            + (list ? " (expected: a list of strings)" : " (expected: a string)"));
      }
      if (list ? !((List<?>) value).isEmpty() : !((String) value).isEmpty()) {
        dns.put(key, value);
      }
    }
    return dns.isEmpty() ? null : dns;
  }

  private static boolean isStringList(Object value) {
    if (!(value instanceof List<?> list)) {
      return false;
    }
    for (Object item : list) {
      if (!(item instanceof String)) {
        return false;
      }
    }
    return true;
  }

  /** {@code nameserver}, {@code domain}, {@code search} and {@code options} lines of a resolv.conf. */
  static Map<String, Object> resolvConf(Path file) throws CniException {
    List<String> lines;
    try {
      if (Files.size(file) > MAX_RESOLV_CONF) {
        throw new IOException("larger than " + MAX_RESOLV_CONF + " bytes");
      }
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CniException(CniException.INVALID_NETWORK_CONFIG, "ipam.resolvConf: cannot read " + file + ": "
          + e.getMessage());
    }
    List<Object> nameservers = new ArrayList<>();
    List<Object> search = new ArrayList<>();
    List<Object> options = new ArrayList<>();
    String domain = null;
    for (String line : lines) {
      List<String> words = words(line);
      if (words.size() < 2) {
        continue;
      }
      switch (words.get(0)) {
        case "nameserver" -> nameservers.add(words.get(1));
        case "domain" -> domain = words.get(1);
        case "search" -> {
          search.clear();
          search.addAll(words.subList(1, words.size()));
        }
        case "options" -> options.addAll(words.subList(1, words.size()));
        default -> { }
      }
    }
    Map<String, Object> dns = new LinkedHashMap<>();
    if (!nameservers.isEmpty()) {
      dns.put("nameservers", nameservers);
    }
    if (domain != null) {
      dns.put("domain", domain);
    }
    if (!search.isEmpty()) {
      dns.put("search", search);
    }
    if (!options.isEmpty()) {
      dns.put("options", options);
    }
    return dns;
  }

  /** The whitespace-separated words of a line, up to a comment ({@code #} or {@code ;}). */
  private static List<String> words(String line) {
    List<String> words = new ArrayList<>();
    int i = 0;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (c == '#' || c == ';') {
        break;
      }
      if (c == ' ' || c == '\t') {
        i++;
        continue;
      }
      int end = i;
      while (end < line.length() && line.charAt(end) != ' ' && line.charAt(end) != '\t') {
        end++;
      }
      words.add(line.substring(i, end));
      i = end;
    }
    return words;
  }

  /**
   * Static addresses asked for, from where host-local reads them: CNI_ARGS {@code IP} (several
   * separated by commas; ignored when {@code args.cni.ips} is given, as CONVENTIONS.md requires),
   * the {@code args.cni.ips} convention and the {@code ips} capability
   * ({@code runtimeConfig.ips}, addresses with or without a prefix length).
   */
  public static List<Ip> requestedIps(CniEnv env, NetConf conf) throws CniException {
    List<Ip> ips = new ArrayList<>();
    Map<String, Object> args = conf.object("args");
    Object argsIps = args != null && args.get("cni") instanceof Map<?, ?> cni ? cni.get("ips") : null;
    String fromEnv = env.args().get("IP");
    // CONVENTIONS.md: given the same key in args, a plugin that reads args ignores the CNI_ARGS field
    if (argsIps == null && fromEnv != null && !fromEnv.isEmpty()) {
      for (String part : fromEnv.split(",")) {
        addRequested(ips, part, "CNI_ARGS IP", CniException.INVALID_ENVIRONMENT);
      }
    }
    if (argsIps != null) {
      addRequested(ips, argsIps, "args.cni.ips");
    }
    Map<String, Object> runtime = conf.object("runtimeConfig");
    if (runtime != null && runtime.get("ips") != null) {
      addRequested(ips, runtime.get("ips"), "runtimeConfig.ips");
    }
    return ips;
  }

  private static void addRequested(List<Ip> ips, Object list, String where) throws CniException {
    if (!(list instanceof List<?> items)) {
      throw new CniException(CniException.INVALID_NETWORK_CONFIG, where + ": " + list
          + " (expected: a list of IP addresses)");
    }
    for (Object item : items) {
      addRequested(ips, item, where, CniException.INVALID_NETWORK_CONFIG);
    }
  }

  private static void addRequested(List<Ip> ips, Object item, String where, int code) throws CniException {
    if (item instanceof String text) {
      int slash = text.indexOf('/');
      try {
        Ip ip = Ip.parse(slash < 0 ? text : text.substring(0, slash));
        if (!ips.contains(ip)) {
          ips.add(ip);
        }
        return;
      } catch (IllegalArgumentException e) {
        // reported below
      }
    }
    throw new CniException(code, where + ": " + item + " (expected: an IP address such as 10.22.0.5)");
  }

  /**
   * ADD and CHECK need the namespace to exist: code 3 (container unknown) when it does not; and, as
   * libcni's skeleton insists, it must not be the plugin's own (the host's) namespace: code 4.
   */
  public static void requireNetns(CniEnv env) throws CniException {
    Path netns = Path.of(env.netns());
    if (!Files.exists(netns, LinkOption.NOFOLLOW_LINKS) && !Files.exists(netns)) {
      throw new CniException(CniException.UNKNOWN_CONTAINER,
          "CNI_NETNS: " + env.netns() + " does not exist (the container's network namespace is gone)");
    }
    try {
      if (Files.isSameFile(netns, OWN_NETNS)) {
        throw new CniException(CniException.INVALID_ENVIRONMENT, "CNI_NETNS: " + env.netns()
            + " is the plugin's own network namespace (expected: the container's)");
      }
    } catch (IOException e) {
      // not comparable (no /proc): nothing to refuse
    }
  }

  /** The {@code prevResult} object; CHECK requires it (code 7 when missing). */
  public static Map<String, Object> prevResult(NetConf conf, boolean required) throws CniException {
    Map<String, Object> prev = conf.object("prevResult");
    if (prev == null && required) {
      throw new CniException(CniException.INVALID_NETWORK_CONFIG,
          "prevResult is missing (CHECK needs the result of the preceding ADD)");
    }
    return prev;
  }

  /** Whether a directory can be created or written at {@code dir} (for STATUS). */
  public static boolean writable(Path dir) {
    Path probe = dir;
    while (probe != null && !Files.exists(probe)) {
      probe = probe.getParent();
    }
    return probe != null && Files.isDirectory(probe) && Files.isWritable(probe);
  }
}
