package io.gantry.control.server.store.sqlite;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.gantry.control.server.store.TxnResult;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Child process for {@link SqliteStoreCrashTest}: creates {@code /crash/<i>} = {@code v<i>} in a
 * tight loop and prints {@code ACK <i> <revision>} only after {@code txn} has returned, until it
 * is killed.
 */
public final class CrashWriterMain {
  private CrashWriterMain() {}

  public static void main(String[] args) {
    PrintStream out = System.out;
    SqliteStore store = SqliteStore.open(Path.of(args[0]));
    for (long i = 0; ; i++) {
      TxnResult result = store.create("/crash/" + i, ("v" + i).getBytes(UTF_8));
      if (!result.succeeded()) {
        System.err.println("create /crash/" + i + " failed: " + result);
        System.exit(2);
      }
      out.println("ACK " + i + " " + result.revision());
      out.flush();
    }
  }
}
