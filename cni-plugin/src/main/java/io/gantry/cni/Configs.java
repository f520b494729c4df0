package io.gantry.cni;

import io.gantry.cni.ipam.Ipam;
import io.gantry.cni.ipam.IpamConfig;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Configuration pieces both modes read: the IPAM section, valid attachments, DNS, the netns. */
public final class Configs {
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

  /** The {@code dns} object passed through to the result, or null. */
  public static Map<String, Object> dns(NetConf conf) throws CniException {
    Map<String, Object> dns = conf.object("dns");
    return dns == null || dns.isEmpty() ? null : dns;
  }

  /** ADD and CHECK need the namespace to exist: code 3 (container unknown) when it does not. */
  public static void requireNetns(CniEnv env) throws CniException {
    if (!Files.exists(Path.of(env.netns()), LinkOption.NOFOLLOW_LINKS) && !Files.exists(Path.of(env.netns()))) {
      throw new CniException(CniException.UNKNOWN_CONTAINER,
          "CNI_NETNS: " + env.netns() + " does not exist (the container's network namespace is gone)");
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
