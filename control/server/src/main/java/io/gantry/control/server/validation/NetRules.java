package io.gantry.control.server.validation;

import java.math.BigInteger;
import java.util.List;

/** IP address and CIDR syntax, parsed locally (never through a resolver), with the upstream messages. */
public final class NetRules {

  static final String IP_MSG = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";
  static final String CIDR_MSG = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";

  private NetRules() {}

  /** A parsed CIDR: the network address bytes (host bits cleared) and the prefix length. */
  public record Cidr(byte[] network, int prefix) {

    /** Whether {@code other} lies inside this network and is strictly smaller. */
    public boolean strictlyContains(Cidr other) {
      if (other.network.length != network.length || other.prefix <= prefix) {
        return false;
      }
      return mask(other.network, prefix).equals(mask(network, prefix));
    }
  }

  public static List<String> ip(String value) {
    return parseIp(value) == null ? List.of(IP_MSG) : List.of();
  }

  public static List<String> cidr(String value) {
    return parseCidr(value) == null ? List.of(CIDR_MSG) : List.of();
  }

  /** The 4 or 16 address bytes, or {@code null} when {@code value} is not an IP literal. */
  public static byte[] parseIp(String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    return value.indexOf(':') >= 0 ? parseIpv6(value) : parseIpv4(value);
  }

  public static Cidr parseCidr(String value) {
    if (value == null) {
      return null;
    }
    int slash = value.indexOf('/');
    if (slash < 0) {
      return null;
    }
    byte[] ip = parseIp(value.substring(0, slash));
    String bits = value.substring(slash + 1);
    if (ip == null || bits.isEmpty() || bits.length() > 3 || !bits.chars().allMatch(Character::isDigit)) {
      return null;
    }
    int prefix = Integer.parseInt(bits);
    if (prefix > ip.length * 8) {
      return null;
    }
    return new Cidr(toBytes(mask(ip, prefix), ip.length), prefix);
  }

  private static BigInteger mask(byte[] ip, int prefix) {
    BigInteger v = new BigInteger(1, ip);
    int hostBits = ip.length * 8 - prefix;
    return v.shiftRight(hostBits).shiftLeft(hostBits);
  }

  private static byte[] toBytes(BigInteger v, int length) {
    byte[] raw = v.toByteArray();
    byte[] out = new byte[length];
    int copy = Math.min(raw.length, length);
    System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
    return out;
  }

  private static byte[] parseIpv4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return null;
      }
      int v = Integer.parseInt(p);
      if (v > 255) {
        return null;
      }
      out[i] = (byte) v;
    }
    return out;
  }

  private static byte[] parseIpv6(String s) {
    byte[] out = new byte[16];
    int dbl = s.indexOf("::");
    if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
      return null;
    }
    String head = dbl >= 0 ? s.substring(0, dbl) : s;
    String tail = dbl >= 0 ? s.substring(dbl + 2) : "";
    byte[] headBytes = groups(head, dbl < 0);
    byte[] tailBytes = groups(tail, true);
    if (headBytes == null || tailBytes == null) {
      return null;
    }
    int total = headBytes.length + tailBytes.length;
    if (dbl < 0 ? total != 16 : total > 14) {
      return null;
    }
    System.arraycopy(headBytes, 0, out, 0, headBytes.length);
    System.arraycopy(tailBytes, 0, out, 16 - tailBytes.length, tailBytes.length);
    return out;
  }

  /** Colon-separated hex groups; the last may be a dotted IPv4 address when {@code ipv4Allowed}. */
  private static byte[] groups(String s, boolean ipv4Allowed) {
    if (s.isEmpty()) {
      return new byte[0];
    }
    String[] parts = s.split(":", -1);
    byte[] out = new byte[parts.length * 2 + 2];
    int n = 0;
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      if (i == parts.length - 1 && ipv4Allowed && p.indexOf('.') >= 0) {
        byte[] v4 = parseIpv4(p);
        if (v4 == null) {
          return null;
        }
        System.arraycopy(v4, 0, out, n, 4);
        n += 4;
        continue;
      }
      if (p.isEmpty() || p.length() > 4 || !p.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
        return null;
      }
      int v = Integer.parseInt(p, 16);
      out[n++] = (byte) (v >> 8);
      out[n++] = (byte) v;
    }
    byte[] trimmed = new byte[n];
    System.arraycopy(out, 0, trimmed, 0, n);
    return trimmed;
  }
}
