package io.gantry.cli;

import java.io.IOException;
import java.io.InputStream;

/**
 * Lets a daemon that {@code gantry up} started stop when {@code gantry up} is gone, however it ended:
 * the daemon's standard input is a pipe from it, whose end the kernel closes when it dies, even by
 * SIGKILL. Only when {@value #ENV} is set (by {@code gantry up}), so a daemon run by an operator with
 * its input closed is not affected.
 */
public final class ParentWatch {

  public static final String ENV = "GANTRY_STOP_AT_STDIN_EOF";

  private ParentWatch() {}

  /** When asked to, watches standard input on a daemon thread and exits (running shutdown hooks) at its end. */
  static void startIfAsked() {
    if (!"1".equals(System.getenv(ENV))) {
      return;
    }
    Thread watch = new Thread(() -> {
      byte[] buffer = new byte[256];
      try (InputStream in = System.in) {
        while (in.read(buffer) >= 0) {
          // gantry up writes nothing; read until its end of the pipe closes
        }
      } catch (IOException e) {
        // a broken pipe ends it as well
      }
      System.err.println("gantry up is gone (standard input closed); stopping");
      System.exit(0);
    }, "parent-watch");
    watch.setDaemon(true);
    watch.start();
  }
}
