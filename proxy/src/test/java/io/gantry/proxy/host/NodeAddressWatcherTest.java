package io.gantry.proxy.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watcher with a real monitor process ({@code tail -F} of a file the test appends "events"
 * to) and addresses the test sets: what {@code ip -o monitor address} and {@code ip address}
 * would be on a node.
 */
class NodeAddressWatcherTest {

  @TempDir
  Path dir;

  private Path events;
  private final AtomicReference<List<InetAddress>> addresses = new AtomicReference<>();
  private final AtomicInteger reads = new AtomicInteger();
  private final BlockingQueue<List<InetAddress>> seen = new LinkedBlockingQueue<>();
  private NodeAddressWatcher watcher;

  @BeforeEach
  void monitorFile() throws IOException {
    events = Files.createFile(dir.resolve("events"));
    addresses.set(List.of(ip("10.208.0.1"), ip("127.0.0.1")));
  }

  @AfterEach
  void stop() {
    if (watcher != null) {
      watcher.close();
    }
  }

  private void start() throws Exception {
    watcher = NodeAddressWatcher.start(() -> {
      reads.incrementAndGet();
      return addresses.get();
    }, List.of("tail", "-n", "0", "-F", events.toString()), "gantry-svc", addresses.get(), seen::add);
    // tail prints nothing for lines older than itself: wait for it to run, and for the start-up re-read
    waitFor(() -> watcher.monitorProcess() != null && reads.get() >= 1);
    Thread.sleep(300);
  }

  private void event() throws IOException {
    Files.writeString(events, "2: eth0    inet 10.208.0.2/24 scope global eth0\n", StandardOpenOption.APPEND);
  }

  @Test
  void anAddedAndARemovedAddressEachReachTheListenerOnce() throws Exception {
    start();
    assertNull(seen.poll(300, TimeUnit.MILLISECONDS), "nothing changed since the caller's read");

    addresses.set(List.of(ip("10.208.0.1"), ip("127.0.0.1"), ip("10.208.0.2")));
    event();
    assertEquals(addresses.get(), seen.poll(2, TimeUnit.SECONDS));

    addresses.set(List.of(ip("10.208.0.2"), ip("127.0.0.1")));
    event();
    assertEquals(addresses.get(), seen.poll(2, TimeUnit.SECONDS));
    assertNull(seen.poll(300, TimeUnit.MILLISECONDS));
  }

  @Test
  void aBurstOfEventsIsOneReadAndTheSameSetInAnotherOrderIsNoChange() throws Exception {
    start();
    int before = reads.get();
    addresses.set(List.of(ip("127.0.0.1"), ip("10.208.0.1"))); // reordered: same set
    for (int i = 0; i < 50; i++) {
      event();
    }
    waitFor(() -> reads.get() > before);
    Thread.sleep(500);
    assertTrue(reads.get() - before <= 2, "50 events in a burst: " + (reads.get() - before) + " reads");
    assertNull(seen.poll(100, TimeUnit.MILLISECONDS), "a reordered set is the same set");
  }

  @Test
  void aStreamOfEventsDelaysAChangeByAboutASecondAtMost() throws Exception {
    start();
    addresses.set(List.of(ip("10.208.0.7")));
    Thread writer = Thread.ofVirtual().start(() -> {
      try {
        for (int i = 0; i < 60 && !Thread.currentThread().isInterrupted(); i++) { // 3 s of events, 50 ms apart
          event();
          Thread.sleep(50);
        }
      } catch (IOException | InterruptedException e) {
        // stopped
      }
    });
    try {
      long started = System.nanoTime();
      assertEquals(List.of(ip("10.208.0.7")), seen.poll(3, TimeUnit.SECONDS));
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertTrue(millis < 2_000, "the change arrived " + millis + " ms after the stream began (expected: about "
          + NodeAddressWatcher.MAX_SETTLE.toMillis() + " ms)");
    } finally {
      writer.interrupt();
      writer.join();
    }
  }

