package io.gantry.dns.server;

import io.gantry.dns.forward.Forwarder;
import io.gantry.dns.zone.Answer;
import io.gantry.dns.zone.DnsZoneSnapshot;
import io.gantry.dns.zone.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.util.function.Consumer;

/**
 * Follows an ExternalName Service's CNAME for clients that ask for recursion (RFC 1034 section
 * 4.3.2, step 3a, and the specification's example answer for ExternalName, CNAME then the
 * target's A): a target inside the zone is looked up in the snapshot, any other is forwarded and
 * the upstream's answer records follow the CNAME, with every name written out uncompressed (the
 * upstream's compression pointers mean nothing in our message). Without this a stub resolver,
 * which does not chase CNAMEs itself, finds no address for an ExternalName Service.
 *
 * <p>Stateless apart from the forwarder.
 */
final class CnameChaser {

  private static final int MAX_NAME_JUMPS = 64;

  private final Forwarder forwarder;

  /** @param forwarder where targets outside the zone go, or null to answer with the CNAME alone */
  CnameChaser(Forwarder forwarder) {
    this.forwarder = forwarder;
  }

  /** Whether the server should follow {@code answer}'s CNAME for {@code request}. */
  static boolean applies(DnsRequest request, Answer answer) {
    return answer.cnameTarget() != null && request.recursionDesired() && request.qtype() != Wire.TYPE_CNAME
        && request.qtype() != Wire.TYPE_ANY;
  }

  /** The CNAME followed by the in-zone target's answer, or null when the target lies outside the zone. */
  static Answer inZone(DnsZoneSnapshot snapshot, DnsRequest request, Answer answer) {
    String target = answer.cnameTarget();
    if (!snapshot.inZone(target)) {
      return null;
    }
    Answer found = snapshot.lookup(target, request.qtype());
    Answer chained = Autopath.viaCname(request, target, found, snapshot.config().ttl());
    return chained != null ? chained : answer;
  }

  /** Whether targets outside the zone can be followed. */
  boolean forwards() {
    return forwarder != null;
  }

  /** Forwards the target and replies with the CNAME and the target's records; calls {@code reply} once. */
  void outside(DnsRequest request, Answer answer, ByteBufAllocator alloc, int ttl, Consumer<ByteBuf> reply) {
    String target = answer.cnameTarget();
    DnsRequest targetRequest = new DnsRequest(request.id(), 0x0100, target, request.qtype(), request.qclass(),
        ResponseWriter.MAX_TCP_SIZE, 0, false, null, request.sender(), true, null);
    forwarder.forward(targetRequest, alloc, response -> {
      ByteBuf composed;
      try {
        composed = compose(alloc, request, target, ttl, ByteBufUtil.getBytes(response));
      } catch (RuntimeException e) {
        composed = compose(alloc, request, target, ttl, new byte[0]); // SERVFAIL after the CNAME: never silence
      } finally {
        response.release();
      }
      reply.accept(composed);
    });
  }

  /** Our response: the client's question, the CNAME, then the upstream's answer records. */
  static ByteBuf compose(ByteBufAllocator alloc, DnsRequest request, String target, int ttl, byte[] upstream) {
    ByteBuf out = alloc.ioBuffer(512);
    int rcode = upstream.length >= 12 ? upstream[3] & 0xF : Answer.SERVFAIL;
    if (rcode != Answer.NOERROR && rcode != Answer.NXDOMAIN) {
      rcode = Answer.SERVFAIL;
    }
    out.writeZero(12);
    if (request.question() != null) {
      out.writeBytes(request.question());
    } else {
      ResponseWriter.writeName(out, request.name());
      out.writeShort(request.qtype()).writeShort(request.qclass());
    }
    byte[] targetName = Wire.name(target);
    out.writeShort(0xC00C).writeShort(Wire.TYPE_CNAME).writeShort(Wire.CLASS_IN).writeInt(ttl)
        .writeShort(targetName.length).writeBytes(targetName);
    int cnameEnd = out.writerIndex();
    int[] copied = rcode == Answer.SERVFAIL ? new int[2] : copyRecords(upstream, out);
    if (copied == null) {
      copied = new int[2];
      rcode = Answer.SERVFAIL;
      out.writerIndex(cnameEnd);
    }
    int answers = 1 + copied[0];
    int authority = copied[1];
    boolean truncated = false;
    int optBytes = request.edns() ? 11 : 0;
    if (out.writerIndex() + optBytes > ResponseWriter.limit(request)) {
      out.writerIndex(cnameEnd);
      answers = 1;
      authority = 0;
      truncated = true;
    }
    int flags = 0x8000 | (request.flags() & 0x7910) | 0x0400 | 0x0080 | rcode | (truncated ? 0x0200 : 0);
    out.setShort(0, request.id()).setShort(2, flags).setShort(4, 1).setShort(6, answers).setShort(8, authority)
        .setShort(10, request.edns() ? 1 : 0);
    if (request.edns()) {
      ResponseWriter.writeOpt(out, 0, request.dnssecOk());
    }
    return out;
  }

