package io.gantry.cni.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
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

/** The server in this JVM: callers that stall are cut off, and more of them than it runs at once only wait. */
class CniServerTest {
  @TempDir Path temp;

  @Test
  void stalledCallersAreCutOffAndTheServerGoesOnServing() throws Exception {
    ByteArrayOutputStream logged = new ByteArrayOutputStream();
    PrintStream log = new PrintStream(logged, true, StandardCharsets.UTF_8);
    Path pointer = temp.resolve("gantry-cni.server");
    try (CniServer server = CniServer.start(pointer, log, Duration.ofMillis(300))) {
      String[] fields = Files.readString(pointer).strip().split(" ");
      assertEquals(Integer.toString(server.port()), fields[0]);
      List<Socket> stalled = new ArrayList<>();
      try {
        for (int i = 0; i < CniServer.MAX_CALLS + 6; i++) {
          Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), server.port());
          socket.getOutputStream().write((fields[2] + "\nCNI_COMMAND=VER").getBytes(StandardCharsets.US_ASCII));
          stalled.add(socket);
        }
        try (Socket caller = new Socket(InetAddress.getByName("127.0.0.1"), server.port())) {
          caller.setSoTimeout(20_000);
          OutputStream out = caller.getOutputStream();
          out.write((fields[2] + "\nCNI_COMMAND=VERSION\tstdin=\t\n").getBytes(StandardCharsets.US_ASCII));
          String answer = new String(caller.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
          assertTrue(answer.startsWith("gantry-cni/1 " + fields[1] + "\n0\n{\"cniVersion\":\"1.1.0\""), answer);
        }
        for (Socket socket : stalled) {
          socket.setSoTimeout(20_000);
          InputStream in = socket.getInputStream();
          String greeting = new String(in.readNBytes(("gantry-cni/1 " + fields[1] + "\n").length()),
              StandardCharsets.US_ASCII);
          assertEquals("gantry-cni/1 " + fields[1] + "\n", greeting);
          assertEquals(-1, in.read(), "closed without an answer");
        }
      } finally {
        for (Socket socket : stalled) {
          socket.close();
        }
      }
      assertTrue(logged.toString(StandardCharsets.UTF_8).contains("not sent within 300 ms"), logged.toString());
    }
    assertFalse(Files.exists(pointer), "a stopped server removes its pointer");
  }
}
