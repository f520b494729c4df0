package io.gantry.cni;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the built {@code target/bin/gantry-cni} launcher the way a runtime does: env + stdin. With
 * {@code -Dgantry.cni.server=true} (the build's second pass over these tests) a copy of it whose calls run
 * in the plugin's server.
 */
final class CniProcess {
  static final Path BUILT = Path.of(System.getProperty("gantry.cni.bin", "target/bin"), "gantry-cni");
  static final Path LAUNCHER = Boolean.getBoolean("gantry.cni.server") ? ServedPlugin.forTheRun().launcher() : BUILT;

  /** How an invocation ended: exit code, stdout (parsed when JSON), stderr. */
  record Outcome(int exit, String stdout, String stderr) {
    @SuppressWarnings("unchecked")
    Map<String, Object> json() {
      try {
        return (Map<String, Object>) Json.parse(stdout);
      } catch (IOException e) {
        throw new AssertionError("stdout is not JSON: " + stdout + " / stderr: " + stderr, e);
      }
    }

    /** The error code of an error answer (and asserts the exit code is non-zero). */
    long code() {
      if (exit == 0) {
        throw new AssertionError("expected a failure, got exit 0 with " + stdout);
      }
      return (Long) json().get("code");
    }

    String msg() {
      return (String) json().get("msg");
    }

    Outcome ok() {
      if (exit != 0) {
        throw new AssertionError("exit " + exit + ": " + stdout + " / " + stderr);
      }
      return this;
    }
  }

  private CniProcess() {}

  static Map<String, String> env(String command, String containerId, String netns, String ifName) {
    Map<String, String> env = new HashMap<>();
    env.put("CNI_COMMAND", command);
    if (containerId != null) {
      env.put("CNI_CONTAINERID", containerId);
    }
    if (netns != null) {
      env.put("CNI_NETNS", netns);
    }
    if (ifName != null) {
      env.put("CNI_IFNAME", ifName);
    }
    env.put("CNI_PATH", "/opt/cni/bin");
    return env;
  }

  /** Starts the launcher with exactly {@code env} (plus PATH, as runtimes pass it) and feeds stdin. */
  static Process start(Map<String, String> env, String stdin) throws IOException {
    return start(LAUNCHER, env, stdin);
  }

  /** As {@link #start(Map, String)}, with another installation's launcher. */
  static Process start(Path launcher, Map<String, String> env, String stdin) throws IOException {
    if (!Files.isExecutable(launcher)) {
      throw new AssertionError(launcher + " is missing: run the package phase first");
    }
    ProcessBuilder builder = new ProcessBuilder(launcher.toString());
    builder.environment().clear();
    builder.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    builder.environment().putAll(env);
    Process process = builder.start();
    try (OutputStream in = process.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    } catch (IOException stoppedReading) {
      // the plugin stops reading past its stdin limit and answers; its answer is what counts
    }
    return process;
  }

  static Outcome finish(Process process) throws IOException, InterruptedException {
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("gantry-cni did not finish in 60 s");
    }
    return new Outcome(process.exitValue(), out, err);
  }

  static Outcome run(Map<String, String> env, String stdin) throws IOException, InterruptedException {
    return finish(start(env, stdin));
  }
}
