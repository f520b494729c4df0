package io.gantry.control.server.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * Netty's aggregator, but a body over the limit is answered as kube-apiserver answers it: a 413
 * {@code Status} saying what the limit is (kubectl prints its message; with Netty's empty 413 it
 * said the server "did not return more information"), also to a client that asked
 * {@code Expect: 100-continue} (curl does for large bodies). When to close is Netty's rule: after
 * the answer unless the client keeps the connection alive and has not already sent the whole body,
 * in which case the rest of the body is read and dropped.
 */
final class StatusOnOversizeAggregator extends HttpObjectAggregator {

  private final byte[] status;

  StatusOnOversizeAggregator(int maxContentLength) {
    super(maxContentLength);
    this.status = ("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
        + "\"message\":\"Request entity too large: limit is " + maxContentLength + "\","
        + "\"reason\":\"RequestEntityTooLarge\",\"code\":413}").getBytes(StandardCharsets.UTF_8);
  }

  /** A client that asked {@code Expect: 100-continue} with a body over the limit gets the Status instead. */
  @Override
  protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
    Object response = super.newContinueResponse(start, maxContentLength, pipeline);
    if (response instanceof FullHttpResponse netty
        && netty.status().code() == HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code()) {
      netty.release();
      return tooLarge(false); // a client error, so the aggregator drops whatever body still comes
    }
    return response;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
    if (!(oversized instanceof HttpRequest)) {
      super.handleOversizedMessage(ctx, oversized);
      return;
    }
    boolean close = oversized instanceof FullHttpMessage
        || (!HttpUtil.is100ContinueExpected(oversized) && !HttpUtil.isKeepAlive(oversized));
    ctx.writeAndFlush(tooLarge(close))
        .addListener(close ? ChannelFutureListener.CLOSE : ChannelFutureListener.CLOSE_ON_FAILURE);
  }

  private FullHttpResponse tooLarge(boolean close) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Unpooled.wrappedBuffer(status));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, status.length);
    if (close) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    return response;
  }
}
