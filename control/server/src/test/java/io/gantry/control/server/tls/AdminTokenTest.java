package io.gantry.control.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminTokenTest {
  @TempDir Path dir;

  @Test
  void createsA32ByteUrlSafeTokenInAnOwnerOnlyFile() throws Exception {
    AdminToken token = AdminToken.loadOrCreate(dir);

    assertTrue(token.value().matches("[A-Za-z0-9_-]{43}"), token.value());
    assertEquals(32, Base64.getUrlDecoder().decode(token.value()).length);
    Path file = dir.resolve("admin.token");
    assertEquals(token.value(), Files.readString(file).strip());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }

  @Test
  void secondLoadReusesTheStoredToken() {
    AdminToken first = AdminToken.loadOrCreate(dir);

    AdminToken second = AdminToken.loadOrCreate(dir);

    assertEquals(first.value(), second.value());
  }

  @Test
  void differentDirectoriesGetDifferentTokens(@TempDir Path other) {
    assertNotEquals(AdminToken.loadOrCreate(dir).value(), AdminToken.loadOrCreate(other).value());
  }

  @Test
  void matchesOnlyTheExactToken() {
    AdminToken token = AdminToken.loadOrCreate(dir);
    String value = token.value();

    assertTrue(token.matches(value));
    assertTrue(token.matches(new String(value.toCharArray())), "compares content, not identity");
    assertFalse(token.matches(null));
    assertFalse(token.matches(""));
    assertFalse(token.matches(value.substring(1)));
    assertFalse(token.matches(value + "x"));
    assertFalse(token.matches(value.substring(0, 42) + (value.charAt(42) == 'A' ? 'B' : 'A')));
    assertFalse(token.matches(value.toUpperCase()) && !value.equals(value.toUpperCase()));
  }

  @Test
  void aHandWrittenTokenIsKept() throws Exception {
    Files.writeString(dir.resolve("admin.token"), "my-own.token~1\n");

    assertEquals("my-own.token~1", AdminToken.loadOrCreate(dir).value());
  }

  @Test
  void aFileThatHoldsNoTokenIsAnError() throws Exception {
    Files.writeString(dir.resolve("admin.token"), "two words\n");

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> AdminToken.loadOrCreate(dir));

    assertTrue(e.getMessage().contains("admin.token: not a bearer token"), e.getMessage());
    assertEquals("two words\n", Files.readString(dir.resolve("admin.token")), "left alone");
  }

  @Test
  void toStringDoesNotLeakTheToken() {
    AdminToken token = AdminToken.loadOrCreate(dir);

    assertFalse(token.toString().contains(token.value()));
  }
}