  /**
   * Copies the answer section with names decompressed and, when it has no records (NXDOMAIN or no
   * data), the authority section's SOA, which lets the client cache the negative answer (RFC 2308
   * section 3). Returns how many records of each were copied, or null when the message is malformed.
   */
  private static int[] copyRecords(byte[] m, ByteBuf out) {
    if (u16(m, 4) != 1) {
      return null;
    }
    int pos = skipName(m, 12);
    if (pos < 0 || pos + 4 > m.length) {
      return null;
    }
    int[] copied = new int[2];
    pos = copySection(m, pos + 4, u16(m, 6), out, -1, copied, 0);
    if (pos >= 0 && copied[0] == 0) {
      pos = copySection(m, pos, u16(m, 8), out, Wire.TYPE_SOA, copied, 1);
    }
    return pos < 0 ? null : copied;
  }

  /**
   * Copies {@code count} records from {@code pos} (only those of {@code onlyType}, unless it is -1),
   * counting them in {@code copied[slot]}; returns the position after them, or -1 when malformed.
   */
  private static int copySection(byte[] m, int pos, int count, ByteBuf out, int onlyType, int[] copied, int slot) {
    for (int i = 0; i < count; i++) {
      int fixed = skipName(m, pos);
      if (fixed < 0 || fixed + 10 > m.length) {
        return -1;
      }
      int type = u16(m, fixed);
      int rdata = fixed + 10;
      int rdLength = u16(m, fixed + 8);
      if (rdata + rdLength > m.length) {
        return -1;
      }
      if (onlyType < 0 || type == onlyType) {
        if (!writeName(m, pos, out)) {
          return -1;
        }
        out.writeBytes(m, fixed, 8); // type, class, TTL
        int lengthAt = out.writerIndex();
        out.writeShort(0);
        if (!writeRdata(m, type, rdata, rdLength, out)) {
          return -1;
        }
        out.setShort(lengthAt, out.writerIndex() - lengthAt - 2);
        copied[slot]++;
      }
      pos = rdata + rdLength;
    }
    return pos;
  }

  /** RDATA with its domain names decompressed, for the types whose names may be compressed (RFC 3597 section 4). */
  private static boolean writeRdata(byte[] m, int type, int rdata, int length, ByteBuf out) {
    int prefix = switch (type) {
      case Wire.TYPE_CNAME, Wire.TYPE_NS, Wire.TYPE_PTR, 39 /* DNAME */ -> 0;
      case 15 /* MX */ -> 2;
      case Wire.TYPE_SRV -> 6;
      case Wire.TYPE_SOA -> -2;
      default -> -1;
    };
    if (prefix == -1) {
      out.writeBytes(m, rdata, length);
      return true;
    }
    if (prefix == -2) {
      int second = skipName(m, rdata);
      int rest = second < 0 ? -1 : skipName(m, second);
      if (rest < 0 || rest + 20 > rdata + length) {
        return false;
      }
      if (!writeName(m, rdata, out) || !writeName(m, second, out)) {
        return false;
      }
      out.writeBytes(m, rest, 20);
      return true;
    }
    if (length < prefix + 1) {
      return false;
    }
    out.writeBytes(m, rdata, prefix);
    return writeName(m, rdata + prefix, out);
  }

  /** Writes the possibly compressed name at {@code pos} uncompressed; false when it is malformed. */
  private static boolean writeName(byte[] m, int pos, ByteBuf out) {
    int written = 0;
    int jumps = 0;
    while (pos < m.length) {
      int label = m[pos] & 0xFF;
      if (label == 0) {
        out.writeByte(0);
        return written + 1 <= Wire.MAX_NAME_BYTES;
      }
      if ((label & 0xC0) == 0xC0) {
        if (pos + 1 >= m.length || ++jumps > MAX_NAME_JUMPS) {
          return false;
        }
        pos = (label & 0x3F) << 8 | m[pos + 1] & 0xFF;
        continue;
      }
      if (label > 63 || pos + 1 + label > m.length || (written += label + 1) > Wire.MAX_NAME_BYTES) {
        return false;
      }
      out.writeBytes(m, pos, label + 1);
      pos += label + 1;
    }
    return false;
  }

  private static int skipName(byte[] m, int pos) {
    while (pos < m.length) {
      int label = m[pos] & 0xFF;
      if (label == 0) {
        return pos + 1;
      }
      if ((label & 0xC0) == 0xC0) {
        return pos + 2 <= m.length ? pos + 2 : -1;
      }
      if (label > 63) {
        return -1;
      }
      pos += 1 + label;
    }
    return -1;
  }

  private static int u16(byte[] m, int pos) {
    return (m[pos] & 0xFF) << 8 | m[pos + 1] & 0xFF;
  }
}
