package io.gantry.node.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SPDY session basics, through Netty's frame codec on both ends as bytes on the wire. */
class SpdyStreamsHandlerTest {

  private final List<String> seen = new ArrayList<>();
  private final EmbeddedChannel client = new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
  private final EmbeddedChannel server = new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1),
      new SpdyStreamsHandler() {
        @Override
        void stream(ChannelHandlerContext ctx, int id, String type, SpdySynStreamFrame syn) {
          seen.add("stream " + id + " " + type);
        }

        @Override
        void data(ChannelHandlerContext ctx, int id, byte[] data, boolean last) {
          seen.add("data " + id + " " + new String(data, StandardCharsets.UTF_8) + (last ? " FIN" : ""));
        }

        @Override
        void reset(ChannelHandlerContext ctx, int id) {
          seen.add("reset " + id);
        }
      });

  /** Sends a frame from the client; returns what the server wrote back, decoded by the client. */
  private List<Object> roundTrip(Object frame) {
    client.writeOutbound(frame);
    for (ByteBuf bytes; (bytes = client.readOutbound()) != null; ) {
      server.writeInbound(bytes);
    }
    List<Object> answers = new ArrayList<>();
    for (ByteBuf bytes; (bytes = server.readOutbound()) != null; ) {
      assertTrue(bytes.readableBytes() > 0);
      client.writeInbound(bytes);
      for (Object answer; (answer = client.readInbound()) != null; ) {
        answers.add(answer);
      }
    }
    return answers;
  }

  @Test
  void everyStreamIsAnsweredWithAReplyWhoseHeaderBlockGoCanRead() {
    DefaultSpdySynStreamFrame syn = new DefaultSpdySynStreamFrame(1, 0, (byte) 0);
    syn.headers().set("streamtype", "error");
    List<Object> answers = roundTrip(syn);
    assertEquals(List.of("stream 1 error"), seen);
    SpdySynReplyFrame reply = assertInstanceOf(SpdySynReplyFrame.class, answers.get(0));
    assertEquals(1, reply.streamId());
    // Go's framer fails on a SYN_REPLY without a header block: there must be at least one header
    assertEquals("error", reply.headers().getAsString("streamtype"));
    answers.forEach(ReferenceCountUtil::release);
  }

  @Test
  void dataAndFinReachTheStreamAndPingsAreEchoed() {
    roundTrip(new DefaultSpdyDataFrame(1, io.netty.buffer.Unpooled.copiedBuffer("hi", StandardCharsets.UTF_8))
        .setLast(true));
    assertEquals(List.of("data 1 hi FIN"), seen);
    List<Object> answers = roundTrip(new DefaultSpdyPingFrame(7));
    assertEquals(7, assertInstanceOf(SpdyPingFrame.class, answers.get(0)).id());
  }

  @Test
  void aStreamOpenedByTheServerSideIdIsAProtocolErrorThatCloses() {
    roundTrip(new DefaultSpdySynStreamFrame(2, 0, (byte) 0));
    assertTrue(seen.isEmpty());
    assertTrue(!server.isOpen());
  }
}
