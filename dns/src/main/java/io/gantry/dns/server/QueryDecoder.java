package io.gantry.dns.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Reads queries straight from the packet into {@link DnsRequest}s, trusting nothing: every
 * length is bounded by the packet, question names may not be compressed (a pointer there can
 * only point back into the header or the name itself), other records' names are skipped label
 * by label with a pointer ending the name, so no loop can occur. Never throws: a packet too
 * short for a header, or one with the QR bit set, is dropped in silence; anything else that does
 * not parse becomes a request marked malformed (FORMERR), keeping the OPT record when it was
 * read so the error still carries EDNS.
 *
 * <p>Names become their presentation form (RFC 1035 section 5.1): the client's case is kept,
 * a dot or backslash inside a label is escaped with a backslash and any octet outside printable
 * ASCII as {@code \DDD}, so that {@code web\.default} (one label) can never be taken for
 * {@code web.default} (two) and every octet is allowed (RFC 2181 section 11). The question goes
 * back to the client byte for byte as it came.
 *
 * <p>Stateless, hence {@code @Sharable}; TCP frames go through {@link #parse} after the length
 * prefix is stripped.
 */
@Sharable
public final class QueryDecoder extends MessageToMessageDecoder<DatagramPacket> {

  static final int HEADER_BYTES = 12;
  private static final int TYPE_OPT = 41;
  private static final int MAX_NAME_BYTES = 255;

  @Override
  protected void decode(ChannelHandlerContext ctx, DatagramPacket packet, List<Object> out) {
    DnsRequest request = parse(packet.content(), packet.sender(), packet.recipient(), false);
    if (request != null) {
      out.add(request);
    }
  }

  /** The request in {@code content} (not consumed, not released), or null when it deserves no answer. */
  public DnsRequest parse(ByteBuf content, InetSocketAddress sender, InetSocketAddress recipient, boolean tcp) {
    int start = content.readerIndex();
    int end = content.writerIndex();
    if (end - start < HEADER_BYTES) {
      return null;
    }
    int id = content.getUnsignedShort(start);
    int flags = content.getUnsignedShort(start + 2);
    if ((flags & 0x8000) != 0) {
      return null; // a response: answering it could start a loop between two servers
    }
    int questions = content.getUnsignedShort(start + 4);
    int records = content.getUnsignedShort(start + 6) + content.getUnsignedShort(start + 8);
    int additional = content.getUnsignedShort(start + 10);
    byte[] m = new byte[end - start]; // one bulk copy: scanning an array beats a bounds-checked call per byte
    content.getBytes(start, m);
    end = m.length;
    Parsed p = new Parsed();
    int pos = HEADER_BYTES;
    if (questions == 1) {
      pos = question(m, pos, end, p);
    } else {
      p.problem = "question count " + questions + " (expected: 1)";
      for (int i = 0; i < questions && pos >= 0; i++) {
        pos = skipName(m, pos, end);
        pos = pos >= 0 && pos + 4 <= end ? pos + 4 : -1;
      }
    }
    for (int i = 0; i < records && pos >= 0; i++) {
      pos = skipRecord(m, pos, end);
    }
    for (int i = 0; i < additional && pos >= 0; i++) {
      pos = additionalRecord(m, pos, end, p);
    }
    if (pos < 0 && p.problem == null) {
      p.problem = "a record runs past the end of the message";
    }
    if (p.problem != null) {
      return new DnsRequest(id, flags, null, 0, 0, p.udpSize, p.version, p.dnssecOk, p.problem, sender, tcp, null);
    }
    return new DnsRequest(id, flags, p.name, p.qtype, p.qclass, p.udpSize, p.version, p.dnssecOk, null, sender, tcp,
        p.question);
  }

  /** What parsing found so far. */
  private static final class Parsed {
    String name;
    byte[] question;
    int qtype;
    int qclass;
    int udpSize;
    int version;
    boolean dnssecOk;
    String problem;
    boolean opt;
  }

  /** Reads the question into {@code p}; returns the offset after it, or -1 with {@code p.problem} set. */
  private static int question(byte[] m, int from, int end, Parsed p) {
    int pos = from;
    int wireLength = 1;
    int textLength = 0;
    while (true) {
      if (pos >= end) {
        p.problem = "the question name runs past the end of the message";
        return -1;
      }
      int label = m[pos] & 0xFF;
      if (label == 0) {
        break;
      }
      if (label > 63) {
        p.problem = "the question name has a compression pointer or a label type other than 0";
        return -1;
      }
      wireLength += label + 1;
      if (wireLength > MAX_NAME_BYTES) {
        p.problem = "the question name is longer than 255 bytes";
        return -1;
      }
      if (pos + 1 + label > end) {
        p.problem = "the question name runs past the end of the message";
        return -1;
      }
      for (int i = pos + 1; i <= pos + label; i++) {
        textLength += textBytes(m[i]);
      }
      textLength++;
      pos += 1 + label;
    }
    if (pos + 5 > end) {
      p.problem = "the question type and class are missing";
      return -1;
    }
    p.name = presentation(m, from, textLength);
    p.qtype = u16(m, pos + 1);
    p.qclass = u16(m, pos + 3);
    p.question = Arrays.copyOfRange(m, from, pos + 5);
    return pos + 5;
  }

  private static int textBytes(byte b) {
    if (b == '.' || b == '\\') {
      return 2;
    }
    return b > 0x20 && b < 0x7F ? 1 : 4;
  }

  /** The dotted presentation form of the uncompressed, already checked name at {@code from}. */
  private static String presentation(byte[] m, int from, int textLength) {
    if (textLength == 0) {
      return ".";
    }
    byte[] text = new byte[textLength];
    int t = 0;
    int pos = from;
    int label;
    while ((label = m[pos] & 0xFF) != 0) {
      for (int i = pos + 1; i <= pos + label; i++) {
        byte b = m[i];
        if (b == '.' || b == '\\') {
          text[t++] = '\\';
          text[t++] = b;
        } else if (b > 0x20 && b < 0x7F) {
          text[t++] = b;
        } else {
          int v = b & 0xFF;
          text[t++] = '\\';
          text[t++] = (byte) ('0' + v / 100);
          text[t++] = (byte) ('0' + v / 10 % 10);
          text[t++] = (byte) ('0' + v % 10);
        }
      }
      text[t++] = '.';
      pos += 1 + label;
    }
    return new String(text, 0, t, StandardCharsets.ISO_8859_1);
  }

  /** Reads one additional record, noting an OPT record in {@code p}; returns the offset after it or -1. */
  private static int additionalRecord(byte[] m, int from, int end, Parsed p) {
    int pos = skipName(m, from, end);
    if (pos < 0 || pos + 10 > end) {
      return -1;
    }
    int type = u16(m, pos);
    int rdLength = u16(m, pos + 8);
    if (pos + 10 + rdLength > end) {
      return -1;
    }
    if (type == TYPE_OPT) {
      if (p.opt) {
        p.problem = "more than one OPT record (RFC 6891 section 6.1.1)";
      } else if (pos != from + 1) {
        p.problem = "an OPT record whose owner is not the root (RFC 6891 section 6.1.2)";
      } else {
        p.opt = true;
        p.udpSize = Math.max(512, u16(m, pos + 2));
        p.version = m[pos + 5] & 0xFF;
        p.dnssecOk = (m[pos + 6] & 0x80) != 0;
        if (!wellFormedOptions(m, pos + 10, pos + 10 + rdLength)) {
          p.problem = "an EDNS option longer than the OPT record (RFC 6891 section 7)";
        }
      }
    }
    return pos + 10 + rdLength;
  }

  /** Whether the OPT RDATA from {@code from} to {@code end} is a sequence of whole {code, length, data} options. */
  private static boolean wellFormedOptions(byte[] m, int from, int end) {
    int pos = from;
    while (pos < end) {
      if (pos + 4 > end) {
        return false;
      }
      pos += 4 + u16(m, pos + 2);
    }
    return pos == end;
  }

  private static int skipRecord(byte[] m, int from, int end) {
    int pos = skipName(m, from, end);
    if (pos < 0 || pos + 10 > end) {
      return -1;
    }
    int next = pos + 10 + u16(m, pos + 8);
    return next <= end ? next : -1;
  }

  /** The offset after the name at {@code pos} (a pointer ends it), or -1. */
  private static int skipName(byte[] m, int from, int end) {
    int pos = from;
    while (pos < end) {
      int label = m[pos] & 0xFF;
      if (label == 0) {
        return pos + 1;
      }
      if ((label & 0xC0) == 0xC0) {
        return pos + 2 <= end ? pos + 2 : -1;
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
