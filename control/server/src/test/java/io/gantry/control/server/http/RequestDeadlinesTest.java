package io.gantry.control.server.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** kube-apiserver's ReadHeaderTimeout and IdleTimeout, on a channel whose clock the test moves. */
class RequestDeadlinesTest {

  private static DefaultHttpRequest request() {
    return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/api");
  }

  private static void advance(EmbeddedChannel channel, long seconds) {
    channel.advanceTimeBy(seconds, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
  }

  @Test
  void aConnectionWithoutARequestsHeadersIsClosedAfter32Seconds() {
    EmbeddedChannel channel = new EmbeddedChannel(new RequestDeadlines());
    advance(channel, 31);
    assertTrue(channel.isOpen());
    advance(channel, 2);
    assertFalse(channel.isOpen(), "headers trickled or never sent");
  }

  @Test
  void noDeadlineWhileARequestIsAnsweredAndIdleAfterItsAnswerEnds() {
    EmbeddedChannel channel = new EmbeddedChannel(new RequestDeadlines());
    channel.writeInbound(request());
    channel.writeOutbound(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
    advance(channel, 600);
    assertTrue(channel.isOpen(), "a watch answers for as long as it lasts");
    channel.writeOutbound(LastHttpContent.EMPTY_LAST_CONTENT);
    advance(channel, 89);
    assertTrue(channel.isOpen());
    advance(channel, 2);
    assertFalse(channel.isOpen(), "idle 90 s after the last answer");
  }

  @Test
  void aPipelinedRequestKeepsTheConnectionOpenAfterTheFirstAnswer() {
    EmbeddedChannel channel = new EmbeddedChannel(new RequestDeadlines());
    channel.writeInbound(request());
    channel.writeInbound(request());
    channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
    channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
    advance(channel, 200);
    assertTrue(channel.isOpen(), "the second request is still being answered");
  }

  @Test
  void anUpgradedConnectionHasNoDeadline() {
    EmbeddedChannel channel = new EmbeddedChannel(new RequestDeadlines());
    DefaultHttpRequest upgrade = request();
    upgrade.headers().set("Upgrade", "websocket");
    channel.writeInbound(upgrade);
    advance(channel, 600);
    assertTrue(channel.isOpen());
  }
}
