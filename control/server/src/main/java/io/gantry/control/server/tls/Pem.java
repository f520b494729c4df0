package io.gantry.control.server.tls;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/** PEM encoding and decoding of one certificate or one private key (PKCS#8, unencrypted). */
final class Pem {
  private Pem() {}

  static String encode(X509Certificate certificate) {
    return write(certificate);
  }

  static String encode(PrivateKey key) {
    try {
      return write(new JcaPKCS8Generator(key, null));
    } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
      throw new IllegalStateException("cannot encode private key: " + e.getMessage(), e);
    }
  }

  static X509Certificate readCertificate(Path file) {
    Object object = readFirst(file);
    if (!(object instanceof X509CertificateHolder holder)) {
      throw new IllegalStateException(file + ": " + describe(object) + " (expected: a PEM CERTIFICATE)");
    }
    try {
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (CertificateException e) {
      throw new IllegalStateException(file + ": unreadable certificate: " + e.getMessage(), e);
    }
  }

  static PrivateKey readPrivateKey(Path file) {
    Object object = readFirst(file);
    try {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (object instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (object instanceof PEMKeyPair pair) {
        // Accept the traditional "EC PRIVATE KEY" form too, as written by openssl ecparam.
        return converter.getKeyPair(pair).getPrivate();
      }
    } catch (IOException e) {
      throw new IllegalStateException(file + ": unreadable private key: " + e.getMessage(), e);
    }
    throw new IllegalStateException(file + ": " + describe(object) + " (expected: a PEM PRIVATE KEY)");
  }

  private static String write(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static Object readFirst(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    try (PEMParser parser = new PEMParser(new StringReader(text))) {
      return parser.readObject();
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(file + ": not valid PEM: " + e.getMessage(), e);
    }
  }

  private static String describe(Object object) {
    return object == null ? "no PEM object found" : "found " + object.getClass().getSimpleName();
  }
}
