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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs plugin calls for the {@code gantry-cni} launcher beside which it was started, so that a call costs
 * a shell and a loopback connection instead of a JVM start.
 *
 * <p>It listens on an ephemeral port of its network namespace's loopback and writes
 * {@code PORT SERVER-TOKEN CLIENT-TOKEN} to the pointer file {@code gantry-cni.server}, readable by its
 * owner only (root, as the runtime that calls plugins). A launcher first sends the client token; only to
 * that does the server answer {@code gantry-cni/1 SERVER-TOKEN}, so neither token is ever told to a
 * program that does not hold the other, and a launcher that hears anything else (a stale pointer,
 * another program on the port) runs the call itself. Then comes the call ({@link Invocation}), all of it
 * within {@value #REQUEST_SECONDS} s; the answer is the exit code on a line and then the call's stdout.
 * Calls run at most {@value #MAX_CALLS} at a time, each on a virtual thread, through {@link Main#run} as a
 * process would run them.
 */
public final class CniServer implements Closeable {
  static final String GREETING = "gantry-cni/1";
  static final int MAX_CALLS = 64;
  /** A launcher sends its whole call at once; a connection that has not within this is closed. */
  static final long REQUEST_SECONDS = 10;
  private static final long DRAIN_SECONDS = 30;
  /** The launcher connects to exactly this address (bash's /dev/tcp/127.0.0.1/PORT). */
  private static final byte[] LOOPBACK = {127, 0, 0, 1};

  private final ServerSocket socket;
  private final Path pointer;
  private final String pointerLine;
  private final String serverToken;
  private final byte[] clientToken;
  private final PrintStream log;
  private final Duration requestDeadline;
  private final Semaphore calls = new Semaphore(MAX_CALLS);
  private final ScheduledExecutorService cutoffs = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("gantry-cni-cutoffs").daemon().factory());
  private final Thread acceptor;

  private CniServer(ServerSocket socket, Path pointer, PrintStream log, Duration requestDeadline) {
    this.socket = socket;
    this.pointer = pointer;
    this.log = log;
    this.requestDeadline = requestDeadline;
    this.serverToken = token();
    String client = token();
    this.clientToken = client.getBytes(StandardCharsets.US_ASCII);
    this.pointerLine = socket.getLocalPort() + " " + serverToken + " " + client;
    this.acceptor = Thread.ofPlatform().name("gantry-cni-server").unstarted(this::acceptCalls);
  }

  /** Listens, publishes the pointer file and accepts calls until {@link #close}. */
  public static CniServer start(Path pointer, PrintStream log) throws IOException {
    return start(pointer, log, Duration.ofSeconds(REQUEST_SECONDS));
  }

  static CniServer start(Path pointer, PrintStream log, Duration requestDeadline) throws IOException {
    ServerSocket socket = new ServerSocket(0, 128, InetAddress.getByAddress(LOOPBACK));
    CniServer server = new CniServer(socket, pointer, log, requestDeadline);
    try {
      server.publish();
    } catch (IOException e) {
      socket.close();
      throw new IOException("cannot write the pointer file " + pointer + ": " + e.getMessage(), e);
    }
    server.acceptor.start();
    return server;
  }

  public int port() {
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
      if (calls.tryAcquire(MAX_CALLS, DRAIN_SECONDS, TimeUnit.SECONDS)) {
        calls.release(MAX_CALLS);
      } else {
        log.println("gantry-cni server: calls still running after " + DRAIN_SECONDS + " s");
      }
      acceptor.join(TimeUnit.SECONDS.toMillis(DRAIN_SECONDS));
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

  private void acceptCalls() {
    while (!socket.isClosed()) {
      calls.acquireUninterruptibly();
      Socket caller;
      try {
        caller = socket.accept();
      } catch (IOException e) {
        calls.release();
        if (!socket.isClosed()) {
          log.println("gantry-cni server: accept failed: " + e.getMessage());
        }
        continue;
      }
      Thread.ofVirtual().name("gantry-cni-call").start(() -> {
        try {
          serve(caller);
        } finally {
          calls.release();
        }
      });
    }
  }

  private void serve(Socket caller) {
    ScheduledFuture<?> cutoff = cutoffs.schedule(() -> closeQuietly(caller), requestDeadline.toMillis(),
        TimeUnit.MILLISECONDS);
    try (caller) {
      caller.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(caller.getInputStream());
      byte[] token = Invocation.line(in, 128).getBytes(StandardCharsets.US_ASCII);
      if (!MessageDigest.isEqual(token, clientToken)) {
        log.println("gantry-cni server: refused a caller without the client token (port " + caller.getPort() + ")");
        return;
      }
      OutputStream out = caller.getOutputStream();
      out.write((GREETING + " " + serverToken + "\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Invocation call = Invocation.read(in);
      if (!cutoff.cancel(false)) {
        return;
      }
      long start = System.nanoTime();
      ByteArrayOutputStream stdout = new ByteArrayOutputStream();
      PrintStream printer = new PrintStream(stdout, false, StandardCharsets.UTF_8);
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      int exit = Main.run(call.environment(), new ByteArrayInputStream(call.stdin()), printer);
      printer.flush();
      answer.write((exit + "\n").getBytes(StandardCharsets.US_ASCII));
      stdout.writeTo(answer);
      answer.writeTo(out); // one write: a second small one would wait for the launcher's delayed ACK
      out.flush();
      log.printf("gantry-cni server: %s container=%s ifname=%s exit=%d %.1f ms%n",
          call.environment().getOrDefault("CNI_COMMAND", "-"), call.environment().getOrDefault("CNI_CONTAINERID", "-"),
          call.environment().getOrDefault("CNI_IFNAME", "-"), exit, (System.nanoTime() - start) / 1e6);
    } catch (IOException e) {
      log.println("gantry-cni server: dropped a call (port " + caller.getPort() + "): "
          + (cutoff.isDone() && !cutoff.isCancelled() ? "not sent within " + requestDeadline.toMillis() + " ms" : e.getMessage()));
    } finally {
      cutoff.cancel(false);
    }
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
    CniServer server = start(Path.of(args[0]), System.err);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "gantry-cni-server-stop"));
    System.err.println("gantry-cni server: listening on 127.0.0.1:" + server.port() + " for the launcher in "
        + Path.of(args[0]).toAbsolutePath().getParent());
    server.acceptor.join();
  }
}
