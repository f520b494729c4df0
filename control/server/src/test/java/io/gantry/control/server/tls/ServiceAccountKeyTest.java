package io.gantry.control.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceAccountKeyTest {

  @TempDir
  Path dir;

  @Test
  void theKeyIsCreatedOnceOwnerOnlyAndReused() throws Exception {
    ServiceAccountKey first = ServiceAccountKey.loadOrCreate(dir);
    ServiceAccountKey again = ServiceAccountKey.loadOrCreate(dir);

    assertEquals(first.publicKey(), again.publicKey());
    assertEquals(first.privateKey(), again.privateKey());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("sa.key"))));
  }

  @Test
  void aFileThatIsNotAKeyIsRefused() throws Exception {
    Files.writeString(dir.resolve("sa.key"), "not pem\n");

    assertThrows(IllegalStateException.class, () -> ServiceAccountKey.loadOrCreate(dir));
  }
}
