package io.gantry.node.logs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where container logs live: {@code <dataDir>/logs/<namespace>_<pod>_<uid>/<container>/<restartCount>.log}
 * (and its rotated siblings), as the kubelet lays out {@code /var/log/pods}; and reading them back
 * for {@code kubectl logs} ({@code tailLines}, {@code previous}, {@code timestamps}).
 *
 * <p>Concurrency: the directory index is a concurrent map; reads go to the files.
 */
public final class LogFiles {

  private final Path root;
  /** namespace/name → pod log directory of the current pod of that name. */
  private final Map<String, Path> pods = new ConcurrentHashMap<>();
  /** namespace/name/container → current restart count. */
  private final Map<String, Integer> current = new ConcurrentHashMap<>();

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

  public void forget(String namespace, String name, Path podDir) {
    pods.remove(namespace + "/" + name, podDir);
    current.keySet().removeIf(k -> k.startsWith(namespace + "/" + name + "/"));
    try (var walk = Files.walk(podDir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a leftover log dir is harmless
    }
  }

  /**
   * The log text of a container ({@code container} null: the only one), the last
   * {@code tailLines} lines ({@code < 0}: all), of the previous instance when {@code previous}.
   * Null when there is no such log.
   */
  public String read(String namespace, String name, String container, boolean previous, int tailLines,
      boolean timestamps) throws IOException {
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
        String[] parts = record.split(" ", 4);
        if (parts.length < 3) {
          continue;
        }
        String text = parts.length == 4 ? parts[3] : "";
        if ("P".equals(parts[2])) {
          partial.append(text);
          continue;
        }
        String line = (timestamps ? parts[0] + " " : "") + partial + text;
        partial.setLength(0);
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
