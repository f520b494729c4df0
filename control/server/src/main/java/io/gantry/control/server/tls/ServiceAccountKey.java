package io.gantry.control.server.tls;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;

/**
 * The service-account signing key, kube-apiserver's {@code --service-account-signing-key-file}: an
 * RSA 2048 key pair whose private half is {@code sa.key} (PKCS#8 PEM, 0600) beside the CA, created
 * on first start and reused, so that tokens issued before a restart stay valid. Immutable.
 */
public final class ServiceAccountKey {
  static final String FILE_NAME = "sa.key";
  private static final int RSA_BITS = 2048;

  private final PrivateKey privateKey;
  private final RSAPublicKey publicKey;

  private ServiceAccountKey(PrivateKey privateKey, RSAPublicKey publicKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
  }

  /**
   * Reads {@code dir/sa.key}, or creates it when it does not exist.
   *
   * @throws IllegalStateException when the file exists but does not hold an RSA private key
   */
  public static ServiceAccountKey loadOrCreate(Path dir) {
    requireNonNull(dir, "dir");
    Path file = dir.resolve(FILE_NAME);
    if (Files.exists(file)) {
      PrivateKey stored = Pem.readPrivateKey(file);
      if (!(stored instanceof RSAPrivateCrtKey rsa)) {
        throw new IllegalStateException(file + ": a " + stored.getAlgorithm()
            + " key (expected: an RSA private key; delete the file to generate a new one)");
      }
      return of(rsa);
    }
    ServiceAccountKey created = generate();
    SecureFiles.write(file, Pem.encode(created.privateKey).getBytes(StandardCharsets.US_ASCII), true);
    return created;
  }

  /** A fresh key kept in memory only, for servers without a data directory (tests). */
  public static ServiceAccountKey generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(RSA_BITS);
      KeyPair pair = generator.generateKeyPair();
      return new ServiceAccountKey(pair.getPrivate(), (RSAPublicKey) pair.getPublic());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate an RSA key: " + e.getMessage(), e);
    }
  }

  private static ServiceAccountKey of(RSAPrivateCrtKey key) {
    try {
      RSAPublicKey publicKey = (RSAPublicKey) KeyFactory.getInstance("RSA")
          .generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
      return new ServiceAccountKey(key, publicKey);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot derive the public key: " + e.getMessage(), e);
    }
  }

  public PrivateKey privateKey() {
    return privateKey;
  }

  public RSAPublicKey publicKey() {
    return publicKey;
  }

  @Override
  public String toString() {
    return "ServiceAccountKey[redacted]";
  }
}
