package io.gantry.cni.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server in this JVM: connections that never send the token, and proven callers that stall, are cut
 * off; neither keeps a real call waiting; the pointer names this process.
 */
class CniServerTest {
  @TempDir Path temp;

  private static Socket connect(int port) throws Exception {
    Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), port);
    socket.setSoTimeout(20_000);
    return socket;
  }

  @Test
  void strangersAndStalledCallersHoldNothingUp() throws Exception {
    ByteArrayOutputStream logged = new ByteArrayOutputStream();
    PrintStream log = new PrintStream(logged, true, StandardCharsets.UTF_8);
    Path pointer = temp.resolve("gantry-cni.server");
    try (CniServer server = CniServer.start(pointer, log, Duration.ofMillis(300), Duration.ofMillis(600))) {
      String[] fields = Files.readString(pointer).strip().split(" ");
      assertEquals(List.of(Integer.toString(server.port()), Long.toString(ProcessHandle.current().pid())),
          List.of(fields[0], fields[3]), "port and this process's PID (and its start time) in the pointer");
      String greeting = "gantry-cni/1 " + fields[1] + "\n";
      List<Socket> held = new ArrayList<>();
      try {
        for (int i = 0; i < CniServer.MAX_CALLS + 6; i++) {
          Socket stalled = connect(server.port());
          stalled.getOutputStream().write((fields[2] + "\nCNI_COMMAND=VER").getBytes(StandardCharsets.US_ASCII));
          held.add(stalled);
        }
        Thread.sleep(100); // proven: they no longer count against the strangers' limit
        for (int i = 0; i < CniServer.MAX_UNPROVEN + 20; i++) {
          held.add(connect(server.port())); // never send a token
        }
        long start = System.nanoTime();
        String answer = "";
        while (!answer.startsWith(greeting) && System.nanoTime() - start < 10_000_000_000L) {
          try (Socket caller = connect(server.port())) {
            caller.getOutputStream().write((fields[2] + "\nCNI_COMMAND=VERSION\tstdin=\t\n")
                .getBytes(StandardCharsets.US_ASCII));
            answer = new String(caller.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
          } catch (java.net.SocketException reset) {
            answer = ""; // closed at once while too many strangers wait: the launcher would run the call itself
          }
        }
        assertTrue(answer.startsWith(greeting + "0\n{\"cniVersion\":\"1.1.0\""), answer);
        assertTrue(System.nanoTime() - start < 2_000_000_000L, "answered within the token deadline of the strangers");
        for (Socket socket : held) {
          InputStream in = socket.getInputStream();
          byte[] got = in.readAllBytes();
          String text = new String(got, StandardCharsets.US_ASCII);
          assertTrue(text.isEmpty() || text.equals(greeting), "cut off without an answer: " + text);
        }
      } finally {
        for (Socket socket : held) {
          socket.close();
        }
      }
      String text = logged.toString(StandardCharsets.UTF_8);
      assertTrue(text.contains("not sent within 600 ms"), text);
      assertTrue(text.lines().filter(line -> line.contains("before the client token") || line.contains("have not sent"))
          .count() <= 2, "refusals are logged at most once per interval: " + text);
    }
    assertFalse(Files.exists(pointer), "a stopped server removes its pointer");
  }
}
