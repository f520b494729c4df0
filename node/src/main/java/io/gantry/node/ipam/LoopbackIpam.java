package io.gantry.node.ipam;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Pod IPs from the node's pod CIDR in loopback mode (e.g. 127.244.3.0/24 gives .2 to .254),
 * keyed by pod UID and persisted as one file per address ({@code <dir>/<ip>} holding the UID), so
 * that an agent restart gives a pod back its address and never hands out one a live pod holds.
 * Addresses are handed out round-robin after the last one given, so a released address is the
 * last to be reused.
 *
 * <p>Concurrency: not thread-safe; the pod manager's loop owns it.
 */
public final class LoopbackIpam {

  private final Path dir;
  private final Map<String, String> byUid = new HashMap<>();
  private final Map<String, String> byIp = new HashMap<>();
  private int base = -1;
  private int size;
  private int next;

  public LoopbackIpam(Path dir) {
    this.dir = requireNonNull(dir, "dir");
    try {
      Files.createDirectories(dir);
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
        for (Path file : files) {
          String ip = file.getFileName().toString();
          if (ip.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")) {
            String uid = Files.readString(file, StandardCharsets.UTF_8).trim();
            byUid.put(uid, ip);
            byIp.put(ip, uid);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sets the range; {@code cidr} is an IPv4 CIDR such as {@code 127.244.3.0/24}. */
  public void setCidr(String cidr) {
    String[] parts = cidr.split("/");
    if (parts.length != 2) {
      throw new IllegalArgumentException("cidr: " + cidr + " (expected: a.b.c.d/len)");
    }
    int prefix = Integer.parseInt(parts[1]);
    if (prefix < 8 || prefix > 30) {
      throw new IllegalArgumentException("cidr: " + cidr + " (expected: a prefix length of 8-30)");
    }
    int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
    base = toInt(parts[0]) & mask;
    size = 1 << (32 - prefix);
  }

  public boolean ready() {
    return base != -1;
  }

  public Optional<String> lookup(String uid) {
    return Optional.ofNullable(byUid.get(uid));
  }

  /** The pod's address: the one it holds, or a free one; empty when the range is unknown or full. */
  public Optional<String> allocate(String uid) {
    String held = byUid.get(uid);
    if (held != null || !ready()) {
      return Optional.ofNullable(held);
    }
    int usable = size - 3; // network, gateway (.1) and broadcast stay unused
    for (int i = 0; i < usable; i++) {
      int offset = 2 + (next + i) % usable;
      String ip = toString(base + offset);
      if (!byIp.containsKey(ip)) {
        next = (next + i + 1) % usable;
        try {
          Files.writeString(dir.resolve(ip), uid + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        byUid.put(uid, ip);
        byIp.put(ip, uid);
        return Optional.of(ip);
      }
    }
    return Optional.empty();
  }

  public void release(String uid) {
    String ip = byUid.remove(uid);
    if (ip != null) {
      byIp.remove(ip);
      try {
        Files.deleteIfExists(dir.resolve(ip));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Every UID holding an address (for reconciliation after a restart). */
  public java.util.Set<String> holders() {
    return java.util.Set.copyOf(byUid.keySet());
  }

  private static int toInt(String ip) {
    String[] octets = ip.split("\\.");
    if (octets.length != 4) {
      throw new IllegalArgumentException("address: " + ip + " (expected: IPv4)");
    }
    int value = 0;
    for (String octet : octets) {
      int b = Integer.parseInt(octet);
      if (b < 0 || b > 255) {
        throw new IllegalArgumentException("address: " + ip + " (expected: IPv4)");
      }
      value = value << 8 | b;
    }
    return value;
  }

  private static String toString(int ip) {
    return (ip >>> 24) + "." + (ip >>> 16 & 0xff) + "." + (ip >>> 8 & 0xff) + "." + (ip & 0xff);
  }
}
