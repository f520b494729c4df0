package io.gantry.dns.zone;

import io.netty.util.NetUtil;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/**
 * Encoding of names and records in DNS wire format (RFC 1035 section 3), for building
 * answers once per snapshot rather than once per query.
 */
public final class Wire {

  public static final int TYPE_A = 1;
  public static final int TYPE_NS = 2;
  public static final int TYPE_CNAME = 5;
  public static final int TYPE_SOA = 6;
  public static final int TYPE_PTR = 12;
  public static final int TYPE_TXT = 16;
  public static final int TYPE_AAAA = 28;
  public static final int TYPE_SRV = 33;
  public static final int TYPE_OPT = 41;
  public static final int TYPE_IXFR = 251;
  public static final int TYPE_AXFR = 252;
  public static final int TYPE_ANY = 255;
  public static final int CLASS_IN = 1;

  /** The longest name in wire format (RFC 1035 section 2.3.4). */
  public static final int MAX_NAME_BYTES = 255;

  private Wire() {
  }

  /**
   * The wire form of a dotted name ("a.b." or "a.b"; "." is the root).
   *
   * @throws IllegalArgumentException when a label is empty or longer than 63 bytes, or the name longer than 255
   */
  public static byte[] name(String dotted) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(dotted.length() + 2);
    writeName(out, dotted);
    return out.toByteArray();
  }

  public static void writeName(ByteArrayOutputStream out, String dotted) {
    String name = dotted.endsWith(".") ? dotted.substring(0, dotted.length() - 1) : dotted;
    int start = out.size();
    if (!name.isEmpty()) {
      for (String label : name.split("\\.", -1)) {
        byte[] bytes = label.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0 || bytes.length > 63) {
          throw new IllegalArgumentException("name: " + dotted + " (expected: labels of 1 to 63 bytes)");
        }
        out.write(bytes.length);
        out.write(bytes, 0, bytes.length);
      }
    }
    out.write(0);
    if (out.size() - start > MAX_NAME_BYTES) {
      throw new IllegalArgumentException("name: " + dotted + " (expected: at most 255 bytes in wire format)");
    }
  }

  /** The RDATA of an A or AAAA record. */
  public static byte[] address(InetAddress address) {
    return address.getAddress();
  }

  public static byte[] srv(int priority, int weight, int port, String target) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    short16(out, priority);
    short16(out, weight);
    short16(out, port);
    writeName(out, target);
    return out.toByteArray();
  }

  public static byte[] txt(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    byte[] rdata = new byte[bytes.length + 1];
    rdata[0] = (byte) bytes.length;
    System.arraycopy(bytes, 0, rdata, 1, bytes.length);
    return rdata;
  }

  public static byte[] soa(String mname, String rname, long serial, int refresh, int retry, int expire, int minimum) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeName(out, mname);
    writeName(out, rname);
    int32(out, serial);
    int32(out, refresh);
    int32(out, retry);
    int32(out, expire);
    int32(out, minimum);
    return out.toByteArray();
  }

  /**
   * One resource record; the owner is either a compression pointer to the question name
   * ({@code owner == null}: bytes C0 0C) or the full name.
   */
  public static byte[] record(String owner, int type, int ttl, byte[] rdata) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(rdata.length + 32);
    if (owner == null) {
      out.write(0xC0);
      out.write(0x0C);
    } else {
      writeName(out, owner);
    }
    short16(out, type);
    short16(out, CLASS_IN);
    int32(out, ttl);
    short16(out, rdata.length);
    out.write(rdata, 0, rdata.length);
    return out.toByteArray();
  }

  static void short16(ByteArrayOutputStream out, int value) {
    out.write((value >>> 8) & 0xFF);
    out.write(value & 0xFF);
  }

  static void int32(ByteArrayOutputStream out, long value) {
    out.write((int) (value >>> 24) & 0xFF);
    out.write((int) (value >>> 16) & 0xFF);
    out.write((int) (value >>> 8) & 0xFF);
    out.write((int) value & 0xFF);
  }

  /**
   * Whether a name in presentation form lies under {@code suffix} (given with its leading dot, e.g.
   * {@code ".cluster.local."}): the suffix must start at a label boundary, not at an escaped dot inside a
   * label ({@code web\.cluster.local.} is the two labels {@code web.cluster} and {@code local}).
   */
  public static boolean endsWithLabels(String name, String suffix) {
    if (!name.endsWith(suffix)) {
      return false;
    }
    int backslashes = 0;
    for (int i = name.length() - suffix.length() - 1; i >= 0 && name.charAt(i) == '\\'; i--) {
      backslashes++;
    }
    return backslashes % 2 == 0;
  }

  /** The reverse-lookup name of an address: {@code d.c.b.a.in-addr.arpa.} or the ip6.arpa nibble form. */
  public static String reverseName(InetAddress address) {
    byte[] bytes = address.getAddress();
    StringBuilder name = new StringBuilder(bytes.length == 4 ? 30 : 74);
    if (bytes.length == 4) {
      for (int i = 3; i >= 0; i--) {
        name.append(bytes[i] & 0xFF).append('.');
      }
      return name.append("in-addr.arpa.").toString();
    }
    for (int i = bytes.length - 1; i >= 0; i--) {
      name.append(Character.forDigit(bytes[i] & 0xF, 16)).append('.');
      name.append(Character.forDigit((bytes[i] >>> 4) & 0xF, 16)).append('.');
    }
    return name.append("ip6.arpa.").toString();
  }

  /**
   * The dashed form Kubernetes uses for pod and endpoint names: 10-1-2-3, or fd00--1 for IPv6 (the
   * RFC 5952 text with colons replaced, as CoreDNS derives it).
   */
  public static String dashed(InetAddress address) {
    return NetUtil.toAddressString(address).replace('.', '-').replace(':', '-');
  }
}
