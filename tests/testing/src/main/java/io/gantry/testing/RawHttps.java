package io.gantry.testing;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLSocket;

/**
 * One TLS connection to the API with bytes written by hand, for what no well-behaved client sends
 * (truncated requests, oversized headers, reuse of a connection after a watch). Reads HTTP/1.1
 * responses with a Content-Length or chunked body; not thread-safe.
 */
public final class RawHttps implements AutoCloseable {

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RawHttps(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /** A TLS connection to {@code gantry}'s API port trusting its CA; reads time out after 15 s. */
  public static RawHttps connect(GantryProcess gantry) {
    requireNonNull(gantry, "gantry");
    try {
      SSLSocket socket = (SSLSocket) ApiClient.trusting(gantry.caFile()).getSocketFactory().createSocket();
      socket.connect(new InetSocketAddress("127.0.0.1", gantry.port()), 5_000);
      socket.setSoTimeout(15_000);
      socket.startHandshake();
      return new RawHttps(socket);
    } catch (IOException e) {
      throw new UncheckedIOException("TLS connection to " + gantry.url(), e);
    }
  }

  /** Writes {@code text} (ISO-8859-1, as HTTP/1.1 heads are) and flushes. */
  public RawHttps send(String text) {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Writes {@code bytes} and flushes. */
  public RawHttps send(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException("write", e);
    }
  }

  /**
   * Writes {@code text} like {@link #send(String)} but reports, instead of throwing, that the server
   * closed the connection before taking all of it (it may still have answered: read next).
   */
  public boolean trySend(String text) {
    try {
      out.write(text.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Closes the sending half (TLS close_notify is not sent; the TCP stream ends). */
  public void shutdownOutput() {
    try {
      socket.shutdownOutput();
    } catch (IOException | UnsupportedOperationException e) {
      // SSLSocket may refuse half-close; the caller then simply stops writing
    }
  }

  /**
   * Reads one response; returns {@code null} if the server closed the connection (or reset it)
   * before sending a status line.
   */
  public Response readResponse() {
    try {
      Response head = head();
      if (head == null) {
        return null;
      }
      byte[] body;
      if ("chunked".equalsIgnoreCase(head.headers().get("transfer-encoding"))) {
        body = readChunked();
      } else if (head.headers().containsKey("content-length")) {
        body = in.readNBytes(Integer.parseInt(head.headers().get("content-length")));
      } else {
        body = in.readAllBytes();
      }
      return new Response(head.status(), head.headers(), new String(body, StandardCharsets.UTF_8));
    } catch (SocketException | javax.net.ssl.SSLException e) {
      return null; // closed or reset mid-read: no answer
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no complete response within 15 s", e);
    } catch (IOException e) {
      throw new UncheckedIOException("read", e);
    }
  }

  /**
   * Reads only a status line and headers (for {@code 101 Switching Protocols}, after which the
   * connection speaks another protocol); returns {@code null} if the server closed it first.
   */
  public Response readHead() {
    try {
      return head();
    } catch (SocketException | javax.net.ssl.SSLException e) {
      return null;
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no response head within 15 s", e);
    } catch (IOException e) {
      throw new UncheckedIOException("read", e);
    }
  }

  /** The status line and headers, with an empty body; null at end of stream. */
  private Response head() throws IOException {
    String statusLine = readLine();
    if (statusLine == null) {
      return null;
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line; (line = readLine()) != null && !line.isEmpty(); ) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
      }
    }
    return new Response(Integer.parseInt(statusLine.split(" ", 3)[1]), headers, "");
  }

  /** Whether the server closed the connection: a read returns end-of-stream (or a reset) in time. */
  public boolean closedByServer() {
    try {
      return in.read() == -1;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  private byte[] readChunked() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = readLine();
      if (sizeLine == null) {
        throw new IOException("connection closed inside a chunked body");
      }
      int size = Integer.parseInt(sizeLine.split(";", 2)[0].trim(), 16);
      if (size == 0) {
        for (String trailer; (trailer = readLine()) != null && !trailer.isEmpty(); ) {
          // trailers are ignored
        }
        return body.toByteArray();
      }
      body.write(in.readNBytes(size));
      readLine();
    }
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b; (b = in.read()) != -1; ) {
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  /** A status, lower-cased header names, and the body. */
  public record Response(int status, Map<String, String> headers, String body) {}
}
