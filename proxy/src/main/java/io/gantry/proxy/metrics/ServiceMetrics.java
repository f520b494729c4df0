package io.gantry.proxy.metrics;

import java.util.concurrent.atomic.LongAdder;

/** The counters of one service ({@code namespace/name}); updated from event loops without locks. */
public final class ServiceMetrics {

  final LongAdder active = new LongAdder();
  final LongAdder connections = new LongAdder();
  final LongAdder bytesIn = new LongAdder();
  final LongAdder bytesOut = new LongAdder();
  final LongAdder connectErrors = new LongAdder();
  final LongAdder noEndpoint = new LongAdder();
  final LongAdder udpFlows = new LongAdder();
  final LongAdder datagrams = new LongAdder();

  public void opened() {
    connections.increment();
    active.increment();
  }

  public void closed() {
    active.decrement();
  }

  /** Bytes from clients to endpoints. */
  public void bytesIn(long n) {
    bytesIn.add(n);
  }

  /** Bytes from endpoints back to clients. */
  public void bytesOut(long n) {
    bytesOut.add(n);
  }

  public void connectError() {
    connectErrors.increment();
  }

  public void noEndpoint() {
    noEndpoint.increment();
  }

  public void udpFlow() {
    udpFlows.increment();
  }

  public void datagram() {
    datagrams.increment();
  }

  public long active() {
    return active.sum();
  }

  public long connections() {
    return connections.sum();
  }

  public long noEndpointRejects() {
    return noEndpoint.sum();
  }

  public long connectErrors() {
    return connectErrors.sum();
  }
}
