package io.gantry.control.server.auth;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.Optional;

/**
 * RS256 JSON Web Tokens in compact serialization ({@code header.payload.signature}, base64url
 * without padding). The key id is kube-apiserver's {@code keyIDFromPublicKey}: the unpadded
 * base64url SHA-256 of the public key's DER encoding. Immutable and thread-safe.
 */
public final class JwtCodec {
  /** A token longer than this is not one of ours: nothing is decoded (bytes from the network are hostile). */
  static final int MAX_TOKEN_CHARS = 64 * 1024;
  /** go-jose's ErrCryptoFailure, which kube-apiserver passes on for a bad signature. */
  static final String CRYPTO_FAILURE = "go-jose/go-jose: error in cryptographic primitive";

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private final PrivateKey privateKey;
  private final RSAPublicKey publicKey;
  private final String keyId;

  public JwtCodec(PrivateKey privateKey, RSAPublicKey publicKey) {
    this.privateKey = requireNonNull(privateKey, "privateKey");
    this.publicKey = requireNonNull(publicKey, "publicKey");
    try {
      this.keyId = ENCODER.encodeToString(MessageDigest.getInstance("SHA-256").digest(publicKey.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }

  public String keyId() {
    return keyId;
  }

  /** The signed token carrying {@code claims}. */
  public String sign(ObjectNode claims) {
    ObjectNode header = Json.object();
    header.put("alg", "RS256");
    header.put("kid", keyId);
    String signingInput = encode(Json.bytes(header)) + "." + encode(Json.bytes(claims));
    try {
      Signature signature = Signature.getInstance("SHA256withRSA");
      signature.initSign(privateKey);
      signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + encode(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a token: " + e.getMessage(), e);
    }
  }

  /** The claims of a token in compact serialization, unverified; empty when it is not a JWT at all. */
  public static Optional<ObjectNode> unverifiedClaims(String token) {
    if (token == null || token.length() > MAX_TOKEN_CHARS) {
      return Optional.empty();
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      Json.parseObject(DECODER.decode(parts[0]));
      return Optional.of(Json.parseObject(DECODER.decode(parts[1])));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Whether {@code token} (a JWT, as {@link #unverifiedClaims} accepted) is RS256-signed with this key. */
  public boolean verifies(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      return false;
    }
    try {
      ObjectNode header = Json.parseObject(DECODER.decode(parts[0]));
      if (!header.path("alg").asText("").equals("RS256")) {
        return false;
      }
      Signature signature = Signature.getInstance("SHA256withRSA");
      signature.initVerify(publicKey);
      signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      return signature.verify(DECODER.decode(parts[2]));
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private static String encode(byte[] bytes) {
    return ENCODER.encodeToString(bytes);
  }
}
