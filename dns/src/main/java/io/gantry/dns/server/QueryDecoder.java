package io.gantry.dns.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DnsQuery;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsSection;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes queries with netty-codec-dns ({@link DatagramDnsQueryDecoder}: bounded names, pointer
 * loops detected) and reduces them to {@link DnsRequest}s. Never throws: a packet too short for
 * a header, or one with the QR bit set, is dropped in silence; any other decoding failure becomes
 * a request marked malformed, answered with FORMERR.
 *
 * <p>Stateless, hence {@code @Sharable}; TCP frames go through {@link #parse} after the length
 * prefix is stripped.
 */
@Sharable
public final class QueryDecoder extends DatagramDnsQueryDecoder {

  static final int HEADER_BYTES = 12;

  @Override
  protected void decode(ChannelHandlerContext ctx, DatagramPacket packet, List<Object> out) {
    DnsRequest request = parse(packet.content(), packet.sender(), packet.recipient(), false);
    if (request != null) {
      out.add(request);
    }
  }

  /**
   * The common shape without allocating Netty's message objects: one question whose name is
   * plain lower-ASCII-safe labels without compression, and no record but an optional OPT that
   * ends the packet. Returns null for anything else, which then goes through Netty's decoder.
   */
  private static DnsRequest fastParse(ByteBuf content, int start, int id, int flags, InetSocketAddress sender,
      boolean tcp) {
    int end = content.writerIndex();
    if (content.getUnsignedShort(start + 6) != 0 || content.getUnsignedShort(start + 8) != 0) {
      return null;
    }
    int additional = content.getUnsignedShort(start + 10);
    if (additional > 1) {
      return null;
    }
    int size = end - start;
    if (size > 512 + 64) {
      return null;
    }
    byte[] packet = new byte[size];
    content.getBytes(start, packet);
    int pos = HEADER_BYTES;
    byte[] dotted = new byte[255];
    int length = 0;
    while (true) {
      if (pos >= size) {
        return null;
      }
      int label = packet[pos++] & 0xFF;
      if (label == 0) {
        break;
      }
      if (label > 63 || pos + label > size || length + label + 1 > 254) {
        return null;
      }
      for (int i = 0; i < label; i++) {
        byte b = packet[pos + i];
        if (b <= 32 || b == '.' || b >= 127) {
          return null;
        }
        dotted[length++] = b;
      }
      dotted[length++] = '.';
      pos += label;
    }
    if (length == 0) {
      dotted[length++] = '.';
    }
    if (pos + 4 > size) {
      return null;
    }
    int qtype = (packet[pos] & 0xFF) << 8 | packet[pos + 1] & 0xFF;
    int qclass = (packet[pos + 2] & 0xFF) << 8 | packet[pos + 3] & 0xFF;
    pos += 4;
    int questionEnd = pos;
    int udpSize = 0;
    int version = 0;
    if (additional == 1) {
      if (pos + 11 > size || packet[pos] != 0 || packet[pos + 1] != 0 || packet[pos + 2] != 41) {
        return null;
      }
      udpSize = Math.max(512, (packet[pos + 3] & 0xFF) << 8 | packet[pos + 4] & 0xFF);
      version = packet[pos + 6] & 0xFF;
      pos += 11 + ((packet[pos + 9] & 0xFF) << 8 | packet[pos + 10] & 0xFF);
    }
    if (pos != size) {
      return null;
    }
    String name = new String(dotted, 0, length, StandardCharsets.ISO_8859_1);
    return new DnsRequest(id, flags, name, qtype, qclass, udpSize, version, null, sender, tcp,
        java.util.Arrays.copyOfRange(packet, HEADER_BYTES, questionEnd));
  }

  /** The request in {@code content} (not consumed, not released), or null when it deserves no answer. */
  public DnsRequest parse(ByteBuf content, InetSocketAddress sender, InetSocketAddress recipient, boolean tcp) {
    if (content.readableBytes() < HEADER_BYTES) {
      return null;
    }
    int start = content.readerIndex();
    int id = content.getUnsignedShort(start);
    int flags = content.getUnsignedShort(start + 2);
    if ((flags & 0x8000) != 0) {
      return null; // a response: answering it could start a loop between two servers
    }
    if (((flags >>> 11) & 0xF) != 0) {
      return new DnsRequest(id, flags, null, 0, 0, 0, 0, null, sender, tcp); // not QUERY: NOTIMP
    }
    if (content.getUnsignedShort(start + 4) != 1) {
      return DnsRequest.malformed(id, flags, "question count " + content.getUnsignedShort(start + 4), sender, tcp);
    }
    DnsRequest fast = fastParse(content, start, id, flags, sender, tcp);
    if (fast != null) {
      return fast;
    }
    List<Object> decoded = new ArrayList<>(1);
    try {
      super.decode(null, new DatagramPacket(content.duplicate(), recipient, sender), decoded);
    } catch (Exception | StackOverflowError e) {
      return DnsRequest.malformed(id, flags, e.toString(), sender, tcp);
    }
    DnsQuery query = (DnsQuery) decoded.get(0);
    try {
      DnsRecord question = query.recordAt(DnsSection.QUESTION);
      int udpSize = 0;
      int version = 0;
      int opts = 0;
      for (int i = 0; i < query.count(DnsSection.ADDITIONAL); i++) {
        DnsRecord record = query.recordAt(DnsSection.ADDITIONAL, i);
        if (record.type() == DnsRecordType.OPT) {
          opts++;
          udpSize = Math.max(512, record.dnsClass() & 0xFFFF);
          version = (int) ((record.timeToLive() >>> 16) & 0xFF);
        }
      }
      if (opts > 1) {
        return DnsRequest.malformed(id, flags, "more than one OPT record", sender, tcp);
      }
      return new DnsRequest(id, flags, question.name(), question.type().intValue(), question.dnsClass() & 0xFFFF,
          udpSize, version, null, sender, tcp);
    } catch (RuntimeException e) {
      return DnsRequest.malformed(id, flags, e.toString(), sender, tcp);
    } finally {
      query.release();
    }
  }
}
