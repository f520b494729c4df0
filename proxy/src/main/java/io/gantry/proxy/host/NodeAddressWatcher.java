package io.gantry.proxy.host;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows this node's addresses ({@link HostAddresses}) as they change: {@code ip -o monitor
 * address} prints a line for every address added or removed in the network namespace; each burst
 * of lines leads to one re-read, and a set that differs from the last one goes to the listener.
 * Lines about the service interface are skipped: the proxy's own ClusterIPs come and go there
 * by the thousand, and they are never node addresses. A re-read also runs every
 * {@link #RECONCILE} whatever the monitor says, so a missed event or a monitor that cannot run
 * costs at most that long.
 *
 * <p>Concurrency: two threads of its own, never an event loop. The monitor thread runs the
 * monitor process and turns its lines into permits; when the process dies it is started again
 * after {@link #RESTART_DELAY}, doubling up to {@link #RECONCILE} while it keeps dying young.
 * The reader thread waits for permits (or the reconcile period), waits until none came for
 * {@link #SETTLE} (at most {@link #MAX_SETTLE}), re-reads and calls the listener: one call at a
 * time, in order, each with the whole set.
 *
 * <p>Lifecycle: {@link #start} starts both threads and re-reads at once (what changed since the
 * caller's own read is not lost); {@link #close} stops the monitor process and both threads.
 */
public final class NodeAddressWatcher implements AutoCloseable {

  /** The quiet after a monitor line that ends a burst (adding ten addresses is one change). */
  static final Duration SETTLE = Duration.ofMillis(100);
  /** The longest a burst postpones the re-read: changes take effect within about this long. */
  static final Duration MAX_SETTLE = Duration.ofSeconds(1);
  /** The longest a change can go unnoticed when the monitor missed it or cannot run. */
  static final Duration RECONCILE = Duration.ofSeconds(10);
  /** The wait before a monitor process that died is started again. */
  static final Duration RESTART_DELAY = Duration.ofSeconds(1);

  private static final Logger log = LoggerFactory.getLogger(NodeAddressWatcher.class);

  private final Callable<List<InetAddress>> read;
  private final List<String> monitorCommand;
  private final String ignoredInterface;
  private final Consumer<List<InetAddress>> listener;
  private final Semaphore changes = new Semaphore(0);
  private final Thread monitorThread;
  private final Thread readerThread;
  private volatile boolean closed;
  private volatile Process monitor;
  private Set<InetAddress> current; // reader thread only (after start)

  private NodeAddressWatcher(Callable<List<InetAddress>> read, List<String> monitorCommand, String ignoredInterface,
      List<InetAddress> initial, Consumer<List<InetAddress>> listener) {
    this.read = read;
    this.monitorCommand = List.copyOf(monitorCommand);
    this.ignoredInterface = ignoredInterface;
    this.listener = listener;
    this.current = new LinkedHashSet<>(initial);
    this.monitorThread = Thread.ofPlatform().daemon().name("gantry-node-address-monitor").unstarted(this::monitor);
    this.readerThread = Thread.ofPlatform().daemon().name("gantry-node-addresses").unstarted(this::reread);
  }

  /**
   * Follows the addresses of the interfaces other than {@code serviceInterface} in this network
   * namespace; {@code initial} is what the caller read last. {@code listener} gets each new set.
   */
  public static NodeAddressWatcher start(String serviceInterface, List<InetAddress> initial,
      Consumer<List<InetAddress>> listener) {
    Objects.requireNonNull(serviceInterface, "serviceInterface");
    return start(() -> HostAddresses.detect(serviceInterface), List.of("ip", "-o", "monitor", "address"),
        serviceInterface, initial, listener);
  }

  /**
   * Follows what {@code read} returns, re-reading after the lines {@code monitorCommand} prints
   * in {@code ip -o monitor} form, except those about {@code ignoredInterface} (tests).
   */
  static NodeAddressWatcher start(Callable<List<InetAddress>> read, List<String> monitorCommand,
      String ignoredInterface, List<InetAddress> initial, Consumer<List<InetAddress>> listener) {
    NodeAddressWatcher watcher = new NodeAddressWatcher(Objects.requireNonNull(read, "read"),
        Objects.requireNonNull(monitorCommand, "monitorCommand"), Objects.requireNonNull(ignoredInterface,
        "ignoredInterface"), Objects.requireNonNull(initial, "initial"), Objects.requireNonNull(listener, "listener"));
    watcher.monitorThread.start();
    watcher.readerThread.start();
    return watcher;
  }

  private void monitor() {
    Duration restartDelay = RESTART_DELAY;
    while (!closed) {
      long started = System.nanoTime();
      Process process;
      try {
        process = new ProcessBuilder(monitorCommand).redirectErrorStream(true).start();
      } catch (IOException e) {
        log.warn("cannot run {} ({}); node addresses are re-read every {} s instead", String.join(" ", monitorCommand),
            e.getMessage(), RECONCILE.toSeconds());
        pause(RECONCILE);
        continue;
      }
      monitor = process;
      if (closed) { // close() ran before monitor was set: it could not stop this one
        process.destroy();
        return;
      }
      changes.release(); // what changed while no monitor ran
      try (BufferedReader lines = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = lines.readLine()) != null; ) {
          if (!ignoredInterface.equals(interfaceOf(line))) {
            changes.release();
          }
        }
      } catch (IOException e) {
        // the process is gone: treated as an exit below
      }
      process.destroy();
      if (!closed) {
        if (System.nanoTime() - started >= RECONCILE.toNanos()) {
          restartDelay = RESTART_DELAY; // it ran a while: no crash loop
        }
        log.warn("{} exited ({}); starting it again in {} ms", String.join(" ", monitorCommand), exit(process),
            restartDelay.toMillis());
        pause(restartDelay);
        restartDelay = restartDelay.multipliedBy(2).compareTo(RECONCILE) < 0 ? restartDelay.multipliedBy(2) : RECONCILE;
      }
    }
  }

  private void reread() {
    while (!closed) {
      try {
        if (changes.tryAcquire(RECONCILE.toNanos(), TimeUnit.NANOSECONDS)) {
          long latest = System.nanoTime() + MAX_SETTLE.toNanos();
          while (System.nanoTime() - latest < 0 && changes.tryAcquire(SETTLE.toNanos(), TimeUnit.NANOSECONDS)) {
            changes.drainPermits(); // still changing
          }
        }
      } catch (InterruptedException e) {
        return; // closed
      }
      changes.drainPermits();
      if (closed) {
        return;
      }
      Set<InetAddress> next;
      try {
        next = new LinkedHashSet<>(read.call());
      } catch (Exception e) {
        log.warn("reading node addresses failed: {} (keeping {}; retried on the next change or in {} s)",
            e.getMessage(), current, RECONCILE.toSeconds());
        continue;
      }
      if (next.equals(current)) {
        continue;
      }
      log.info("node addresses changed: {}; NodePorts follow", describe(current, next));
      current = next;
      try {
        listener.accept(List.copyOf(next));
      } catch (RuntimeException e) {
        log.warn("applying node addresses {} failed: {}", next, e.toString());
      }
    }
  }

  /**
   * The interface an {@code ip -o monitor address} line is about ({@code "[Deleted ]N: NAME
   * inet ..."}), or null when the line has another form.
   */
  static String interfaceOf(String line) {
    String rest = line.startsWith("Deleted ") ? line.substring("Deleted ".length()) : line;
    String[] words = rest.strip().split("\\s+", 3);
    return words.length >= 2 && words[0].endsWith(":") ? words[1] : null;
  }

  /** "added [a], removed [b]": what differs between two address sets, for the log. */
  static String describe(Set<InetAddress> before, Set<InetAddress> after) {
    Set<InetAddress> added = new LinkedHashSet<>(after);
    added.removeAll(before);
    Set<InetAddress> removed = new LinkedHashSet<>(before);
    removed.removeAll(after);
    return "added " + literals(added) + ", removed " + literals(removed);
  }

  private static List<String> literals(Set<InetAddress> addresses) {
    return addresses.stream().map(InetAddress::getHostAddress).toList();
  }

  private static String exit(Process process) {
    try {
      return process.waitFor(1, TimeUnit.SECONDS) ? "status " + process.exitValue() : "still running";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private void pause(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  /** The monitor process running now, or null (tests). */
  Process monitorProcess() {
    return monitor;
  }

  @Override
  public void close() {
    closed = true;
    Process process = monitor;
    if (process != null) {
      process.destroy();
    }
    monitorThread.interrupt();
    readerThread.interrupt();
    try {
      monitorThread.join(TimeUnit.SECONDS.toMillis(2));
      readerThread.join(TimeUnit.SECONDS.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
