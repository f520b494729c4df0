package io.gantry.dns.server;

import io.gantry.dns.forward.Forwarder;
import io.gantry.dns.zone.Answer;
import io.gantry.dns.zone.DnsZoneSnapshot;
import io.gantry.dns.zone.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
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
  /** How many CNAME targets a chain follows, as CoreDNS's backend lookup does. */
  static final int MAX_HOPS = 8;

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

  /**
   * The CNAME chain from the asked name: each in-zone target that is itself an ExternalName is followed,
   * up to {@value #MAX_HOPS} targets as CoreDNS follows them. A target already in the chain ends it (a
   * loop is answered with each of its records once).
   *
   * @param targets the names the chain's CNAME records point to, in order
   * @param end     the last target's answer from the zone; null when the last target lies outside the zone
   *                or closes a loop at once
   * @param outside whether the last target lies outside the zone (to be forwarded)
   */
  record Chain(List<String> targets, Answer end, boolean outside) {}

  static Chain follow(DnsZoneSnapshot snapshot, DnsRequest request, Answer answer) {
    Set<String> seen = new HashSet<>();
    seen.add(request.name().toLowerCase(Locale.ROOT));
    List<String> targets = new ArrayList<>();
    Answer found = null; // the last target's answer
    String target = answer.cnameTarget();
    while (seen.add(target)) {
      targets.add(target);
      if (!snapshot.inZone(target)) {
        return new Chain(targets, null, true);
      }
      found = snapshot.lookup(target, request.qtype());
      if (found.cnameTarget() == null || targets.size() == MAX_HOPS) {
        return new Chain(targets, found, false);
      }
      target = found.cnameTarget();
    }
    // The next target is in the chain already: the last target's CNAME record is the loop's end.
    return new Chain(targets, found, false);
  }

  /** The chain's records followed by its in-zone end's answer; {@code answer} when the chain has no end. */
  static Answer inZone(DnsRequest request, Chain chain, Answer answer, int ttl) {
    if (chain.end() == null) {
      return answer;
    }
    Answer chained = viaCnames(request, chain.targets(), chain.end(), ttl);
    return chained != null ? chained : answer;
  }

  /**
   * CNAME records asked-name → targets[0] → ... → last target, then the found records with their owner
   * pointing at the last CNAME's target; the rcode and authority are the found name's (NXDOMAIN after a
   * CNAME is the target's, RFC 6604). Null when the names would lie beyond a compression pointer's reach.
   */
  static Answer viaCnames(DnsRequest request, List<String> targets, Answer found, int ttl) {
    int questionBytes = request.question() != null ? request.question().length
        : ResponseWriter.nameBytes(request.name()) + 4;
    ByteArrayOutputStream answers = new ByteArrayOutputStream(64 * targets.size() + found.answers().length);
    int owner = 12; // the question's name
    int[] ends = new int[targets.size() + found.answerCount()];
    for (int i = 0; i < targets.size(); i++) {
      int recordStart = 12 + questionBytes + answers.size();
      writeOwnedRecord(answers, owner, Wire.record(null, Wire.TYPE_CNAME, ttl, Wire.name(targets.get(i))));
      owner = recordStart + 12; // this record's RDATA: the next owner's name
      if (owner > 0x3FFF) {
        return null;
      }
      ends[i] = answers.size();
    }
    int start = 0;
    byte[] source = found.answers();
    for (int i = 0; i < found.answerCount(); i++) {
      int end = found.answerEnds()[i];
      answers.write(0xC0 | (owner >>> 8));
      answers.write(owner & 0xFF);
      answers.write(source, start + 2, end - start - 2); // skip the C0 0C owner
      ends[targets.size() + i] = answers.size();
      start = end;
    }
    return new Answer(found.rcode(), answers.toByteArray(), ends, found.authority(), found.authorityCount(),
        found.additional(), found.additionalCount());
  }

  /** {@code record} (whose owner is the C0 0C pointer) with its owner pointing at {@code owner} instead. */
  private static void writeOwnedRecord(ByteArrayOutputStream out, int owner, byte[] record) {
    out.write(0xC0 | (owner >>> 8));
    out.write(owner & 0xFF);
    out.write(record, 2, record.length - 2);
  }

  /** Whether targets outside the zone can be followed. */
  boolean forwards() {
    return forwarder != null;
  }

  /** Forwards the chain's last target and replies with the CNAMEs and its records; calls {@code reply} once. */
  void outside(DnsRequest request, List<String> targets, ByteBufAllocator alloc, int ttl, Consumer<ByteBuf> reply) {
    String target = targets.getLast();
    DnsRequest targetRequest = new DnsRequest(request.id(), 0x0100, target, request.qtype(), request.qclass(),
        ResponseWriter.MAX_TCP_SIZE, 0, false, null, request.sender(), true, null);
    forwarder.forward(targetRequest, alloc, response -> {
      ByteBuf composed;
      try {
        composed = compose(alloc, request, targets, ttl, ByteBufUtil.getBytes(response));
      } catch (RuntimeException e) {
        composed = compose(alloc, request, targets, ttl, new byte[0]); // SERVFAIL after the CNAMEs: never silence
      } finally {
        response.release();
      }
      reply.accept(composed);
    });
  }

  /** Our response: the client's question, the CNAMEs, then the upstream's answer records. */
  static ByteBuf compose(ByteBufAllocator alloc, DnsRequest request, List<String> targets, int ttl, byte[] upstream) {
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
    int owner = 12;
    for (String target : targets) {
      byte[] targetName = Wire.name(target);
      int rdata = out.writerIndex() + 12;
      out.writeShort(0xC000 | owner).writeShort(Wire.TYPE_CNAME).writeShort(Wire.CLASS_IN).writeInt(ttl)
          .writeShort(targetName.length).writeBytes(targetName);
      owner = rdata; // below 0x3FFF: the chain is at most MAX_HOPS names of at most 255 bytes
    }
    int cnameEnd = out.writerIndex();
    int[] copied = rcode == Answer.SERVFAIL ? new int[2] : copyRecords(upstream, out);
    if (copied == null) {
      copied = new int[2];
      rcode = Answer.SERVFAIL;
      out.writerIndex(cnameEnd);
    }
    int answers = targets.size() + copied[0];
    int authority = copied[1];
    boolean truncated = false;
    int optBytes = request.edns() ? 11 : 0;
    if (out.writerIndex() + optBytes > ResponseWriter.limit(request)) {
      out.writerIndex(cnameEnd);
      answers = targets.size();
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
