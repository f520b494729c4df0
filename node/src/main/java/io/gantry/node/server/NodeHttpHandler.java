package io.gantry.node.server;

import io.gantry.node.stream.StreamUpgrades;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Routes one request of the node endpoint: health, logs, or a streaming upgrade. */
final class NodeHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  private final LogRequests logs;
  private final StreamUpgrades streams;
  private final byte[] expected; // "Bearer <token>", or null: no credential required

  NodeHttpHandler(LogRequests logs, StreamUpgrades streams, String token) {
    this.logs = logs;
    this.streams = streams;
    this.expected = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
  }

  /** As the kubelet with authentication on: the credential, compared in constant time. */
  private boolean authorized(FullHttpRequest request) {
    if (expected == null) {
      return true;
    }
    String presented = request.headers().get(HttpHeaderNames.AUTHORIZATION);
    return presented != null && MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (!request.decoderResult().isSuccess()) {
      StreamUpgrades.reply(ctx, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request\n");
      return;
    }
    QueryStringDecoder uri = new QueryStringDecoder(request.uri());
    String path = uri.path();
    if (path.equals("/healthz")) {
      StreamUpgrades.reply(ctx, HttpResponseStatus.OK, "ok\n");
    } else if (!authorized(request)) {
      StreamUpgrades.reply(ctx, HttpResponseStatus.UNAUTHORIZED, "Unauthorized\n");
    } else if (path.startsWith("/containerLogs/")) {
      logs.handle(ctx, request.method().name(), path, uri.parameters());
    } else if (path.startsWith("/exec/") || path.startsWith("/attach/") || path.startsWith("/portForward/")) {
      streams.handle(ctx, request, uri);
    } else {
      StreamUpgrades.reply(ctx, HttpResponseStatus.NOT_FOUND,
          "not found: " + path + " (expected: /containerLogs/, /exec/, /attach/, /portForward/ or /healthz)\n");
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
