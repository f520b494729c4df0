package io.gantry.control.server.tls;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The admin bearer token: 32 random bytes in URL-safe base64 without padding, persisted as
 * {@code admin.token} (0600) in the data dir and reused on restart. Immutable; {@link #toString()}
 * never shows the value.
 */
public final class AdminToken {
  static final String FILE_NAME = "admin.token";
  private static final int RANDOM_BYTES = 32;
  /** What a bearer token may contain (RFC 6750 b64token), so a hand-edited file cannot smuggle in headers. */
  private static final Pattern B64TOKEN = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String value;
  private final byte[] bytes;

  private AdminToken(String value) {
    this.value = value;
    this.bytes = value.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Reads {@code dir/admin.token}, or creates it with a fresh random token when it does not exist.
   *
   * @throws IllegalStateException when the file exists but does not hold a token
   */
  public static AdminToken loadOrCreate(Path dir) {
    requireNonNull(dir, "dir");
    Path file = dir.resolve(FILE_NAME);
    try {
      String stored = Files.readString(file, StandardCharsets.US_ASCII).strip();
      if (!B64TOKEN.matcher(stored).matches()) {
        throw new IllegalStateException(file + ": not a bearer token"
            + " (expected: one line of base64url characters; delete the file to generate a new token)");
      }
      return new AdminToken(stored);
    } catch (NoSuchFileException e) {
      byte[] random = new byte[RANDOM_BYTES];
      RANDOM.nextBytes(random);
      String value = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      SecureFiles.write(file, (value + "\n").getBytes(StandardCharsets.US_ASCII), true);
      return new AdminToken(value);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  public String value() {
    return value;
  }

  /** Whether {@code presented} is this token; takes the same time wherever the first difference is. */
  public boolean matches(String presented) {
    if (presented == null) {
      return false;
    }
    // MessageDigest.isEqual runs in time that depends only on the length of its first argument.
    return MessageDigest.isEqual(bytes, presented.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "AdminToken[redacted]";
  }
}
