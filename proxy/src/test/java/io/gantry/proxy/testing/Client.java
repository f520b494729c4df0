package io.gantry.proxy.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A line-oriented test client of {@link Backend} through the proxy. */
public final class Client implements AutoCloseable {

  public final Socket socket;
  private final BufferedReader in;

  public Client(String address, int port) throws IOException {
    this(address, port, null);
  }

  public Client(String address, int port, String from) throws IOException {
    socket = new Socket();
    socket.setSoTimeout(5000);
    if (from != null) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
    }
    socket.connect(new InetSocketAddress(InetAddress.getByName(address), port), 5000);
    in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
  }

  /** The backend's greeting: its name. */
  public String hello() throws IOException {
    return in.readLine();
  }

  public String echo(String line) throws IOException {
    socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
    socket.getOutputStream().flush();
    return in.readLine();
  }

  public String readLine() throws IOException {
    return in.readLine();
  }

  /** Connects, reads the greeting and closes: which backend served. */
  public static String whoServes(String address, int port) throws IOException {
    return whoServes(address, port, null);
  }

  public static String whoServes(String address, int port, String from) throws IOException {
    try (Client c = new Client(address, port, from)) {
      return c.hello();
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
