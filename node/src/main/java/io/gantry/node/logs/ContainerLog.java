package io.gantry.node.logs;

import io.gantry.node.PipeThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One container instance's log file in the CRI format the kubelet writes
 * ({@code <RFC3339Nano> <stdout|stderr> <F|P> <text>}), rotated at a size: {@code N.log} is moved
 * to {@code N.log.1} (older ones shift up, the oldest beyond {@code maxFiles} is dropped). Lines
 * longer than 16 KiB are split into partial ({@code P}) records, so one line never holds memory.
 *
 * <p>{@link Listener}s (attached clients) get the bytes as they are read, before they are logged.
 *
 * <p>Concurrency: the stdout and stderr pumps write through one lock.
 */
public final class ContainerLog implements AutoCloseable {

  static final int MAX_LINE = 16 * 1024;

  private final Path file;
  private final long maxBytes;
  private final int maxFiles;
  private OutputStream out;
  private long size;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  /** Gets a container's output as it is read, on the pump's thread: must not block. */
  public interface Listener {
    /** {@code data} read from {@code stream} ({@code stdout} or {@code stderr}). */
    void output(String stream, byte[] data);
  }

  public ContainerLog(Path file, long maxBytes, int maxFiles) throws IOException {
    this.file = file;
    this.maxBytes = maxBytes;
    this.maxFiles = Math.max(0, maxFiles);
    Files.createDirectories(file.getParent());
    this.out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    this.size = Files.size(file);
  }

  /** Copies {@code in} line by line until EOF on a thread of its own (see {@link PipeThreads}). */
  public Thread pump(InputStream in, String stream) {
    return PipeThreads.start("log-" + file.getFileName() + "-" + stream, () -> {
      byte[] line = new byte[MAX_LINE];
      int n = 0;
      byte[] buffer = new byte[8192];
      int r;
      try (in) {
        while ((r = in.read(buffer)) > 0) {
          if (!listeners.isEmpty()) {
            byte[] data = Arrays.copyOf(buffer, r);
            listeners.forEach(listener -> listener.output(stream, data));
          }
          for (int i = 0; i < r; i++) {
            byte b = buffer[i];
            if (b == '\n') {
              write(stream, true, line, n);
              n = 0;
            } else {
              if (n == line.length) {
                write(stream, false, line, n);
                n = 0;
              }
              line[n++] = b;
            }
          }
        }
        if (n > 0) {
          write(stream, true, line, n);
        }
      } catch (IOException e) {
        // the process went away or the log was closed
      }
    });
  }

  public void addListener(Listener listener) {
    listeners.add(listener);
  }

  public void removeListener(Listener listener) {
    listeners.remove(listener);
  }

  private synchronized void write(String stream, boolean full, byte[] text, int length) throws IOException {
    if (out == null) {
      return;
    }
    byte[] prefix = (Instant.now() + " " + stream + (full ? " F " : " P ")).getBytes(StandardCharsets.US_ASCII);
    out.write(prefix);
    out.write(text, 0, length);
    out.write('\n');
    out.flush();
    size += prefix.length + length + 1;
    if (size >= maxBytes) {
      rotate();
    }
  }

  private void rotate() throws IOException {
    out.close();
    for (int i = maxFiles; i >= 1; i--) {
      Path from = i == 1 ? file : sibling(i - 1);
      if (Files.exists(from)) {
        if (i == maxFiles + 1) {
          Files.delete(from);
        } else {
          Files.move(from, sibling(i), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    if (maxFiles == 0) {
      Files.deleteIfExists(file);
    }
    out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE);
    size = 0;
  }

  private Path sibling(int i) {
    return file.resolveSibling(file.getFileName() + "." + i);
  }

  @Override
  public synchronized void close() {
    if (out != null) {
      try {
        out.close();
      } catch (IOException e) {
        // nothing left to save
      }
      out = null;
    }
  }
}
