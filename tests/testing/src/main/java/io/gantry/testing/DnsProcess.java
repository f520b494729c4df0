package io.gantry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code gantry dns} as a real child process on a free port (UDP and TCP), its output in a log
 * file. {@link #start} returns once it printed that it serves; {@link #close} stops it by PID.
 */
public final class DnsProcess implements AutoCloseable {

  private static final String READY_LINE = "gantry dns is serving";

  private final Process process;
  private final int port;
  private final Path log;

  private DnsProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts {@code gantry dns --listen 127.0.0.1:PORT --admin-port 0 ARGS...}. */
  public static DnsProcess start(String... args) {
    int port = FreePort.find();
    try {
      Path log = Files.createTempFile("gantry-dns-", ".log");
      String java = ProcessHandle.current().info().command().orElse("java");
      List<String> command = new ArrayList<>(List.of(java, "-jar", GantryProcess.locateJar().toString(), "dns",
          "--listen", "127.0.0.1:" + port, "--admin-port", "0", "--threads", "1"));
      command.addAll(List.of(args));
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      DnsProcess dns = new DnsProcess(process, port, log);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException("gantry dns exited with " + process.exitValue() + "\n" + dns.log());
        }
        if (dns.log().contains(READY_LINE)) {
          return dns;
        }
        Thread.sleep(50);
      }
      process.destroyForcibly();
      throw new IllegalStateException("gantry dns did not start within 60 s\n" + dns.log());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
      Files.deleteIfExists(log);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // the log stays behind in /tmp
    }
  }
}