  @Test
  void linesAboutTheServiceInterfaceAreNotNodeAddressChanges() throws Exception {
    start();
    int before = reads.get();
    for (int i = 0; i < 20; i++) {
      Files.writeString(events, "3: gantry-svc    inet 10.208.9." + i + "/32 scope global gantry-svc\\\n"
          + "Deleted 3: gantry-svc    inet 10.208.9." + i + "/32 scope global gantry-svc\\\n",
          StandardOpenOption.APPEND);
    }
    Thread.sleep(700);
    assertEquals(before, reads.get(), "the proxy's own service addresses come and go without a re-read");
    event();
    waitFor(() -> reads.get() > before);
  }

  @Test
  void theInterfaceOfAMonitorLine() {
    assertEquals("eth0", NodeAddressWatcher.interfaceOf("2: eth0    inet 10.208.0.2/24 scope global eth0\\"));
    assertEquals("gantry-svc", NodeAddressWatcher.interfaceOf(
        "Deleted 7: gantry-svc    inet6 fd00::1/128 scope global \\       valid_lft forever preferred_lft forever"));
    assertNull(NodeAddressWatcher.interfaceOf("something else entirely"));
    assertNull(NodeAddressWatcher.interfaceOf(""));
  }

  @Test
  void aDeadMonitorIsStartedAgainAndWhatChangedMeanwhileIsRead() throws Exception {
    start();
    Process first = watcher.monitorProcess();
    addresses.set(List.of(ip("10.208.0.3"))); // changed while no monitor runs: no event for it
    first.destroyForcibly();
    assertEquals(List.of(ip("10.208.0.3")), seen.poll(5, TimeUnit.SECONDS), "re-read on restart");
    Process second = watcher.monitorProcess();
    assertNotEquals(first.pid(), second.pid());
    assertTrue(second.isAlive());
    Thread.sleep(300);

    addresses.set(List.of(ip("10.208.0.4")));
    event();
    assertEquals(List.of(ip("10.208.0.4")), seen.poll(2, TimeUnit.SECONDS), "the new monitor's events count");
  }

  @Test
  void aFailedReadKeepsTheLastSetAndTheNextChangeStillArrives() throws Exception {
    AtomicReference<Boolean> failing = new AtomicReference<>(true);
    watcher = NodeAddressWatcher.start(() -> {
      reads.incrementAndGet();
      if (failing.get()) {
        throw new IOException("ip: simulated failure");
      }
      return addresses.get();
    }, List.of("tail", "-n", "0", "-F", events.toString()), "gantry-svc", addresses.get(), seen::add);
    waitFor(() -> watcher.monitorProcess() != null && reads.get() >= 1);
    Thread.sleep(300);
    assertNull(seen.poll(100, TimeUnit.MILLISECONDS));
    failing.set(false);
    addresses.set(List.of(ip("10.208.0.5")));
    event();
    assertEquals(List.of(ip("10.208.0.5")), seen.poll(2, TimeUnit.SECONDS));
  }

  @Test
  void closeStopsTheMonitorProcessAndTheListener() throws Exception {
    start();
    Process monitor = watcher.monitorProcess();
    assertNotNull(monitor);
    watcher.close();
    assertTrue(monitor.waitFor(5, TimeUnit.SECONDS), "the monitor process ends with the watcher");
    addresses.set(List.of(ip("10.208.0.6")));
    event();
    assertNull(seen.poll(500, TimeUnit.MILLISECONDS), "no calls after close");
    assertFalse(monitor.isAlive());
  }

  @Test
  void describeNamesWhatCameAndWhatWent() throws Exception {
    assertEquals("added [10.208.0.9], removed [10.208.0.1]", NodeAddressWatcher.describe(
        new LinkedHashSet<>(List.of(ip("10.208.0.1"), ip("127.0.0.1"))),
        new LinkedHashSet<>(List.of(ip("127.0.0.1"), ip("10.208.0.9")))));
    assertEquals("added [], removed []", NodeAddressWatcher.describe(Set.of(ip("127.0.0.1")), Set.of(ip("127.0.0.1"))));
  }

  private static InetAddress ip(String literal) throws IOException {
    return InetAddress.getByName(literal);
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "condition not met within 10 s");
      Thread.sleep(20);
    }
  }
}
