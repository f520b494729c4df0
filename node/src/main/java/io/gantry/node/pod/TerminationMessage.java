package io.gantry.node.pod;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * {@code state.terminated.message} as the kubelet fills it: the end (at most 4096 bytes) of the
 * file at {@code terminationMessagePath}; with {@code terminationMessagePolicy:
 * FallbackToLogsOnError}, when that is empty and the container failed, the last 80 lines (at most
 * 2048 bytes) of its log. Pods share the host's filesystem, so the path is a host path: only a file
 * written since the container was launched counts, so that a stale file is not reported.
 */
final class TerminationMessage {

  static final int MAX_FILE_BYTES = 4096;
  static final int MAX_LOG_LINES = 80;
  static final int MAX_LOG_BYTES = 2048;

  /** The last lines of the container's log ({@code lines} at most), or null. */
  interface LogTail {
    String read(int lines) throws IOException;
  }

  private TerminationMessage() {}

  /** The message, or an empty string. Blocks on files: call it off the pod manager's loop. */
  static String read(JsonNode container, Instant launchedAt, int exitCode, LogTail log) {
    String message = "";
    String path = container.path("terminationMessagePath").asText("/dev/termination-log");
    try {
      Path file = Path.of(path);
      // coarse kernel timestamps may lag the clock by a tick: allow a second
      if (file.isAbsolute() && Files.isRegularFile(file)
          && !Files.getLastModifiedTime(file).toInstant().isBefore(launchedAt.minusSeconds(1))) {
        message = tail(file, MAX_FILE_BYTES);
      }
    } catch (IOException | RuntimeException e) {
      message = "";
    }
    if (message.isEmpty() && exitCode != 0
        && "FallbackToLogsOnError".equals(container.path("terminationMessagePolicy").asText())) {
      try {
        String text = log.read(MAX_LOG_LINES);
        message = text == null ? "" : lastBytes(text, MAX_LOG_BYTES);
      } catch (IOException e) {
        message = "";
      }
    }
    return message;
  }

  private static String tail(Path file, int max) throws IOException {
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long length = in.length();
      byte[] bytes = new byte[(int) Math.min(length, max)];
      in.seek(length - bytes.length);
      in.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  static String lastBytes(String text, int max) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    if (utf8.length <= max) {
      return text;
    }
    int start = utf8.length - max;
    while (start < utf8.length && (utf8[start] & 0xC0) == 0x80) {
      start++;
    }
    return new String(utf8, start, utf8.length - start, StandardCharsets.UTF_8);
  }
}
