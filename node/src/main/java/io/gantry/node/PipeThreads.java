package io.gantry.node;

/**
 * Threads that block on a process's pipes: platform threads, never virtual ones. A virtual thread
 * blocked reading or writing a pipe holds its carrier thread; the JDK lends the scheduler a spare
 * carrier meanwhile, but (measured on JDK 25) lets the spare go after 30 s without work. With as many
 * such readers as CPUs (one container's stdout and stderr on a 2-CPU node) no other virtual thread
 * ran again: the agent stopped seeing its pods and answering exec.
 */
public final class PipeThreads {
  private static final long STACK_BYTES = 256 * 1024;

  private PipeThreads() {}

  /** Starts {@code task} on a daemon platform thread named {@code name}. */
  public static Thread start(String name, Runnable task) {
    return Thread.ofPlatform().daemon().name(name).stackSize(STACK_BYTES).start(task);
  }
}
