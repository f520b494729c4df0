package io.gantry.control.server.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * kube-apiserver's connection deadlines ({@code ReadHeaderTimeout} 32 s, {@code IdleTimeout} 90 s of
 * its http.Server): a new connection must have sent a request's headers within 32 s, and a kept-alive
 * one is closed when no next request's headers arrive within 90 s of the last answer; so a client
 * that trickles headers or holds idle connections cannot pile them up. No deadline runs while a
 * request is being answered (watches and log streams last as long as they last), nor after an upgrade
 * (exec, port-forward). Sits behind the HTTP codec; touched only on the channel's event loop.
 */
final class RequestDeadlines extends ChannelDuplexHandler {

  static final Duration HEADERS = Duration.ofSeconds(32);
  static final Duration IDLE = Duration.ofSeconds(90);

  private ScheduledFuture<?> deadline;
  /** Requests whose headers came and whose answers have not ended (more than one when pipelined). */
  private int unanswered;

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    arm(ctx, HEADERS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request) {
      unanswered++;
      cancel();
      if (request.headers().contains(HttpHeaderNames.UPGRADE)) {
        ctx.pipeline().remove(this); // an upgraded connection is a stream of its own
      }
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    boolean informational = msg instanceof HttpResponse response
        && response.status().codeClass() == HttpStatusClass.INFORMATIONAL; // 100 Continue: the answer is to come
    if (msg instanceof LastHttpContent && !informational && --unanswered <= 0) {
      unanswered = 0;
      arm(ctx, IDLE);
    }
    ctx.write(msg, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancel();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
  }

  private void arm(ChannelHandlerContext ctx, Duration after) {
    cancel();
    deadline = ctx.executor().schedule(() -> ctx.close(), after.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void cancel() {
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }
}
