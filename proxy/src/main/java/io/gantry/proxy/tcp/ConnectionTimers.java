package io.gantry.proxy.tcp;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.concurrent.TimeUnit;

/**
 * The connect and idle timeouts of one event loop's relayed connections: a sweep every
 * {@value #TICK_MILLIS} ms over the loop's connections instead of scheduled tasks per connection
 * (a connect timeout and an idle check each cost a timer insert and cancel per connection, and
 * on io_uring a timeout submission whenever the earliest deadline moves: measured in bin/bench
 * proxy). The sweep is scheduled only while the loop has connections. Confined to its event loop.
 */
final class ConnectionTimers implements Runnable {

  static final long TICK_MILLIS = 100;

  private static final FastThreadLocal<ConnectionTimers> PER_LOOP = new FastThreadLocal<>();

  private final EventLoop loop;
  private FrontendHandler head;
  private boolean scheduled;

  private ConnectionTimers(EventLoop loop) {
    this.loop = loop;
  }

  /** The timers of {@code loop}; call on that loop. */
  static ConnectionTimers of(EventLoop loop) {
    ConnectionTimers timers = PER_LOOP.get();
    if (timers == null || timers.loop != loop) {
      timers = new ConnectionTimers(loop);
      PER_LOOP.set(timers);
    }
    return timers;
  }

  void add(FrontendHandler h) {
    h.nextTimed = head;
    if (head != null) {
      head.prevTimed = h;
    }
    head = h;
    if (!scheduled) {
      scheduled = true;
      loop.schedule(this, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  void remove(FrontendHandler h) {
    if (h.prevTimed != null) {
      h.prevTimed.nextTimed = h.nextTimed;
    } else if (head == h) {
      head = h.nextTimed;
    } else {
      return; // not in the list
    }
    if (h.nextTimed != null) {
      h.nextTimed.prevTimed = h.prevTimed;
    }
    h.prevTimed = null;
    h.nextTimed = null;
  }

  @Override
  public void run() {
    long now = System.nanoTime();
    FrontendHandler h = head;
    while (h != null) {
      FrontendHandler next = h.nextTimed; // a tick closes only its own connection
      h.tick(now);
      h = next;
    }
    scheduled = head != null;
    if (scheduled) {
      loop.schedule(this, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }
  }
}
