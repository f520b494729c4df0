package io.gantry.control.api;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Strict IP literal checks that never resolve a name ({@code InetAddress.getByName("1.2.3")}
 * would ask DNS).
 */
public final class IpLiterals {

  private IpLiterals() {
  }

  /** Whether {@code text} is a dotted-quad IPv4 address or an IPv6 address literal. */
  public static boolean isIp(String text) {
    return isIpv4(text) || isIpv6(text);
  }

  public static boolean isIpv4(String text) {
    if (text == null || text.isEmpty() || text.length() > 15) {
      return false;
    }
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String part : parts) {
      if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
        return false;
      }
      int value = 0;
      for (int i = 0; i < part.length(); i++) {
        char c = part.charAt(i);
        if (c < '0' || c > '9') {
          return false;
        }
        value = value * 10 + (c - '0');
      }
      if (value > 255) {
        return false;
      }
    }
    return true;
  }

  public static boolean isIpv6(String text) {
    if (text == null || text.length() < 2 || text.length() > 45 || text.indexOf(':') < 0) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean ok = c == ':' || c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!ok) {
        return false;
      }
    }
    try {
      // With a ':' and only hex digits, getByName parses a literal and never resolves
      // (an IPv4-mapped literal comes back as an Inet4Address, which is fine).
      InetAddress.getByName(text);
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** Whether {@code text} is {@code ip/prefix} with a prefix length that fits the address family. */
  public static boolean isCidr(String text) {
    if (text == null) {
      return false;
    }
    int slash = text.indexOf('/');
    if (slash < 0 || slash == text.length() - 1 || text.length() - slash > 4) {
      return false;
    }
    String ip = text.substring(0, slash);
    int prefix;
    try {
      prefix = Integer.parseInt(text.substring(slash + 1));
    } catch (NumberFormatException e) {
      return false;
    }
    if (isIpv4(ip)) {
      return prefix >= 0 && prefix <= 32;
    }
    return isIpv6(ip) && prefix >= 0 && prefix <= 128;
  }
}
