package io.gantry.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An open watch: one daemon thread reads the chunked stream line by line and queues each event;
 * the test takes them with a deadline. Concurrency: the queue is the only shared state; the end of
 * the stream is queued as a marker so {@link #awaitEnd} sees it in order after the last event.
 */
public final class WatchStream implements AutoCloseable {

  private static final Object END = new Object();

  private final String path;
  private final InputStream body;
  private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final List<JsonNode> seen = new ArrayList<>();

  private WatchStream(String path, InputStream body) {
    this.path = path;
    this.body = body;
  }

  static WatchStream reading(String path, InputStream body) {
    WatchStream stream = new WatchStream(path, body);
    Thread reader = new Thread(stream::readLines, "watch-reader " + path);
    reader.setDaemon(true);
    reader.start();
    return stream;
  }

  private void readLines() {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      for (String line; (line = reader.readLine()) != null; ) {
        if (!line.isBlank()) {
          queue.add(line);
        }
      }
    } catch (IOException e) {
      // closed by the test or by the server: both simply end the stream
    } finally {
      queue.add(END);
    }
  }

  /** The next event ({@code {"type":…,"object":…}}); fails if none arrives within {@code timeout}. */
  public JsonNode next(Duration timeout) {
    Object item = poll(timeout);
    if (item == null) {
      throw new AssertionError("no watch event within " + timeout + " on " + path + "; seen so far: " + seen);
    }
    if (item == END) {
      queue.add(END);
      throw new AssertionError("watch " + path + " ended; seen so far: " + seen);
    }
    JsonNode event = Json.parse((String) item);
    seen.add(event);
    return event;
  }

  /** Whether the server ends the stream within {@code timeout}; events before the end are skipped. */
  public boolean awaitEnd(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Object item = poll(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
      if (item == null) {
        return false;
      }
      if (item == END) {
        queue.add(END);
        return true;
      }
      seen.add(Json.parse((String) item));
    }
  }

  /** Events taken so far, for failure messages. */
  public List<JsonNode> seen() {
    return List.copyOf(seen);
  }

  private Object poll(Duration timeout) {
    try {
      return queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public void close() {
    try {
      body.close();
    } catch (IOException e) {
      // nothing to do: the reader thread ends either way
    }
  }
}
