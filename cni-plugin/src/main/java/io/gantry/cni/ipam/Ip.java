package io.gantry.cni.ipam;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 address as an unsigned number, so that ranges are arithmetic. Parses literals only:
 * nothing here ever resolves a name.
 */
public record Ip(BigInteger value, int bits) implements Comparable<Ip> {

  public Ip {
    if (bits != 32 && bits != 128) {
      throw new IllegalArgumentException("bits: " + bits + " (expected: 32 or 128)");
    }
    if (value.signum() < 0 || value.bitLength() > bits) {
      throw new IllegalArgumentException("value out of range for IPv" + (bits == 32 ? 4 : 6));
    }
  }

  /** Parses a literal IPv4 ({@code 10.1.2.3}) or IPv6 ({@code fd00::5}) address. */
  public static Ip parse(String text) {
    if (text == null || text.isEmpty() || text.length() > 45) {
      throw new IllegalArgumentException("not an IP address: " + text);
    }
    if (text.indexOf(':') < 0) {
      String[] parts = text.split("\\.", -1);
      if (parts.length != 4) {
        throw new IllegalArgumentException("not an IPv4 address: " + text);
      }
      long value = 0;
      for (String part : parts) {
        if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)
            || (part.length() > 1 && part.charAt(0) == '0')) {
          throw new IllegalArgumentException("not an IPv4 address: " + text);
        }
        int octet = Integer.parseInt(part);
        if (octet > 255) {
          throw new IllegalArgumentException("not an IPv4 address: " + text);
        }
        value = (value << 8) | octet;
      }
      return new Ip(BigInteger.valueOf(value), 32);
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!(c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
        throw new IllegalArgumentException("not an IPv6 address: " + text);
      }
    }
    try {
      // A literal of hex digits, ':' and '.' only: InetAddress parses it without any lookup.
      byte[] bytes = InetAddress.getByName(text).getAddress();
      if (bytes.length != 16) {
        throw new IllegalArgumentException("not an IPv6 address: " + text);
      }
      return new Ip(new BigInteger(1, bytes), 128);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IPv6 address: " + text, e);
    }
  }

  public boolean isV4() {
    return bits == 32;
  }

  public Ip plus(long delta) {
    return new Ip(value.add(BigInteger.valueOf(delta)), bits);
  }

  // equals and hashCode by hand: a record's generated ones bootstrap method handles on first call,
  // milliseconds in a process that lives for one CNI command.
  @Override
  public boolean equals(Object o) {
    return o instanceof Ip other && bits == other.bits && value.equals(other.value);
  }

  @Override
  public int hashCode() {
    return value.hashCode() * 31 + bits;
  }

  @Override
  public int compareTo(Ip other) {
    int byFamily = Integer.compare(bits, other.bits);
    return byFamily != 0 ? byFamily : value.compareTo(other.value);
  }

  /** Dotted quad for IPv4; RFC 5952 (lower case, longest zero run compressed) for IPv6. */
  @Override
  public String toString() {
    if (isV4()) {
      long v = value.longValue();
      return ((v >> 24) & 0xff) + "." + ((v >> 16) & 0xff) + "." + ((v >> 8) & 0xff) + "." + (v & 0xff);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = value.shiftRight(16 * (7 - i)).intValue() & 0xffff;
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(groups[i]));
    }
    return out.toString();
  }
}
