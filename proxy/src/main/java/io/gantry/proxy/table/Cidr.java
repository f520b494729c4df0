package io.gantry.proxy.table;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;

/**
 * An IP prefix ({@code 10.244.0.0/16}, {@code fd00::/64}); {@link #contains} is a few byte
 * compares, cheap enough for connection admission.
 *
 * @param network the network address (host bits cleared)
 * @param prefix  the prefix length
 */
public record Cidr(InetAddress network, int prefix) {

  public Cidr {
    Objects.requireNonNull(network, "network");
    int bits = network.getAddress().length * 8;
    if (prefix < 0 || prefix > bits) {
      throw new IllegalArgumentException("prefix: " + prefix + " (expected: 0.." + bits + ")");
    }
    network = masked(network, prefix);
  }

  /** Parses {@code address/prefix} (IP literals only; no name lookup). */
  public static Cidr parse(String value) {
    String v = value == null ? "" : value.trim();
    int slash = v.indexOf('/');
    String ip = slash < 0 ? v : v.substring(0, slash);
    if (!io.gantry.control.api.IpLiterals.isIp(ip)) {
      throw new IllegalArgumentException("CIDR: " + value + " (expected: address/prefix, e.g. 10.244.0.0/16)");
    }
    try {
      InetAddress address = InetAddress.getByName(ip); // a literal: no lookup happens
      int prefix = slash < 0 ? address.getAddress().length * 8 : Integer.parseInt(v.substring(slash + 1));
      return new Cidr(address, prefix);
    } catch (UnknownHostException | NumberFormatException e) {
      throw new IllegalArgumentException("CIDR: " + value + " (expected: address/prefix, e.g. 10.244.0.0/16)", e);
    }
  }

  /** Whether {@code address} is in this prefix (an address of the other family never is). */
  public boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    byte[] n = network.getAddress();
    if (a.length != n.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != n[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (a[full] & mask) == (n[full] & mask);
  }

  private static InetAddress masked(InetAddress address, int prefix) {
    byte[] b = address.getAddress();
    byte[] out = Arrays.copyOf(b, b.length);
    for (int i = 0; i < out.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] = (byte) (out[i] & ((0xff << (8 - keep)) & 0xff));
    }
    try {
      return InetAddress.getByAddress(out);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Override
  public String toString() {
    return network.getHostAddress() + "/" + prefix;
  }
}
