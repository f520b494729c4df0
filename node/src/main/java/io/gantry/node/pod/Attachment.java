package io.gantry.node.pod;

import static java.util.Objects.requireNonNull;

import io.gantry.node.logs.ContainerLog;
import java.io.OutputStream;
import java.util.List;

/**
 * A running container as {@code kubectl attach} reaches it: its output as it is logged, its standard
 * input when the container asked for one ({@code stdin: true}), and its end.
 *
 * @param log       the container's log, whose listeners get its output
 * @param process   the container's process
 * @param pumps     the threads copying its output: done once all of it was handed on
 * @param stdin     the process's standard input, or null without {@code stdin: true}
 * @param stdinOnce whether standard input closes when the first attached client detaches
 */
public record Attachment(ContainerLog log, Process process, List<Thread> pumps, OutputStream stdin,
    boolean stdinOnce) {

  public Attachment {
    requireNonNull(log, "log");
    requireNonNull(process, "process");
    pumps = List.copyOf(pumps);
  }
}
