package io.gantry.cni.ipam;

import java.math.BigInteger;

/** A CIDR block, normalized to its network address ({@code 10.1.2.0/24}). */
public record Subnet(Ip network, int prefix) {

  public Subnet {
    if (prefix < 0 || prefix > network.bits()) {
      throw new IllegalArgumentException("prefix: " + prefix + " (expected: 0-" + network.bits() + ")");
    }
  }

  /** Parses {@code address/prefix}; host bits are cleared. */
  public static Subnet parse(String cidr) {
    int slash = cidr == null ? -1 : cidr.indexOf('/');
    if (slash <= 0 || slash == cidr.length() - 1 || cidr.length() - slash > 4) {
      throw new IllegalArgumentException("not a CIDR (expected: address/prefix): " + cidr);
    }
    Ip ip = Ip.parse(cidr.substring(0, slash));
    String prefixText = cidr.substring(slash + 1);
    if (!prefixText.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException("not a CIDR (expected: address/prefix): " + cidr);
    }
    int prefix = Integer.parseInt(prefixText);
    if (prefix > ip.bits()) {
      throw new IllegalArgumentException("prefix /" + prefix + " is longer than the address: " + cidr);
    }
    return new Subnet(new Ip(ip.value().and(mask(prefix, ip.bits())), ip.bits()), prefix);
  }

  private static BigInteger mask(int prefix, int bits) {
    BigInteger all = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
    BigInteger host = BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE);
    return all.xor(host);
  }

  /** The last address of the block (the IPv4 broadcast address). */
  public Ip last() {
    BigInteger host = BigInteger.ONE.shiftLeft(network.bits() - prefix).subtract(BigInteger.ONE);
    return new Ip(network.value().or(host), network.bits());
  }

  public boolean contains(Ip ip) {
    return ip.bits() == network.bits() && ip.compareTo(network) >= 0 && ip.compareTo(last()) <= 0;
  }

  // equals and hashCode by hand, as in Ip: a record's generated ones bootstrap method handles on first call,
  // milliseconds in a process that lives for one CNI command.
  @Override
  public boolean equals(Object o) {
    return o instanceof Subnet other && prefix == other.prefix && network.equals(other.network);
  }

  @Override
  public int hashCode() {
    return network.hashCode() * 31 + prefix;
  }

  @Override
  public String toString() {
    return network + "/" + prefix;
  }
}
