package io.gantry.cni;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A copy of the built plugin directory, as a user installs it, with the plugin's server running beside it
 * ({@code gantry-cni --serve}, a real process): calls of its launcher then run in the server.
 */
final class ServedPlugin implements AutoCloseable {
  private static final List<String> INSTALLED = List.of("gantry-cni", "gantry-cni.jar", "gantry-cni.jdk",
      "gantry-cni.aot", "gantry-cni.jsa");
  private static ServedPlugin forTheRun;

  final Path dir;
  final Path log;
  private final Process server;

  private ServedPlugin(Path dir, Path log, Process server) {
    this.dir = dir;
    this.log = log;
    this.server = server;
  }

  /** Copies what the build installed in the launcher's directory into {@code dir}. */
  static void copyInstallation(Path dir) throws IOException {
    for (String file : INSTALLED) {
      Path built = CniProcess.BUILT.resolveSibling(file);
      if (Files.exists(built)) {
        Files.copy(built, dir.resolve(file), StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
  }

  /** Installs into {@code dir} and starts the server; returns once its pointer file is there. */
  static ServedPlugin start(Path dir) throws IOException, InterruptedException {
    copyInstallation(dir);
    Path log = dir.resolveSibling(dir.getFileName() + "-server.log");
    Process server = new ProcessBuilder(dir.resolve("gantry-cni").toString(), "--serve")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    ServedPlugin served = new ServedPlugin(dir, log, server);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(served.pointer())) {
      if (!server.isAlive() || System.nanoTime() > deadline) {
        served.close();
        throw new AssertionError("gantry-cni --serve did not start: " + Files.readString(log));
      }
      Thread.sleep(20);
    }
    return served;
  }

  /** One server for the whole test run (-Dgantry.cni.server=true), stopped when the JVM exits. */
  static synchronized ServedPlugin forTheRun() {
    if (forTheRun == null) {
      try {
        Path root = Files.createTempDirectory("gantry-cni-served");
        forTheRun = start(Files.createDirectory(root.resolve("bin")));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          forTheRun.close();
          delete(root);
        }));
      } catch (IOException | InterruptedException e) {
        throw new AssertionError("cannot start the plugin's server", e);
      }
    }
    return forTheRun;
  }

  Path launcher() {
    return dir.resolve("gantry-cni");
  }

  Path pointer() {
    return dir.resolve("gantry-cni.server");
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  /** Stops the server as an operator does (SIGTERM) and waits for it. */
  @Override
  public void close() {
    server.destroy();
    try {
      if (!server.waitFor(40, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    } catch (InterruptedException e) {
      server.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  int exitValue() throws InterruptedException {
    server.waitFor(40, TimeUnit.SECONDS);
    return server.exitValue();
  }

  private static void delete(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
    } catch (IOException ignored) {
      // a temp directory left behind
    }
  }
}
