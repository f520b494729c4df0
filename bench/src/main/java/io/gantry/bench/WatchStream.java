package io.gantry.bench;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One watch as one TLS connection with a minimal HTTP/1.1 client: a GET, then the response's
 * body read as newline-delimited JSON, chunked or not. Each complete line is handed to a
 * {@link LineSink} with {@link System#nanoTime()} taken when its last byte was read, before any
 * parsing, so the time is as close to arrival as a blocking reader gets.
 *
 * <p>Why not {@code java.net.http.HttpClient}: it funnels every connection through one selector
 * thread and hands bodies over in batches, which would put the client's own queueing into the
 * latencies; a socket per watch read on its own virtual thread also makes "N watches means N
 * connections" true by construction.
 *
 * <p>Bytes from the server are bounded: status and header lines to 8 KiB, the header section
 * to 100 lines, chunks and lines to 16 MiB; anything else is an {@link IOException}.
 *
 * <p>Concurrency: {@link #open} and {@link #readLines} run on one thread; {@link #close} may be
 * called from any thread to make a blocked read fail.
 */
final class WatchStream implements Closeable {

  /** Receives lines (without the newline); return false to stop reading. */
  interface LineSink {
    boolean onLine(byte[] line, int length, long receivedNanos);
  }

  private static final int MAX_HEADER_LINE = 8 * 1024;
  private static final int MAX_HEADERS = 100;
  private static final int MAX_CHUNK = 16 * 1024 * 1024;
  private static final int MAX_LINE = 16 * 1024 * 1024;

  private final SSLSocket socket;
  private final InputStream in;
  private boolean chunked;
  private long handshakeNanos;
  private long headNanos;

  private WatchStream(SSLSocket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
  }

  /**
   * Connects, sends {@code GET path}, and reads the response head; returns once the server has
   * answered 200, throws with the status and body otherwise.
   */
  static WatchStream open(ApiClient api, String pathAndQuery, int timeoutMillis) throws IOException {
    URI base = api.base();
    SSLSocket socket = (SSLSocket) api.tls().getSocketFactory().createSocket();
    WatchStream stream = null;
    try {
      long t0 = System.nanoTime();
      socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), timeoutMillis);
      socket.setSoTimeout(timeoutMillis);
      socket.setTcpNoDelay(true);
      SSLParameters params = socket.getSSLParameters();
      params.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name 127.0.0.1
      socket.setSSLParameters(params);
      socket.startHandshake();
      long t1 = System.nanoTime();
      stream = new WatchStream(socket);
      stream.request(base, pathAndQuery, api.authorization());
      stream.handshakeNanos = t1 - t0;
      stream.headNanos = System.nanoTime() - t1;
      return stream;
    } finally {
      if (stream == null) {
        socket.close();
      }
    }
  }

  private void request(URI base, String pathAndQuery, String authorization) throws IOException {
    String head = "GET " + pathAndQuery + " HTTP/1.1\r\n"
        + "Host: " + base.getHost() + ":" + base.getPort() + "\r\n"
        + "Authorization: " + authorization + "\r\n"
        + "Accept: application/json\r\n"
        + "User-Agent: gantry-bench\r\n"
        + "\r\n";
    OutputStream out = socket.getOutputStream();
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.flush();

    String status = readCrlfLine(in, MAX_HEADER_LINE);
    String[] parts = status.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP/1.x status line: " + abbreviate(status));
    }
    long contentLength = -1;
    for (int i = 0; ; i++) {
      if (i == MAX_HEADERS) {
        throw new IOException("more than " + MAX_HEADERS + " response headers");
      }
      String line = readCrlfLine(in, MAX_HEADER_LINE);
      if (line.isEmpty()) {
        break;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IOException("malformed header: " + abbreviate(line));
      }
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      if (name.equals("transfer-encoding")) {
        chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
      } else if (name.equals("content-length")) {
        contentLength = parseLength(value);
      }
    }
    if (!parts[1].equals("200")) {
      byte[] body = chunked ? readFirstChunk(4096) : in.readNBytes((int) Math.min(4096, Math.max(0, contentLength)));
      throw new IOException("watch " + pathAndQuery + ": HTTP " + parts[1] + " "
          + abbreviate(new String(body, StandardCharsets.UTF_8)));
    }
  }

  /** Time spent connecting and in the TLS handshake. */
  long handshakeNanos() {
    return handshakeNanos;
  }

  /** Time from sending the request to having read the 200 response head. */
  long headNanos() {
    return headNanos;
  }

  /** Sets the read timeout of the body (0 = none). */
  void setReadTimeout(int millis) throws IOException {
    socket.setSoTimeout(millis);
  }

  /**
   * Reads lines until the sink says stop, the server ends the body (returns normally), or the
   * stream fails or is {@linkplain #close closed} (throws).
   */
  void readLines(LineSink sink) throws IOException {
    LineAssembler lines = new LineAssembler(sink);
    byte[] buf = new byte[16 * 1024];
    if (!chunked) {
      for (int n; (n = in.read(buf)) >= 0; ) {
        if (!lines.feed(buf, n)) {
          return;
        }
      }
      return;
    }
    while (true) {
      long size = parseChunkSize(readCrlfLine(in, MAX_HEADER_LINE));
      if (size == 0) {
        return; // last chunk: the server ended the watch
      }
      long remaining = size;
      while (remaining > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, remaining));
        if (n < 0) {
          throw new EOFException("connection closed inside a chunk");
        }
        remaining -= n;
        if (!lines.feed(buf, n)) {
          return;
        }
      }
      if (!readCrlfLine(in, 2).isEmpty()) {
        throw new IOException("chunk not followed by CRLF");
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** The first chunk of an error body (at most {@code max} bytes) says enough. */
  private byte[] readFirstChunk(int max) throws IOException {
    long size = parseChunkSize(readCrlfLine(in, MAX_HEADER_LINE));
    return in.readNBytes((int) Math.min(size, max));
  }

  private static long parseChunkSize(String line) throws IOException {
    int semi = line.indexOf(';');
    String hex = (semi >= 0 ? line.substring(0, semi) : line).trim();
    long size;
    try {
      size = Long.parseLong(hex, 16);
    } catch (NumberFormatException e) {
      throw new IOException("bad chunk size: " + abbreviate(line));
    }
    if (size < 0 || size > MAX_CHUNK) {
      throw new IOException("chunk size " + size + " (expected: 0.." + MAX_CHUNK + ")");
    }
    return size;
  }

  private static long parseLength(String value) throws IOException {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IOException("bad content-length: " + abbreviate(value));
    }
  }

  /** Reads up to CRLF (or bare LF), which is dropped; at most {@code max} bytes. */
  private static String readCrlfLine(InputStream in, int max) throws IOException {
    StringBuilder line = new StringBuilder();
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed mid-line");
      }
      if (b == '\n') {
        int len = line.length();
        if (len > 0 && line.charAt(len - 1) == '\r') {
          line.setLength(len - 1);
        }
        return line.toString();
      }
      if (line.length() >= max + 1) {
        throw new IOException("line longer than " + max + " bytes");
      }
      line.append((char) b);
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  /** Splits a byte stream into lines, reusing one buffer. */
  private static final class LineAssembler {
    private final LineSink sink;
    private byte[] line = new byte[4096];
    private int length;

    LineAssembler(LineSink sink) {
      this.sink = sink;
    }

    boolean feed(byte[] buf, int n) throws IOException {
      for (int i = 0; i < n; i++) {
        byte b = buf[i];
        if (b == '\n') {
          long now = System.nanoTime();
          int len = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
          length = 0;
          if (len > 0 && !sink.onLine(line, len, now)) {
            return false;
          }
          continue;
        }
        if (length == line.length) {
          if (length >= MAX_LINE) {
            throw new IOException("watch event longer than " + MAX_LINE + " bytes");
          }
          line = Arrays.copyOf(line, Math.min(MAX_LINE, length * 2));
        }
        line[length++] = b;
      }
      return true;
    }
  }
}
