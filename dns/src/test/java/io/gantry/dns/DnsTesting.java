package io.gantry.dns;

import io.gantry.dns.server.DnsRequest;
import io.gantry.dns.server.ResponseWriter;
import io.gantry.dns.zone.Answer;
import io.gantry.dns.zone.DnsZoneSnapshot;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.dns.DatagramDnsResponseDecoder;
import io.netty.handler.codec.dns.DnsPtrRecord;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsSection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Small factories and a response renderer shared by the tests. */
public final class DnsTesting {

  public static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);

  private DnsTesting() {
  }

  public static DnsRequest request(String name, int qtype) {
    return new DnsRequest(0x1234, 0x0100, name, qtype, 1, 0, 0, null, CLIENT, false);
  }

  /** A decoded response to {@code name}/{@code qtype} from {@code zone}. */
  public static Rendered ask(DnsZoneSnapshot zone, String name, int qtype) {
    Answer answer = zone.lookup(name, qtype);
    if (answer == null) {
      return null;
    }
    ByteBuf out = Unpooled.buffer();
    ResponseWriter.write(out, new DnsRequest(0x1234, 0x0100, name, qtype, 1, 4096, 0, null, CLIENT, false), answer,
        true);
    return render(out);
  }

  /** Decodes a response (released) with Netty's decoder. */
  public static Rendered render(ByteBuf response) {
    EmbeddedChannel channel = new EmbeddedChannel(new DatagramDnsResponseDecoder());
    try {
      channel.writeInbound(new DatagramPacket(response, CLIENT, CLIENT));
      DnsResponse decoded = channel.readInbound();
      try {
        return new Rendered(decoded.code().intValue(), decoded.isTruncated(), decoded.isAuthoritativeAnswer(),
            decoded.isRecursionAvailable(), section(decoded, DnsSection.ANSWER), section(decoded, DnsSection.AUTHORITY),
            section(decoded, DnsSection.ADDITIONAL));
      } finally {
        decoded.release();
      }
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  private static List<String> section(DnsResponse response, DnsSection section) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < response.count(section); i++) {
      DnsRecord record = response.recordAt(section, i);
      if (record.type() != io.netty.handler.codec.dns.DnsRecordType.OPT) {
        out.add(record(record));
      }
    }
    return out;
  }

  static String record(DnsRecord record) {
    String type = record.type().name();
    String data;
    if (record instanceof DnsPtrRecord ptr) {
      data = ptr.hostname();
    } else if (record instanceof DnsRawRecord raw) {
      byte[] bytes = ByteBufUtil.getBytes(raw.content());
      data = switch (type) {
        case "A", "AAAA" -> address(bytes);
        case "CNAME", "NS" -> name(bytes, 0);
        case "SRV" -> ((bytes[0] & 0xFF) << 8 | bytes[1] & 0xFF) + " " + ((bytes[2] & 0xFF) << 8 | bytes[3] & 0xFF)
            + " " + ((bytes[4] & 0xFF) << 8 | bytes[5] & 0xFF) + " " + name(bytes, 6);
        case "TXT" -> new String(bytes, 1, bytes[0] & 0xFF, StandardCharsets.UTF_8);
        case "SOA" -> name(bytes, 0);
        default -> ByteBufUtil.hexDump(bytes);
      };
    } else {
      data = "";
    }
    return record.name() + " " + record.timeToLive() + " " + type + " " + data;
  }

  private static String address(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes).getHostAddress();
    } catch (UnknownHostException e) {
      return "?";
    }
  }

  private static String name(byte[] bytes, int offset) {
    StringBuilder name = new StringBuilder();
    int pos = offset;
    while (bytes[pos] != 0) {
      int length = bytes[pos];
      name.append(new String(bytes, pos + 1, length, StandardCharsets.US_ASCII)).append('.');
      pos += length + 1;
    }
    return name.length() == 0 ? "." : name.toString();
  }

  /** A decoded response. */
  public record Rendered(int rcode, boolean truncated, boolean authoritative, boolean recursionAvailable,
      List<String> answers,
      List<String> authority, List<String> additional) {
  }
}
