package io.gantry.dns.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.control.api.v1.ServiceView;
import io.gantry.dns.DnsTesting;
import io.gantry.dns.metrics.DnsMetrics;
import io.gantry.dns.zone.DnsZoneSnapshot;
import io.gantry.dns.zone.ZoneConfig;
import io.gantry.dns.zone.ZoneHolder;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Queries as raw bytes through the decoder and the handler: names with any octet (RFC 2181
 * section 11), the question echoed byte for byte, and the OPT record (its DO bit, its owner, its
 * presence in error responses).
 */
class QueryDecoderTest {

  private static final byte[] OPT_DO = {0, 0, 41, 0x04, (byte) 0xD0, 0, 0, (byte) 0x80, 0, 0, 0};
  private static final byte[] OPT = {0, 0, 41, 0x04, (byte) 0xD0, 0, 0, 0, 0, 0, 0};

  private final EmbeddedChannel channel = new EmbeddedChannel(new QueryDecoder(),
      new DnsQueryHandler(new ZoneHolder(DnsZoneSnapshot.build(ZoneConfig.defaults(), 1,
          List.of(ServiceView.newBuilder().setNamespace("default").setName("web").setType("ClusterIP")
              .addClusterIps("127.96.0.10").build()), List.of(), List.of())), null, null,
          new DnsMetrics("dns://:53")));

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  /** A message: header (id 0x4242, RD), {@code qd} copies of the question of raw labels, then {@code additional}. */
  private static byte[] message(int flags, int qd, int ar, byte[][] labels, int qtype, byte[] additional) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {0x42, 0x42, (byte) (flags >>> 8), (byte) flags, 0, (byte) qd, 0, 0, 0, 0, 0, (byte) ar});
    for (int q = 0; q < qd; q++) {
      out.writeBytes(question(labels, qtype));
    }
    out.writeBytes(additional);
    return out.toByteArray();
  }

  private static byte[] question(byte[][] labels, int qtype) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] label : labels) {
      out.write(label.length);
      out.writeBytes(label);
    }
    out.writeBytes(new byte[] {0, (byte) (qtype >>> 8), (byte) qtype, 0, 1});
    return out.toByteArray();
  }

  private static byte[][] labels(String... labels) {
    return Arrays.stream(labels).map(l -> l.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))
        .toArray(byte[][]::new);
  }

  private byte[] exchange(byte[] query) {
    channel.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(query), new InetSocketAddress("127.0.0.1", 53),
        DnsTesting.CLIENT));
    DatagramPacket out = channel.readOutbound();
    assertNotNull(out, "an answer");
    try {
      return ByteBufUtil.getBytes(out.content());
    } finally {
      out.release();
    }
  }

  private static int rcode(byte[] response) {
    return response[3] & 0xF;
  }

  private static int count(byte[] response, int section) {
    return (response[4 + 2 * section] & 0xFF) << 8 | response[5 + 2 * section] & 0xFF;
  }

  /** The flags word's second half of the OPT record that ends the response. */
  private static int optFlags(byte[] response) {
    assertEquals(41, response[response.length - 9], "an OPT record ends the response");
    return (response[response.length - 4] & 0xFF) << 8 | response[response.length - 3] & 0xFF;
  }

  @Test
  void aDotInsideALabelIsNotALabelBoundary() {
    byte[][] labels = labels("web.default", "svc", "cluster", "local");
    byte[] response = exchange(message(0x0100, 1, 0, labels, 1, new byte[0]));
    assertEquals(3, rcode(response), "web\\.default.svc.cluster.local is not web.default.svc.cluster.local");
    byte[] question = question(labels, 1);
    assertArrayEquals(question, Arrays.copyOfRange(response, 12, 12 + question.length), "question echoed as sent");
  }

  @Test
  void anyOctetMayBeInALabelAndComesBackAsSent() {
    byte[][] labels = labels("W\u00c9b \u00ff", "default", "svc", "cluster", "local");
    byte[] response = exchange(message(0x0100, 1, 0, labels, 1, new byte[0]));
    assertEquals(3, rcode(response), "a name that does not exist, not FORMERR");
    byte[] question = question(labels, 1);
    assertArrayEquals(question, Arrays.copyOfRange(response, 12, 12 + question.length));
  }

  @Test
  void theDoBitIsCopiedIntoTheResponse() {
    byte[][] web = labels("web", "default", "svc", "cluster", "local");
    assertEquals(0x8000, optFlags(exchange(message(0x0100, 1, 1, web, 1, OPT_DO))));
    assertEquals(0, optFlags(exchange(message(0x0100, 1, 1, web, 1, OPT))));
  }

  @Test
  void rdAndCdAreCopiedAndAdIsNeverSet() {
    byte[][] web = labels("web", "default", "svc", "cluster", "local");
    byte[] response = exchange(message(0x0130, 1, 0, web, 1, new byte[0])); // RD, AD, CD
    assertEquals(0x0110, response[2] << 8 & 0x0100 | response[3] & 0x30, "RD and CD back, AD not (no validation)");
    byte[] plain = exchange(message(0, 1, 0, web, 1, new byte[0]));
    assertEquals(0, plain[2] & 0x01, "no RD asked, none answered");
    assertEquals(0, plain[3] & 0x30);
  }

  @Test
  void errorResponsesToEdnsQueriesCarryAnOptRecord() {
    byte[][] web = labels("web", "default", "svc", "cluster", "local");
    byte[] notify = exchange(message(4 << 11, 1, 1, web, 6, OPT));
    assertEquals(4, rcode(notify));
    assertEquals(1, count(notify, 0), "the question comes back");
    assertEquals(1, count(notify, 3));
    optFlags(notify);
    byte[] noQuestion = exchange(message(0x0100, 0, 1, web, 1, OPT));
    assertEquals(1, rcode(noQuestion));
    assertEquals(1, count(noQuestion, 3));
    optFlags(noQuestion);
    byte[] twoQuestions = exchange(message(0x0100, 2, 1, web, 1, OPT_DO));
    assertEquals(1, rcode(twoQuestions));
    assertEquals(0x8000, optFlags(twoQuestions));
  }

  @Test
  void anEdnsOptionLongerThanItsOptRecordIsFormerrWithAnOpt() {
    byte[][] web = labels("web", "default", "svc", "cluster", "local");
    // option 10 (cookie) says 16 bytes, 2 follow: RDLENGTH 6
    byte[] cut = {0, 0, 41, 0x04, (byte) 0xD0, 0, 0, 0, 0, 0, 6, 0, 10, 0, 16, 'a', 'b'};
    byte[] response = exchange(message(0x0100, 1, 1, web, 1, cut));
    assertEquals(1, rcode(response), "RFC 6891 section 7: a badly formatted option is FORMERR");
    optFlags(response);
    byte[] whole = {0, 0, 41, 0x04, (byte) 0xD0, 0, 0, 0, 0, 0, 6, 0, 10, 0, 2, 'a', 'b'};
    assertEquals(0, rcode(exchange(message(0x0100, 1, 1, web, 1, whole))), "an unknown but whole option is ignored");
  }

  @Test
  void anOptRecordMustBeOwnedByTheRootAndComeOnce() {
    byte[][] web = labels("web", "default", "svc", "cluster", "local");
    byte[] notRoot = {1, 'a', 0, 0, 41, 0x04, (byte) 0xD0, 0, 0, 0, 0, 0, 0};
    assertEquals(1, rcode(exchange(message(0x0100, 1, 1, web, 1, notRoot))));
    byte[] twice = new byte[OPT.length * 2];
    System.arraycopy(OPT, 0, twice, 0, OPT.length);
    System.arraycopy(OPT, 0, twice, OPT.length, OPT.length);
    assertEquals(1, rcode(exchange(message(0x0100, 1, 2, web, 1, twice))));
  }

  @Test
  void aCompressedQuestionNameIsFormerr() {
    byte[] packet = {0x42, 0x42, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'w', 'e', 'b', (byte) 0xC0, 12, 0, 1, 0, 1};
    byte[] response = exchange(packet);
    assertEquals(1, rcode(response));
    assertTrue(response.length == 12, "no question echoed for a question that did not parse");
  }
}
