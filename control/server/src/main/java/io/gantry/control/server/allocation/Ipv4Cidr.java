package io.gantry.control.server.allocation;

import java.util.Objects;

/**
 * An IPv4 CIDR block as integers: the arithmetic behind every address allocator.
 *
 * @param base   the network address as an unsigned 32-bit value held in a long
 * @param prefix the prefix length, 0-32
 */
public record Ipv4Cidr(long base, int prefix) {

  public Ipv4Cidr {
    if (prefix < 0 || prefix > 32) {
      throw new IllegalArgumentException("prefix: " + prefix + " (expected: 0-32)");
    }
    if ((base & ~mask(prefix)) != 0 || base < 0 || base > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("base: " + format(base) + " is not the network address of a /" + prefix);
    }
  }

  /**
   * Parses {@code a.b.c.d/n}; the address must be the network address, as Kubernetes requires of
   * {@code --service-cluster-ip-range}.
   */
  public static Ipv4Cidr parse(String text) {
    Objects.requireNonNull(text, "text");
    int slash = text.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("CIDR: " + text + " (expected: a.b.c.d/n)");
    }
    long address = parseAddress(text.substring(0, slash));
    int prefix;
    try {
      prefix = Integer.parseInt(text.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("CIDR: " + text + " (expected: a.b.c.d/n with n in 0-32)");
    }
    if (address < 0 || prefix < 0 || prefix > 32) {
      throw new IllegalArgumentException("CIDR: " + text + " (expected: an IPv4 a.b.c.d/n with n in 0-32)");
    }
    if ((address & ~mask(prefix)) != 0) {
      throw new IllegalArgumentException("CIDR: " + text + " (expected: the network address, "
          + format(address & mask(prefix)) + "/" + prefix + ")");
    }
    return new Ipv4Cidr(address, prefix);
  }

  /** The address as an unsigned value, or -1 when {@code text} is not a dotted IPv4 address. */
  public static long parseAddress(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return -1;
    }
    long value = 0;
    for (String part : parts) {
      if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)
          || part.length() > 1 && part.charAt(0) == '0') {
        return -1;
      }
      int octet = Integer.parseInt(part);
      if (octet > 255) {
        return -1;
      }
      value = value << 8 | octet;
    }
    return value;
  }

  public static String format(long address) {
    return ((address >> 24) & 0xFF) + "." + ((address >> 16) & 0xFF) + "." + ((address >> 8) & 0xFF) + "."
        + (address & 0xFF);
  }

  private static long mask(int prefix) {
    return prefix == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefix)) & 0xFFFF_FFFFL;
  }

  /** How many addresses the block spans, network and broadcast included. */
  public long size() {
    return 1L << (32 - prefix);
  }

  /** The block's last address. */
  public long last() {
    return base + size() - 1;
  }

  public boolean contains(long address) {
    return address >= base && address <= last();
  }

  /** Whether the two blocks share any address. */
  public boolean overlaps(Ipv4Cidr other) {
    return base <= other.last() && other.base <= last();
  }

  /** The {@code index}-th address of the block. */
  public long address(long index) {
    return base + index;
  }

  @Override
  public String toString() {
    return format(base) + "/" + prefix;
  }
}
