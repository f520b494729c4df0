package io.gantry.cni.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Sha256Test {
  @Test
  void knownAnswers() {
    assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", hex(""));
    assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", hex("abc"));
    assertEquals("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
        hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"));
  }

  @Test
  void agreesWithTheJdkAcrossBlockBoundaries() throws Exception {
    Random random = new Random(42);
    for (int length = 0; length <= 200; length++) {
      byte[] message = new byte[length];
      random.nextBytes(message);
      assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(message), Sha256.digest(message), "length " + length);
    }
  }

  @Test
  void vethNameIsTheSha256Prefix() throws Exception {
    byte[] digest = MessageDigest.getInstance("SHA-256").digest("abc\0eth0".getBytes(StandardCharsets.UTF_8));
    assertEquals("gv" + HexFormat.of().formatHex(digest, 0, 6), BridgePlugin.hostVethName("abc", "eth0"));
  }

  private static String hex(String text) {
    return HexFormat.of().formatHex(Sha256.digest(text.getBytes(StandardCharsets.UTF_8)));
  }
}
