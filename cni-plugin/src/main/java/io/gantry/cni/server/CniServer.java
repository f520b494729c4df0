package io.gantry.cni.server;

import io.gantry.cni.Main;
import io.gantry.cni.Training;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Runs plugin calls for the {@code gantry-cni} launcher beside which it was started, so that a call costs
 * a shell and a loopback connection instead of a JVM start.
 *
 * <p>It listens on an ephemeral port of its network namespace's loopback and writes
 * {@code PORT SERVER-TOKEN CLIENT-TOKEN PID START-TIME} to the pointer file {@code gantry-cni.server},
 * readable by its owner only (root, as the runtime that calls plugins). A launcher connects only while
 * the process with that PID and start time runs, so a stale file never leads it to another program on the
 * port. It sends the client token first; only to that does the server answer
 * {@code gantry-cni/1 SERVER-TOKEN}, and a launcher that hears anything else runs the call itself. Then
 * comes the call ({@link Invocation}); the answer is the exit code on a line and then the call's stdout.
 *
 * <p>Nobody without the token holds the server up: every connection is accepted at once and must send the
 * token within {@link #TOKEN_DEADLINE}, at most {@value #MAX_UNPROVEN} may be waiting for theirs (more are
 * closed at once, and their launchers run the call themselves), and refusals are logged at most once per
 * {@link #REFUSAL_LOG_INTERVAL}. A proven caller has {@link #CALL_DEADLINE} to send its call (the runtime
 * may be slow to write stdin). Calls run at most {@value #MAX_CALLS} at a time, each on a virtual thread,
 * through {@link Main#run} as a process would run them.
 */
public final class CniServer implements Closeable {
  static final String GREETING = "gantry-cni/1";
  static final int MAX_CALLS = 64;
  static final int MAX_UNPROVEN = 256;
  static final Duration TOKEN_DEADLINE = Duration.ofSeconds(1);
  static final Duration CALL_DEADLINE = Duration.ofSeconds(120);
  static final Duration REFUSAL_LOG_INTERVAL = Duration.ofSeconds(10);
  private static final long DRAIN_SECONDS = 30;
  /** The launcher connects to exactly this address (bash's /dev/tcp/127.0.0.1/PORT). */
  private static final byte[] LOOPBACK = {127, 0, 0, 1};

  private final ServerSocket socket;
  private final Path pointer;
  private final String pointerLine;
  private final String serverToken;
  private final byte[] clientToken;
  private final PrintStream log;
  private final Duration tokenDeadline;
  private final Duration callDeadline;
  private final Semaphore calls = new Semaphore(MAX_CALLS);
  private final AtomicInteger unproven = new AtomicInteger();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicLong nextRefusalLog = new AtomicLong(System.nanoTime());
  private final AtomicInteger unloggedRefusals = new AtomicInteger();
  private final ScheduledExecutorService cutoffs = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("gantry-cni-cutoffs").daemon().factory());
  private final Thread acceptor;

  private CniServer(ServerSocket socket, Path pointer, PrintStream log, Duration tokenDeadline, Duration callDeadline)
      throws IOException {
    this.socket = socket;
    this.pointer = pointer;
    this.log = log;
    this.tokenDeadline = tokenDeadline;
    this.callDeadline = callDeadline;
    this.serverToken = token();
    String client = token();
    this.clientToken = client.getBytes(StandardCharsets.US_ASCII);
    this.pointerLine = socket.getLocalPort() + " " + serverToken + " " + client + " " + ProcessHandle.current().pid()
        + " " + startTime();
    this.acceptor = Thread.ofPlatform().name("gantry-cni-server").unstarted(this::acceptCalls);
  }

  /** Listens, publishes the pointer file and accepts calls until {@link #close}. */
  static CniServer start(Path pointer, PrintStream log, Duration tokenDeadline, Duration callDeadline)
      throws IOException {
    CniServer server = open(pointer, log, tokenDeadline, callDeadline);
    server.begin();
    return server;
  }

  /** Listens, but publishes nothing yet. */
  private static CniServer open(Path pointer, PrintStream log, Duration tokenDeadline, Duration callDeadline)
      throws IOException {
    ServerSocket socket = new ServerSocket(0, 512, InetAddress.getByAddress(LOOPBACK));
    try {
      return new CniServer(socket, pointer, log, tokenDeadline, callDeadline);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /** Publishes the pointer file, so launchers come, and accepts them. */
  private void begin() throws IOException {
    try {
      publish();
    } catch (IOException e) {
      socket.close();
      throw new IOException("cannot write the pointer file " + pointer + ": " + e.getMessage(), e);
    }
    acceptor.start();
  }

  int port() {
    return socket.getLocalPort();
  }

  /**
   * Stops accepting, removes the pointer file (unless a newer server has replaced it) and waits up to
   * {@value #DRAIN_SECONDS} s for the calls in progress.
   */
  @Override
  public void close() {
    try {
      socket.close();
      if (Files.exists(pointer) && Files.readString(pointer).strip().equals(pointerLine)) {
        Files.delete(pointer);
      }
    } catch (IOException e) {
      log.println("gantry-cni server: cannot remove " + pointer + ": " + e.getMessage());
    }
    try {
      acceptor.join(TimeUnit.SECONDS.toMillis(DRAIN_SECONDS));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DRAIN_SECONDS);
      while (running.get() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      if (running.get() > 0) {
        log.println("gantry-cni server: " + running.get() + " calls still running after " + DRAIN_SECONDS + " s");
      }
      cutoffs.shutdownNow();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void publish() throws IOException {
    Path temp = pointer.resolveSibling(pointer.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    Files.deleteIfExists(temp);
    Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
    Files.createFile(temp, PosixFilePermissions.asFileAttribute(ownerOnly));
    Files.writeString(temp, pointerLine + "\n");
    Files.move(temp, pointer, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** This process's start time in clock ticks since boot (field 22 of /proc/self/stat), as the launcher reads it. */
  private static String startTime() throws IOException {
    String stat = Files.readString(Path.of("/proc/self/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    if (fields.length < 20) {
      throw new IOException("/proc/self/stat has no start time: " + stat);
    }
    return fields[19];
  }

  private void acceptCalls() {
    while (!socket.isClosed()) {
      Socket caller;
      try {
        caller = socket.accept();
      } catch (IOException e) {
        if (!socket.isClosed()) {
          refused("accept failed: " + e.getMessage());
          pause(); // out of descriptors, say: do not spin
        }
        continue;
      }
      if (unproven.incrementAndGet() > MAX_UNPROVEN) {
        unproven.decrementAndGet();
        closeQuietly(caller);
        refused("closed a connection: " + MAX_UNPROVEN + " others have not sent the client token yet");
        continue;
      }
      running.incrementAndGet();
      Thread.ofVirtual().name("gantry-cni-call").start(() -> {
        try {
          serve(caller);
        } finally {
          running.decrementAndGet();
        }
      });
    }
  }

  private void serve(Socket caller) {
    try (caller) {
      caller.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(caller.getInputStream());
      byte[] token;
      try {
        token = within(caller, tokenDeadline, () -> Invocation.line(in, 128).getBytes(StandardCharsets.US_ASCII));
      } catch (IOException e) {
        refused("dropped a connection before the client token: " + e.getMessage());
        return;
      } finally {
        unproven.decrementAndGet();
      }
      if (!MessageDigest.isEqual(token, clientToken)) {
        refused("refused a caller without the client token");
        return;
      }
      OutputStream out = caller.getOutputStream();
      Invocation call = within(caller, callDeadline, () -> {
        out.write((GREETING + " " + serverToken + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return Invocation.read(in);
      });
      calls.acquireUninterruptibly();
      try {
        run(call, out);
      } finally {
        calls.release();
      }
    } catch (IOException e) {
      log.println("gantry-cni server: dropped a call (port " + caller.getPort() + "): " + e.getMessage());
    }
  }

  private void run(Invocation call, OutputStream out) throws IOException {
    long start = System.nanoTime();
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    PrintStream printer = new PrintStream(stdout, false, StandardCharsets.UTF_8);
    int exit = Main.run(call.environment(), new ByteArrayInputStream(call.stdin()), printer);
    printer.flush();
    byte[] head = (exit + "\n").getBytes(StandardCharsets.US_ASCII);
    byte[] answer = Arrays.copyOf(head, head.length + stdout.size());
    System.arraycopy(stdout.toByteArray(), 0, answer, head.length, stdout.size());
    out.write(answer); // one write: a second small one would wait for the launcher's delayed ACK
    out.flush();
    log.printf("gantry-cni server: %s container=%s ifname=%s exit=%d %.1f ms%n",
        call.environment().getOrDefault("CNI_COMMAND", "-"), call.environment().getOrDefault("CNI_CONTAINERID", "-"),
        call.environment().getOrDefault("CNI_IFNAME", "-"), exit, (System.nanoTime() - start) / 1e6);
  }

  /** Work on the caller's socket that must finish within {@code deadline}, or the socket is closed. */
  private <T> T within(Socket caller, Duration deadline, SocketWork<T> work) throws IOException {
    ScheduledFuture<?> cutoff = cutoffs.schedule(() -> closeQuietly(caller), deadline.toMillis(), TimeUnit.MILLISECONDS);
    try {
      T result = work.run();
      if (cutoff.cancel(false)) {
        return result;
      }
    } catch (IOException e) {
      if (!cutoff.isDone() || cutoff.isCancelled()) {
        throw e;
      }
    } finally {
      cutoff.cancel(false);
    }
    throw new SocketTimeoutException("not sent within " + deadline.toMillis() + " ms");
  }

  /** Logs a refusal at most once per interval, with how many were not logged since. */
  private void refused(String why) {
    long now = System.nanoTime();
    long next = nextRefusalLog.get();
    if (now - next >= 0 && nextRefusalLog.compareAndSet(next, now + REFUSAL_LOG_INTERVAL.toNanos())) {
      int more = unloggedRefusals.getAndSet(0);
      log.println("gantry-cni server: " + why + (more > 0 ? " (and " + more + " more refusals not logged)" : ""));
    } else {
      unloggedRefusals.incrementAndGet();
    }
  }

  private static void pause() {
    try {
      Thread.sleep(10);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @FunctionalInterface
  private interface SocketWork<T> {
    T run() throws IOException;
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closed already
    }
  }

  private static String token() {
    byte[] random = new byte[16];
    new SecureRandom().nextBytes(random);
    return HexFormat.of().formatHex(random);
  }

  /**
   * Runs the build's training workload ({@link Training}: every command, in IPAM mode, in a scratch
   * directory; it touches no link) so that the first calls find their classes loaded.
   */
  private static void warmUp() throws IOException {
    Path scratch = Files.createTempDirectory("gantry-cni-warm-up");
    try {
      Training.main(new String[] {scratch.toString()});
    } finally {
      try (Stream<Path> files = Files.walk(scratch)) {
        files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
      }
    }
  }

  /** {@code gantry-cni --serve}: the launcher passes the pointer file beside itself. */
  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: gantry-cni --serve (the launcher passes the pointer file)");
      System.exit(2);
    }
    warmUp();
    CniServer server = open(Path.of(args[0]), System.err, TOKEN_DEADLINE, CALL_DEADLINE);
    // before the pointer exists: a SIGTERM right after it appears must still remove it
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "gantry-cni-server-stop"));
    server.begin();
    System.err.println("gantry-cni server: listening on 127.0.0.1:" + server.port() + " for the launcher in "
        + Path.of(args[0]).toAbsolutePath().getParent());
    server.acceptor.join();
  }
}
