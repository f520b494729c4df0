package io.gantry.dns.server;

import static io.gantry.dns.server.Queries.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.control.api.v1.Endpoint;
import io.gantry.control.api.v1.EndpointView;
import io.gantry.control.api.v1.PodView;
import io.gantry.control.api.v1.ServiceView;
import io.gantry.dns.DnsTesting;
import io.gantry.dns.DnsTesting.Rendered;
import io.gantry.dns.metrics.DnsMetrics;
import io.gantry.dns.zone.DnsZoneSnapshot;
import io.gantry.dns.zone.Wire;
import io.gantry.dns.zone.ZoneConfig;
import io.gantry.dns.zone.ZoneHolder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The handler on an EmbeddedChannel: protocol rules, EDNS0, truncation, errors. */
class DnsQueryHandlerTest {

  private static final InetSocketAddress POD = new InetSocketAddress("127.244.0.77", 5555);

  private final DnsMetrics metrics = new DnsMetrics("dns://:53");
  private final EmbeddedChannel channel = new EmbeddedChannel(new QueryDecoder(),
      new DnsQueryHandler(new ZoneHolder(zone()), null, new Autopath(), metrics));

  private static DnsZoneSnapshot zone() {
    List<Endpoint> many = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      many.add(Endpoint.newBuilder().setAddress("127.244.1." + (i + 1)).setReady(true).build());
    }
    return DnsZoneSnapshot.build(ZoneConfig.defaults(), 1,
        List.of(ServiceView.newBuilder().setNamespace("default").setName("web").setType("ClusterIP")
                .addClusterIps("127.96.0.10").build(),
            ServiceView.newBuilder().setNamespace("other").setName("api").setType("ClusterIP")
                .addClusterIps("127.96.0.11").build(),
            ServiceView.newBuilder().setNamespace("default").setName("many").setType("ClusterIP").setHeadless(true)
                .build(),
            ServiceView.newBuilder().setNamespace("default").setName("alias").setType("ExternalName")
                .setExternalName("web.default.svc.cluster.local").build(),
            externalName("alias2", "alias.default.svc.cluster.local"),
            externalName("self", "self.default.svc.cluster.local"),
            externalName("ping", "pong.default.svc.cluster.local"),
            externalName("pong", "ping.default.svc.cluster.local")),
        List.of(EndpointView.newBuilder().setNamespace("default").setServiceName("many").addAllEndpoints(many).build()),
        List.of(PodView.newBuilder().setNamespace("default").setName("client").addIps("127.244.0.77").build(),
            PodView.newBuilder().setNamespace("other").setName("agent").addIps("127.0.0.11").setHostNetwork(true)
                .build()));
  }

  private static ServiceView externalName(String name, String target) {
    return ServiceView.newBuilder().setNamespace("default").setName(name).setType("ExternalName")
        .setExternalName(target).build();
  }

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  private Rendered send(byte[] packet) {
    return send(packet, DnsTesting.CLIENT);
  }

  private Rendered send(byte[] packet, InetSocketAddress from) {
    channel.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(packet), new InetSocketAddress("127.0.0.1", 53), from));
    DatagramPacket out = channel.readOutbound();
    if (out == null) {
      return null;
    }
    assertEquals(from, out.recipient());
    ByteBuf content = out.content();
    assertEquals(0x4242, content.getUnsignedShort(0));
    return DnsTesting.render(content);
  }

  @Test
  void answersFromTheZone() {
    Rendered r = send(query(0x4242, "web.default.svc.cluster.local", Wire.TYPE_A, 0));
    assertEquals(List.of("web.default.svc.cluster.local. 5 A 127.96.0.10"), r.answers());
    assertTrue(r.authoritative());
    assertEquals(1, metrics.responses(0));
  }

  @Test
  void withoutEdnsAnswersThatDoNotFit512BytesAreTruncated() {
    Rendered r = send(query(0x4242, "many.default.svc.cluster.local", Wire.TYPE_A, 0));
    assertTrue(r.truncated());
    assertTrue(r.answers().size() < 60);
  }

  @Test
  void ednsBufferSizeIsHonoured() {
    Rendered big = send(query(0x4242, "many.default.svc.cluster.local", Wire.TYPE_A, 4096));
    assertFalse(big.truncated());
    assertEquals(60, big.answers().size());
    Rendered small = send(query(0x4242, "many.default.svc.cluster.local", Wire.TYPE_A, 600));
    assertTrue(small.truncated());
  }

  @Test
  void garbageWithAHeaderIsFormerr() {
    byte[] packet = query(0x4242, "web.default.svc.cluster.local", Wire.TYPE_A, 0);
    packet[12] = 63; // a label running past the end
    assertEquals(1, send(packet).rcode());
    byte[] twoQuestions = query(0x4242, "a", Wire.TYPE_A, 0);
    twoQuestions[5] = 2;
    assertEquals(1, send(twoQuestions).rcode());
  }

  @Test
  void pointerLoopsAreFormerr() {
    byte[] packet = new byte[] {0x42, 0x42, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xC0, 12, 0, 1, 0, 1};
    assertEquals(1, send(packet).rcode());
  }

  @Test
  void shortPacketsAndResponsesGetSilence() {
    assertNull(send(new byte[] {1, 2, 3}));
    byte[] response = query(0x4242, "web.default.svc.cluster.local", Wire.TYPE_A, 0);
    response[2] |= (byte) 0x80;
    assertNull(send(response));
  }

  @Test
  void otherOpcodesAreNotImplemented() {
    byte[] notify = query(0x4242, "cluster.local", Wire.TYPE_SOA, 0);
    notify[2] = (byte) (4 << 3);
    assertEquals(4, send(notify).rcode());
    assertEquals(4, send(query(0x4242, "cluster.local", Wire.TYPE_AXFR, 0)).rcode());
  }

  @Test
  void otherNamesAreRefusedWithoutAForwarder() {
    Rendered refused = send(query(0x4242, "example.com", Wire.TYPE_A, 0));
    assertEquals(5, refused.rcode());
    // RFC 1035 4.1.1: no forwarder, no recursion on offer, in any answer
    assertFalse(refused.recursionAvailable());
    assertFalse(send(query(0x4242, "web.default.svc.cluster.local", Wire.TYPE_A, 0)).recursionAvailable());
  }

  @Test
  void unknownEdnsVersionIsBadvers() {
    byte[] packet = query(0x4242, "web.default.svc.cluster.local", Wire.TYPE_A, 1232);
    packet[packet.length - 5] = 1; // version 1
    channel.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(packet), new InetSocketAddress("127.0.0.1", 53),
        DnsTesting.CLIENT));
    DatagramPacket out = channel.readOutbound();
    ByteBuf content = out.content();
    assertEquals(0, content.getUnsignedByte(3) & 0xF);
    assertEquals(1, content.getUnsignedByte(content.writerIndex() - 6), "extended rcode 1: BADVERS");
    out.release();
  }

  @Test
  void anExternalNameInsideTheZoneIsFollowedForRecursiveQueries() {
    Rendered r = send(query(0x4242, "alias.default.svc.cluster.local", Wire.TYPE_A, 0));
    assertEquals(List.of("alias.default.svc.cluster.local. 5 CNAME web.default.svc.cluster.local.",
        "web.default.svc.cluster.local. 5 A 127.96.0.10"), r.answers());
    Rendered noData = send(query(0x4242, "alias.default.svc.cluster.local", Wire.TYPE_TXT, 0));
    assertEquals(0, noData.rcode());
    assertEquals(List.of("alias.default.svc.cluster.local. 5 CNAME web.default.svc.cluster.local."), noData.answers());
    assertEquals(1, noData.authority().size(), "the target's NODATA keeps its SOA");
    assertEquals(List.of("alias.default.svc.cluster.local. 5 CNAME web.default.svc.cluster.local."),
        send(query(0x4242, "alias.default.svc.cluster.local", Wire.TYPE_CNAME, 0)).answers(), "asked for the CNAME");
    byte[] noRecursion = query(0x4242, "alias.default.svc.cluster.local", Wire.TYPE_A, 0);
    noRecursion[2] = 0;
    assertEquals(1, send(noRecursion).answers().size(), "without RD the CNAME alone");
  }

  @Test
  void chainsOfExternalNamesAreFollowedToTheAddressAndLoopsAnsweredWithEachRecordOnce() {
    assertEquals(List.of("alias2.default.svc.cluster.local. 5 CNAME alias.default.svc.cluster.local.",
        "alias.default.svc.cluster.local. 5 CNAME web.default.svc.cluster.local.",
        "web.default.svc.cluster.local. 5 A 127.96.0.10"),
        send(query(0x4242, "alias2.default.svc.cluster.local", Wire.TYPE_A, 0)).answers());
    assertEquals(List.of("self.default.svc.cluster.local. 5 CNAME self.default.svc.cluster.local."),
        send(query(0x4242, "self.default.svc.cluster.local", Wire.TYPE_A, 0)).answers());
    assertEquals(List.of("ping.default.svc.cluster.local. 5 CNAME pong.default.svc.cluster.local.",
        "pong.default.svc.cluster.local. 5 CNAME ping.default.svc.cluster.local."),
        send(query(0x4242, "ping.default.svc.cluster.local", Wire.TYPE_A, 0)).answers());
  }

  @Test
  void autopathEndsAtTheFirstNameThatExistsEvenWithoutRecordsOfTheType() {
    Rendered r = send(query(0x4242, "api.other.default.svc.cluster.local", Wire.TYPE_AAAA, 0), POD);
    assertEquals(0, r.rcode(), "NODATA, not NXDOMAIN: the name exists with an A record (RFC 8020)");
    assertEquals(List.of("api.other.default.svc.cluster.local. 5 CNAME api.other.svc.cluster.local."), r.answers());
    assertEquals(1, r.authority().size(), "the SOA of the negative answer");
  }

  @Test
  void autopathExpandsAPodsSearchPathOnTheServer() {
    Rendered r = send(query(0x4242, "api.other.default.svc.cluster.local", Wire.TYPE_A, 0), POD);
    assertEquals(0, r.rcode());
    assertEquals(List.of("api.other.default.svc.cluster.local. 5 CNAME api.other.svc.cluster.local.",
        "api.other.svc.cluster.local. 5 A 127.96.0.11"), r.answers());
    Rendered notAPod = send(query(0x4242, "api.other.default.svc.cluster.local", Wire.TYPE_A, 0));
    assertEquals(3, notAPod.rcode(), "unknown clients get the plain answer");
    Rendered fromTheNode = send(query(0x4242, "api.other.other.svc.cluster.local", Wire.TYPE_A, 0),
        new InetSocketAddress("127.0.0.11", 5555));
    assertEquals(3, fromTheNode.rcode(), "a host-network pod's address is its node's, shared by every query from"
        + " there: it names no namespace");
    assertEquals(3, send(query(0x4242, "nothing.default.svc.cluster.local", Wire.TYPE_A, 0), POD).rcode());
  }
}
