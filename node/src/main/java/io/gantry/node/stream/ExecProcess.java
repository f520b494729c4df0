package io.gantry.node.stream;

import io.gantry.node.PipeThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One exec'ed command, whatever protocol carries it. Its output is pumped to an {@link Output} by
 * virtual threads, each chunk waiting for the previous write, so a slow client slows the command
 * instead of filling memory; standard input is written by its own virtual thread from a queue,
 * and {@link #stdin} says when the caller should stop reading from the network until
 * {@link Output#stdinDrained}. With a terminal, the command runs under util-linux
 * {@code script}, which gives it a pseudo-terminal (stderr then merges into stdout); its size is
 * set with {@code stty}.
 *
 * <p>Lifecycle: {@link #start} spawns off the caller's thread; {@link Output#exited} or
 * {@link Output#failed} is called exactly once, after all output was handed over; {@link #kill}
 * (the client went away) kills the command's process tree.
 */
final class ExecProcess {

  private static final Logger log = LoggerFactory.getLogger(ExecProcess.class);
  private static final byte[] EOF = new byte[0];
  private static final long HIGH_WATER = 1 << 20;
  private static final long LOW_WATER = 256 << 10;

  /** Where the command's output and end go. Called from virtual threads. */
  interface Output {
    /** Writes {@code data} to stream 1 (stdout) or 2 (stderr); the future completes when written. */
    Future<?> write(int stream, byte[] data);

    /** The command ended with {@code code}, after its output was written. */
    void exited(int code);

    /** The command could not run. */
    void failed(String message);

    /** The standard input backlog fell low again after {@link #stdin} returned false. */
    void stdinDrained();
  }

  private final ExecRequest request;
  private final Output output;
  private final BlockingQueue<byte[]> stdinQueue = new LinkedBlockingQueue<>();
  private final AtomicLong backlog = new AtomicLong();
  private final CompletableFuture<Process> process = new CompletableFuture<>();
  private volatile boolean killed;

  private ExecProcess(ExecRequest request, Output output) {
    this.request = request;
    this.output = output;
  }

  /**
   * Runs {@code prefix + argv} (with a terminal: under {@code script}, sized {@code columns} x
   * {@code rows} when both are positive) in {@code env} and {@code dir}.
   */
  static ExecProcess start(ExecRequest request, List<String> prefix, List<String> argv, Map<String, String> env,
      Path dir, int columns, int rows, Output output) {
    ExecProcess exec = new ExecProcess(request, output);
    Thread.ofVirtual().name("exec-" + argv.get(0)).start(() -> exec.run(prefix, argv, env, dir, columns, rows));
    return exec;
  }

  /**
   * Why a program did not start, in runc's words ({@code executable file not found in $PATH}, {@code stat
   * /x: no such file or directory}); the
   * JDK's message would name the agent's data directory.
   */
  static String startFailure(IOException e, String program) {
    String message = String.valueOf(e.getMessage());
    if (message.contains("error=2,") || message.contains("error: 2 ")) {
      return program.indexOf('/') >= 0 ? "stat " + program + ": no such file or directory"
          : "executable file not found in $PATH";
    }
    if (message.contains("error=13,") || message.contains("error: 13 ")) {
      return "permission denied";
    }
    int cause = message.lastIndexOf("): ");
    return cause >= 0 ? message.substring(cause + 3) : message;
  }

  private void run(List<String> prefix, List<String> argv, Map<String, String> env, Path dir, int columns, int rows) {
    List<String> command = new ArrayList<>(prefix);
    Map<String, String> environment = new HashMap<>(env);
    if (request.tty()) {
      String size = columns > 0 && rows > 0 ? "stty cols " + columns + " rows " + rows + " 2>/dev/null; " : "";
      command.addAll(List.of("script", "-qfec", size + "exec " + ShellQuote.join(argv), "/dev/null"));
      environment.putIfAbsent("TERM", "xterm");
    } else {
      command.addAll(argv);
    }
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(request.tty());
    builder.environment().clear();
    builder.environment().putAll(environment);
    if (Files.isDirectory(dir)) {
      builder.directory(dir.toFile());
    }
    Process p;
    try {
      p = builder.start();
    } catch (IOException e) {
      output.failed("exec: \"" + argv.get(0) + "\": " + startFailure(e, argv.get(0))
          + (request.tty() ? " (a terminal needs util-linux script on the node)" : ""));
      return;
    }
    process.complete(p);
    if (killed) {
      destroy(p);
    }
    Thread in = PipeThreads.start("exec-stdin", () -> writeStdin(p));
    Thread out = PipeThreads.start("exec-stdout", () -> pump(p.getInputStream(), 1, request.stdout()));
    Thread err = request.tty() ? null
        : PipeThreads.start("exec-stderr", () -> pump(p.getErrorStream(), 2, request.stderr()));
    try {
      int code = p.waitFor();
      out.join();
      if (err != null) {
        err.join();
      }
      in.interrupt();
      output.exited(code);
    } catch (InterruptedException e) {
      destroy(p);
    }
  }

  private void pump(InputStream in, int stream, boolean wanted) {
    byte[] buffer = new byte[16384];
    try (in) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        if (wanted && !killed) {
          output.write(stream, java.util.Arrays.copyOf(buffer, n)).get(60, TimeUnit.SECONDS);
        }
      }
    } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // the client went away or stopped reading: the connection's end kills the command
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void writeStdin(Process p) {
    try (OutputStream stdin = p.getOutputStream()) {
      if (!request.stdin()) {
        return;
      }
      while (true) {
        byte[] data = stdinQueue.take();
        if (data == EOF) {
          return;
        }
        stdin.write(data);
        stdin.flush();
        long left = backlog.addAndGet(-data.length);
        if (left < LOW_WATER && left + data.length >= LOW_WATER) {
          output.stdinDrained();
        }
      }
    } catch (IOException e) {
      // the command closed its input; what the client still sends is dropped
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Queues standard input; false when the backlog is high and the caller should pause reading. */
  boolean stdin(byte[] data) {
    if (data.length == 0) {
      return true;
    }
    stdinQueue.add(data);
    return backlog.addAndGet(data.length) < HIGH_WATER;
  }

  /** The client closed standard input. */
  void closeStdin() {
    stdinQueue.add(EOF);
  }

  /** The client's terminal changed size: applied to the command's pseudo-terminal with stty. */
  void resize(int columns, int rows) {
    if (!request.tty() || columns <= 0 || rows <= 0) {
      return;
    }
    process.thenAccept(p -> Thread.ofVirtual().name("exec-resize").start(() -> {
      for (ProcessHandle child : p.descendants().toList()) {
        try {
          Path tty = Files.readSymbolicLink(Path.of("/proc", Long.toString(child.pid()), "fd", "0"));
          if (tty.toString().startsWith("/dev/pts/")) {
            new ProcessBuilder("stty", "-F", tty.toString(), "cols", Integer.toString(columns), "rows",
                Integer.toString(rows)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start().waitFor(5, TimeUnit.SECONDS);
            return;
          }
        } catch (IOException e) {
          // that process is gone or not ours to look at: try the next one
        } catch (InterruptedException e) {
          return;
        }
      }
    }));
  }

  /** The client went away: kills the command and everything it started. */
  void kill() {
    killed = true;
    stdinQueue.add(EOF);
    Process p = process.getNow(null);
    if (p != null) {
      destroy(p);
    }
  }

  private static void destroy(Process p) {
    if (p.isAlive()) {
      log.debug("killing exec'ed process {}", p.pid());
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }
}
