package io.gantry.control.server.dataplane;

import io.gantry.control.api.v1.ControlMessage;
import io.grpc.Status;

/** Where a {@link Subscription} sends pushes: the server side of one gRPC stream (a fake in tests). */
interface PushSink {

  /** Whether the transport can take a message now without buffering beyond its window. */
  boolean isReady();

  void push(ControlMessage message);

  /** Ends the stream with an error status. */
  void fail(Status status);
}
