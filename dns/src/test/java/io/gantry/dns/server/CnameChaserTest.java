package io.gantry.dns.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.dns.DnsTesting;
import io.gantry.dns.DnsTesting.Rendered;
import io.gantry.dns.zone.Wire;
import io.netty.buffer.ByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The response composed from an upstream's answer to an ExternalName's target, names decompressed. */
class CnameChaserTest {

  private static final DnsRequest ASKED = new DnsRequest(0x4242, 0x0100, "Ext.Default.svc.cluster.local.", Wire.TYPE_A,
      1, 0, 0, null, DnsTesting.CLIENT, false);

  /** www.example.org A: a CNAME to edge.example.net (its name compressed against the question), then its A. */
  private static byte[] upstream(int rcode) {
    ByteArrayOutputStream m = new ByteArrayOutputStream();
    m.writeBytes(new byte[] {0, 1, (byte) 0x81, (byte) (0x80 | rcode), 0, 1, 0, 2, 0, 0, 0, 0});
    m.writeBytes(Wire.name("www.example.org."));
    m.writeBytes(new byte[] {0, 1, 0, 1});
    // www.example.org (C0 0C) CNAME edge + pointer to "example" at offset 16 ... written as edge.example.net
    byte[] edge = HexFormat.of().parseHex("0465646765076578616d706c65036e657400");
    m.writeBytes(new byte[] {(byte) 0xC0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, (byte) edge.length});
    int edgeAt = m.size();
    m.writeBytes(edge);
    // edge.example.net (pointer to the CNAME's RDATA) A 192.0.2.9
    m.writeBytes(new byte[] {(byte) 0xC0, (byte) edgeAt, 0, 1, 0, 1, 0, 0, 0, 30, 0, 4, (byte) 192, 0, 2, 9});
    return m.toByteArray();
  }

  private static final List<String> TARGET = List.of("www.example.org.");

  @Test
  void theUpstreamsRecordsFollowTheCnameWithTheirNamesWrittenOut() {
    Rendered r = DnsTesting.render(CnameChaser.compose(ByteBufAllocator.DEFAULT, ASKED, TARGET, 5,
        upstream(0)));
    assertEquals(0, r.rcode());
    assertTrue(r.authoritative());
    assertEquals(List.of("Ext.Default.svc.cluster.local. 5 CNAME www.example.org.",
        "www.example.org. 60 CNAME edge.example.net.", "edge.example.net. 30 A 192.0.2.9"), r.answers());
  }

  @Test
  void aChainOfExternalNamesPutsEachCnameBeforeTheUpstreamsRecords() {
    Rendered r = DnsTesting.render(CnameChaser.compose(ByteBufAllocator.DEFAULT, ASKED,
        List.of("other.default.svc.cluster.local.", "www.example.org."), 5, upstream(0)));
    assertEquals(List.of("Ext.Default.svc.cluster.local. 5 CNAME other.default.svc.cluster.local.",
        "other.default.svc.cluster.local. 5 CNAME www.example.org.", "www.example.org. 60 CNAME edge.example.net.",
        "edge.example.net. 30 A 192.0.2.9"), r.answers());
  }

  @Test
  void aMissingTargetIsNxdomainAfterTheCnameAndAFailureServfail() {
    Rendered nx = DnsTesting.render(CnameChaser.compose(ByteBufAllocator.DEFAULT, ASKED, TARGET, 5,
        upstream(3)));
    assertEquals(3, nx.rcode(), "RFC 6604: the rcode is the last name's");
    Rendered failed = DnsTesting.render(CnameChaser.compose(ByteBufAllocator.DEFAULT, ASKED, TARGET, 5,
        upstream(2)));
    assertEquals(2, failed.rcode());
    assertEquals(List.of("Ext.Default.svc.cluster.local. 5 CNAME www.example.org."), failed.answers());
    byte[] loop = upstream(0);
    loop[loop.length - 16 + 1] = (byte) (loop.length - 16); // the A record's owner points at itself
    Rendered malformed = DnsTesting.render(CnameChaser.compose(ByteBufAllocator.DEFAULT, ASKED, TARGET, 5,
        loop));
    assertEquals(2, malformed.rcode(), "a malformed upstream answer is SERVFAIL, not a loop");
  }

  @Test
  void aNegativeAnswerKeepsTheUpstreamsSoaSoThatItCanBeCached() {
    ByteArrayOutputStream m = new ByteArrayOutputStream();
    m.writeBytes(new byte[] {0, 1, (byte) 0x81, (byte) 0x83, 0, 1, 0, 0, 0, 1, 0, 0}); // NXDOMAIN, one authority
    m.writeBytes(Wire.name("www.example.org."));
    m.writeBytes(new byte[] {0, 1, 0, 1});
    // example.org (pointer to offset 16) SOA ns1.example.org hostmaster.example.org, both names compressed
    byte[] rdata = HexFormat.of().parseHex("036e7331c010" + "0a686f73746d6173746572c010"
        + "00000001" + "00000e10" + "00000384" + "00093a80" + "0000012c");
    m.writeBytes(new byte[] {(byte) 0xC0, 16, 0, 6, 0, 1, 0, 0, 1, 44, 0, (byte) rdata.length});
    m.writeBytes(rdata);
    Rendered nx = DnsTesting.render(CnameChaser.compose(ByteBufAllocator.DEFAULT, ASKED, TARGET, 5,
        m.toByteArray()));
    assertEquals(3, nx.rcode());
    assertEquals(List.of("Ext.Default.svc.cluster.local. 5 CNAME www.example.org."), nx.answers());
    assertEquals(List.of("example.org. 300 SOA ns1.example.org."), nx.authority(), "RFC 2308 section 3");
  }
}
