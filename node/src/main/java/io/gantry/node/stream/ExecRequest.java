package io.gantry.node.stream;

import java.util.List;
import java.util.Map;

/**
 * The query of {@code /exec/{ns}/{pod}/{container}} as the API server passes it on:
 * {@code command} (repeated), {@code stdin}, {@code stdout}, {@code stderr}, {@code tty}.
 *
 * @param command the command and its arguments; empty for an attach
 * @param stdin   whether the client sends standard input
 * @param stdout  whether the client wants standard output
 * @param stderr  whether the client wants standard error (ignored with a terminal, which merges it)
 * @param tty     whether the command runs on a terminal
 */
record ExecRequest(List<String> command, boolean stdin, boolean stdout, boolean stderr, boolean tty) {

  /** Parses the query; throws IllegalArgumentException with the client's mistake. */
  static ExecRequest parse(Map<String, List<String>> query) {
    List<String> command = query.getOrDefault("command", List.of());
    if (command.isEmpty() || command.get(0).isEmpty()) {
      throw new IllegalArgumentException("you must specify at least 1 command (query parameter: command)");
    }
    return withStreams(List.copyOf(command), query);
  }

  /** Parses the query of {@code /attach/{ns}/{pod}/{container}}: the streams, no command. */
  static ExecRequest parseAttach(Map<String, List<String>> query) {
    return withStreams(List.of(), query);
  }

  private static ExecRequest withStreams(List<String> command, Map<String, List<String>> query) {
    boolean stdin = flag(query, "stdin");
    boolean stdout = flag(query, "stdout");
    boolean stderr = flag(query, "stderr");
    boolean tty = flag(query, "tty");
    if (!stdin && !stdout && !stderr) {
      throw new IllegalArgumentException("you must specify at least 1 of stdin, stdout, stderr");
    }
    return new ExecRequest(command, stdin, stdout, stderr && !tty, tty);
  }

  private static boolean flag(Map<String, List<String>> query, String name) {
    List<String> values = query.get(name);
    if (values == null || values.isEmpty()) {
      return false;
    }
    String v = values.get(0);
    return v.isEmpty() || v.equals("1") || v.equalsIgnoreCase("true");
  }
}
