package io.gantry.dns.forward;

import io.gantry.dns.server.DnsRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.function.Consumer;

/** Answers the names the cluster zone does not hold, asynchronously. */
public interface Forwarder extends AutoCloseable {

  /**
   * Resolves {@code request} and calls {@code reply} exactly once, on any thread, with a complete
   * response (ownership passes to {@code reply}). Never blocks and never throws.
   */
  void forward(DnsRequest request, ByteBufAllocator alloc, Consumer<ByteBuf> reply);

  @Override
  void close();
}
