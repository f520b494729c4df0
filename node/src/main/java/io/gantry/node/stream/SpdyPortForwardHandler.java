package io.gantry.node.stream;

import io.gantry.node.pod.ExecTarget;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Port-forward over SPDY/3.1 ({@code portforward.k8s.io}), whether the SPDY session comes on the
 * raw connection or tunneled in WebSocket messages: for each forwarded connection the client opens
 * an {@code error} and a {@code data} stream with the same {@code requestid} and {@code port}
 * headers; once both are open the agent connects to the pod's address on that port and relays
 * (a {@link PortForwardStream}). A failure to connect is written as text on the error stream, as
 * the kubelet does.
 */
final class SpdyPortForwardHandler extends SpdyStreamsHandler {

  private final ExecTarget pod;
  private final String podName;
  private final Map<String, PortForwardStream> byRequest = new HashMap<>();
  private final Map<Integer, PortForwardStream> byStream = new HashMap<>();

  SpdyPortForwardHandler(ExecTarget pod, String podName) {
    this.pod = pod;
    this.podName = podName;
  }

  @Override
  void stream(ChannelHandlerContext ctx, int id, String type, SpdySynStreamFrame syn) {
    String requestId = syn.headers().getAsString("requestid");
    String portText = syn.headers().getAsString("port");
    int port = parsePort(portText);
    if (byStream.size() >= MAX_STREAMS) {
      send(ctx, id, Unpooled.wrappedBuffer("too many forwarded connections at once".getBytes(StandardCharsets.UTF_8)),
          true);
      return;
    }
    if (requestId == null) {
      requestId = "port-" + portText; // clients before requestid had one connection per port
    }
    PortForwardStream pair = byRequest.computeIfAbsent(requestId,
        r -> new PortForwardStream(ctx, pod.podIp(), port, podName, pod.podUid(), this::forget));
    byStream.put(id, pair);
    if ("error".equals(type)) {
      pair.errorStream(id);
    } else if ("data".equals(type)) {
      if (port <= 0) {
        pair.fail(id, "invalid port: " + portText + " (expected: 1-65535)");
        return;
      }
      pair.dataStream(id);
    } else {
      send(ctx, id, Unpooled.wrappedBuffer(("unknown stream type: " + type).getBytes(StandardCharsets.UTF_8)),
          true);
    }
  }

  private static int parsePort(String text) {
    try {
      int port = Integer.parseInt(text == null ? "" : text.trim());
      return port > 0 && port <= 65535 ? port : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private void forget(PortForwardStream pair) {
    byRequest.values().remove(pair);
    byStream.values().removeIf(p -> p == pair);
  }

  @Override
  void data(ChannelHandlerContext ctx, int id, byte[] data, boolean last) {
    PortForwardStream pair = byStream.get(id);
    if (pair != null) {
      pair.fromClient(id, data, last);
    }
  }

  @Override
  void reset(ChannelHandlerContext ctx, int id) {
    PortForwardStream pair = byStream.get(id);
    if (pair != null) {
      pair.reset();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    new java.util.ArrayList<>(byRequest.values()).forEach(PortForwardStream::reset);
    ctx.fireChannelInactive();
  }
}
