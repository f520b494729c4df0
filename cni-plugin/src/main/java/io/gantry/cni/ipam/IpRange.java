package io.gantry.cni.ipam;

import java.util.Map;

/**
 * One allocatable range of a subnet, with host-local's defaults: {@code rangeStart} is the first
 * address after the network address, {@code rangeEnd} the last before the IPv4 broadcast address
 * (the last address for IPv6), {@code gateway} the first address. The gateway is never handed out.
 */
public record IpRange(Subnet subnet, Ip start, Ip end, Ip gateway) {

  /** Builds a range from its JSON object; {@code where} names it in errors ({@code ipam.ranges[0][1]}). */
  static IpRange fromJson(Map<String, Object> json, String where) {
    String subnetText = string(json, "subnet", where);
    if (subnetText == null) {
      throw new IllegalArgumentException(where + ".subnet is missing");
    }
    Subnet subnet;
    try {
      subnet = Subnet.parse(subnetText);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ".subnet: " + e.getMessage(), e);
    }
    if (!subnet.network().equals(Ip.parse(subnetText.substring(0, subnetText.indexOf('/'))))) {
      throw new IllegalArgumentException(where + ".subnet: " + subnetText + " has host bits set (the network"
          + " address of a /" + subnet.prefix() + " there is " + subnet.network() + ")");
    }
    if (subnet.network().isV4() && subnet.prefix() > 30) {
      throw new IllegalArgumentException(where + ".subnet: network " + subnet + " is too small to allocate from"
          + " (expected: /30 or larger)");
    }
    if (!subnet.network().isV4() && subnet.prefix() > 126) {
      throw new IllegalArgumentException(where + ".subnet: network " + subnet + " is too small to allocate from");
    }
    Ip first = subnet.network().plus(1);
    Ip last = subnet.network().isV4() ? subnet.last().plus(-1) : subnet.last();
    Ip start = address(json, "rangeStart", where, subnet, first);
    Ip end = address(json, "rangeEnd", where, subnet, last);
    Ip gateway = address(json, "gateway", where, subnet, first);
    if (start.compareTo(first) < 0 || end.compareTo(last) > 0) {
      throw new IllegalArgumentException(where + ": range " + start + "-" + end + " must lie within "
          + first + "-" + last + " (the usable addresses of " + subnet + ")");
    }
    if (start.compareTo(end) > 0) {
      throw new IllegalArgumentException(where + ": rangeStart " + start + " is after rangeEnd " + end);
    }
    return new IpRange(subnet, start, end, gateway);
  }

  private static String string(Map<String, Object> json, String key, String where) {
    Object value = json.get(key);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s)) {
      throw new IllegalArgumentException(where + "." + key + ": " + value + " (expected: a string)");
    }
    return s;
  }

  private static Ip address(Map<String, Object> json, String key, String where, Subnet subnet, Ip fallback) {
    String text = string(json, key, where);
    if (text == null || text.isEmpty()) {
      return fallback;
    }
    Ip ip;
    try {
      ip = Ip.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + "." + key + ": " + e.getMessage(), e);
    }
    if (!subnet.contains(ip)) {
      throw new IllegalArgumentException(where + "." + key + ": " + ip + " is outside the subnet " + subnet);
    }
    return ip;
  }

  public boolean contains(Ip ip) {
    return ip.bits() == start.bits() && ip.compareTo(start) >= 0 && ip.compareTo(end) <= 0;
  }

  boolean overlaps(IpRange other) {
    return start.bits() == other.start.bits() && start.compareTo(other.end) <= 0 && other.start.compareTo(end) <= 0;
  }
}
