package io.gantry.cni.bridge;

import io.gantry.cni.CniException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs iproute2's {@code ip} on the host or inside a network namespace: {@code ip -n NAME} for the
 * namespaces of {@code ip netns}, util-linux {@code nsenter --net=PATH} for any other path. The runtime
 * calls plugins with a minimal environment, so the binaries are looked up in the usual sbin/bin
 * directories rather than on {@code PATH}.
 */
public final class IpTool {
  private static final List<String> DIRS = List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin", "/usr/local/sbin",
      "/usr/local/bin");
  private static final int MAX_OUTPUT = 1 << 20;

  /** What a command printed and how it ended. */
  public record Output(int exit, String stdout, String stderr) {}

  private IpTool() {}

  /** The absolute path of {@code name} in the sbin/bin directories, or null. */
  public static String find(String name) {
    for (String dir : DIRS) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }

  /** Runs {@code ip -batch -} with {@code commands} (one per line) on the host; code 100 on failure. */
  public static Output hostBatch(List<String> commands, String... options) throws CniException {
    return startHostBatch(commands, options).finish();
  }

  /** Runs {@code ip -batch -} inside the namespace at {@code netns}; code 100 on failure. */
  public static Output podBatch(String netns, List<String> commands, String... options) throws CniException {
    return startPodBatch(netns, commands, options).finish();
  }

  /** Starts {@code ip -batch -} on the host with {@code commands} and returns without waiting. */
  public static Running startHostBatch(List<String> commands, String... options) throws CniException {
    List<String> argv = new ArrayList<>();
    argv.add(require("ip"));
    argv.addAll(List.of(options));
    argv.add("-batch");
    argv.add("-");
    return start(argv, String.join("\n", commands) + "\n", "ip " + commands);
  }

  /** Starts {@code ip -batch -} inside the namespace at {@code netns} and returns without waiting. */
  public static Running startPodBatch(String netns, List<String> commands, String... options)
      throws CniException {
    List<String> argv = new ArrayList<>();
    String named = namedNetns(netns);
    if (named == null) {
      argv.add(require("nsenter"));
      argv.add("--net=" + netns);
      argv.add(require("ip"));
    } else {
      argv.add(require("ip"));
      argv.add("-n");
      argv.add(named);
    }
    argv.addAll(List.of(options));
    argv.add("-batch");
    argv.add("-");
    return start(argv, String.join("\n", commands) + "\n", "ip (in " + netns + ") " + commands);
  }

  /**
   * The name {@code ip -n} takes for {@code netns} when it is one of iproute2's named namespaces
   * ({@code ip netns add}), so that ip enters it itself (one exec less than nsenter); otherwise null.
   * Both spellings of the run directory must lead to it, whichever one this ip was built with.
   */
  static String namedNetns(String netns) {
    int slash = netns.lastIndexOf('/');
    String dir = netns.substring(0, slash + 1);
    String name = netns.substring(slash + 1);
    if (!(dir.equals("/run/netns/") || dir.equals("/var/run/netns/")) || name.isEmpty() || name.equals(".")
        || name.equals("..")) {
      return null;
    }
    try {
      Path path = Path.of(netns);
      boolean same = Files.isSameFile(path, Path.of("/run/netns", name))
          && Files.isSameFile(path, Path.of("/var/run/netns", name));
      return same ? name : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** A started batch, so that batches on the host and in a pod can run at the same time. */
  public static final class Running {
    private final Process process;
    private final List<String> argv;
    private final String what;

    private Running(Process process, List<String> argv, String what) {
      this.process = process;
      this.argv = argv;
      this.what = what;
    }

    /** Waits for the batch; code 100 when it failed. */
    public Output finish() throws CniException {
      return check(await(), what);
    }

    /** Waits for the batch and returns how it ended, without judging the exit code. */
    public Output await() throws CniException {
      return collect(process, argv);
    }
  }

  private static Running start(List<String> argv, String stdin, String what) throws CniException {
    return new Running(spawn(argv, stdin), argv, what);
  }

  /** Runs {@code ip ARGS...} on the host without judging the exit code. */
  public static Output host(String... args) throws CniException {
    return startHost(args).await();
  }

  /** Starts {@code ip ARGS...} on the host and returns without waiting. */
  public static Running startHost(String... args) throws CniException {
    List<String> argv = new ArrayList<>();
    argv.add(require("ip"));
    argv.addAll(List.of(args));
    return start(argv, null, "ip " + String.join(" ", args));
  }

  private static String require(String name) throws CniException {
    String path = find(name);
    if (path == null) {
      throw new CniException(CniException.INTERNAL, name + " not found in " + DIRS
          + " (bridge mode needs iproute2 and util-linux)");
    }
    return path;
  }

  private static Output check(Output output, String what) throws CniException {
    if (output.exit() != 0) {
      throw new CniException(CniException.INTERNAL, what + " failed: " + output.stderr().strip(),
          "exit " + output.exit() + "; stdout: " + output.stdout().strip());
    }
    return output;
  }

  private static Process spawn(List<String> argv, String stdin) throws CniException {
    ProcessBuilder builder = new ProcessBuilder(argv);
    builder.environment().put("LC_ALL", "C");
    try {
      Process process = builder.start();
      try (OutputStream in = process.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      return process;
    } catch (IOException e) {
      throw new CniException(CniException.INTERNAL, "cannot run " + argv.get(0) + ": " + e.getMessage());
    }
  }

  private static Output collect(Process process, List<String> argv) throws CniException {
    try {
      String stdout = read(process.getInputStream());
      String stderr = read(process.getErrorStream());
      return new Output(process.waitFor(), stdout, stderr);
    } catch (IOException e) {
      throw new CniException(CniException.INTERNAL, "cannot run " + argv.get(0) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CniException(CniException.INTERNAL, "interrupted while running " + argv);
    }
  }

  private static String read(InputStream stream) throws IOException {
    byte[] bytes = stream.readNBytes(MAX_OUTPUT);
    stream.transferTo(OutputStream.nullOutputStream());
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
