package io.gantry.node.logs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where container logs live: {@code <dataDir>/logs/<namespace>_<pod>_<uid>/<container>/<restartCount>.log}
 * (and its rotated siblings), as the kubelet lays out {@code /var/log/pods}; and reading them back
 * for {@code kubectl logs} ({@code tailLines}, {@code previous}, {@code timestamps}, {@code sinceTime}).
 *
 * <p>Concurrency: the directory index is a concurrent map; reads go to the files.
 */
public final class LogFiles {

  private final Path root;
  /** namespace/name → pod log directory of the current pod of that name. */
  private final Map<String, Path> pods = new ConcurrentHashMap<>();
  /** namespace/name/container → current restart count. */
  private final Map<String, Integer> current = new ConcurrentHashMap<>();
  /** namespace/name/container of containers whose process runs. */
  private final Set<String> running = ConcurrentHashMap.newKeySet();

  public LogFiles(Path root) {
    this.root = root;
  }

  public Path podDir(String namespace, String name, String uid) {
    Path dir = root.resolve(namespace + "_" + name + "_" + uid);
    pods.put(namespace + "/" + name, dir);
    return dir;
  }

  /** The file of one container instance; older instances than the previous one are removed. */
  public Path containerFile(Path podDir, String namespace, String name, String container, int restartCount)
      throws IOException {
    Path dir = podDir.resolve(container);
    Files.createDirectories(dir);
    current.put(namespace + "/" + name + "/" + container, restartCount);
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        String n = f.getFileName().toString();
        int dot = n.indexOf('.');
        if (dot > 0 && n.substring(0, dot).matches("\\d+") && Integer.parseInt(n.substring(0, dot)) < restartCount - 1) {
          Files.deleteIfExists(f);
        }
      }
    }
    return dir.resolve(restartCount + ".log");
  }

  /** Whether the container's current instance runs: {@code kubectl logs -f} ends when it stops. */
  public void running(String namespace, String name, String container, boolean value) {
    String key = namespace + "/" + name + "/" + container;
    if (value) {
      running.add(key);
    } else {
      running.remove(key);
    }
  }

  /** Receives followed log text; throws when the reader went away. */
  public interface Sink {
    void write(String text) throws IOException;
  }

  /**
   * {@link #read} and then every new line of the container's current instance as it is written,
   * until that instance stops (and its last lines are out) or {@code sink} throws.
   */
  public void follow(String namespace, String name, String container, int tailLines, boolean timestamps,
      Instant since, Sink sink) throws IOException, InterruptedException {
    String key = namespace + "/" + name + "/" + container;
    Path dir = pods.get(namespace + "/" + name);
    Integer count = current.get(key);
    if (dir == null || count == null) {
      return;
    }
    Path file = dir.resolve(container).resolve(count + ".log");
    long pos = Files.exists(file) ? Files.size(file) : 0;
    String initial = read(namespace, name, container, false, tailLines, timestamps, since);
    if (initial != null) {
      sink.write(initial);
    }
    StringBuilder partial = new StringBuilder();
    while (true) {
      boolean stillRunning = running.contains(key) && count.equals(current.get(key));
      long size = Files.exists(file) ? Files.size(file) : 0;
      if (size < pos) {
        pos = 0; // rotated: the current file starts over
      }
      if (size > pos) {
        byte[] bytes;
        try (var channel = java.nio.channels.FileChannel.open(file)) {
          java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) Math.min(size - pos, 1 << 20));
          channel.read(buffer, pos);
          bytes = java.util.Arrays.copyOf(buffer.array(), buffer.position());
        }
        int end = lastNewline(bytes);
        if (end >= 0) {
          pos += end + 1;
          StringBuilder out = new StringBuilder();
          for (String record : new String(bytes, 0, end + 1, StandardCharsets.UTF_8).split("\n")) {
            String line = line(record, timestamps, since, partial);
            if (line != null) {
              out.append(line).append('\n');
            }
          }
          if (!out.isEmpty()) {
            sink.write(out.toString());
          }
          continue;
        }
      }
      if (!stillRunning) {
        return;
      }
      sink.write(""); // notices a reader that went away
      Thread.sleep(200);
    }
  }

  private static int lastNewline(byte[] bytes) {
    for (int i = bytes.length - 1; i >= 0; i--) {
      if (bytes[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** One CRI log record as text, or null while a partial line continues or when it was written before {@code since}. */
  private static String line(String record, boolean timestamps, Instant since, StringBuilder partial) {
    String[] parts = record.split(" ", 4);
    if (parts.length < 3 || since != null && writtenBefore(parts[0], since)) {
      return null;
    }
    String text = parts.length == 4 ? parts[3] : "";
    if ("P".equals(parts[2])) {
      partial.append(text);
      return null;
    }
    String line = (timestamps ? parts[0] + " " : "") + partial + text;
    partial.setLength(0);
    return line;
  }

  private static boolean writtenBefore(String timestamp, Instant since) {
    try {
      return Instant.parse(timestamp).isBefore(since);
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  public void forget(String namespace, String name, Path podDir) {
    pods.remove(namespace + "/" + name, podDir);
    current.keySet().removeIf(k -> k.startsWith(namespace + "/" + name + "/"));
    running.removeIf(k -> k.startsWith(namespace + "/" + name + "/"));
    deleteTree(podDir);
  }

  /** Deletes a directory and everything in it; a leftover is harmless. */
  public static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a leftover log dir is harmless
    }
  }

  /**
   * The log text of a container ({@code container} null: the only one), the last
   * {@code tailLines} lines ({@code < 0}: all) written at or after {@code since} (null: all), of
   * the previous instance when {@code previous}. Null when there is no such log.
   */
  public String read(String namespace, String name, String container, boolean previous, int tailLines,
      boolean timestamps, Instant since) throws IOException {
    Path dir = pods.get(namespace + "/" + name);
    if (dir == null) {
      return null;
    }
    if (container == null || container.isEmpty()) {
      List<String> names = new ArrayList<>();
      try (var list = Files.list(dir)) {
        list.forEach(p -> names.add(p.getFileName().toString()));
      }
      if (names.size() != 1) {
        return null;
      }
      container = names.get(0);
    }
    Integer count = current.get(namespace + "/" + name + "/" + container);
    if (count == null || previous && count == 0) {
      return null;
    }
    int instance = previous ? count - 1 : count;
    Path file = dir.resolve(container).resolve(instance + ".log");
    List<Path> files = new ArrayList<>();
    for (int i = 9; i >= 1; i--) {
      Path rotated = file.resolveSibling(file.getFileName() + "." + i);
      if (Files.exists(rotated)) {
        files.add(rotated);
      }
    }
    if (Files.exists(file)) {
      files.add(file);
    }
    Deque<String> lines = new ArrayDeque<>();
    StringBuilder partial = new StringBuilder();
    for (Path f : files) {
      for (String record : Files.readAllLines(f, StandardCharsets.UTF_8)) {
        String line = line(record, timestamps, since, partial);
        if (line == null) {
          continue;
        }
        lines.addLast(line);
        if (tailLines >= 0 && lines.size() > tailLines) {
          lines.removeFirst();
        }
      }
    }
    StringBuilder out = new StringBuilder();
    for (String line : lines) {
      out.append(line).append('\n');
    }
    return out.toString();
  }
}
