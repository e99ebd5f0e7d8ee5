package org.witrpc.transport.tcp.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks of the PEM files of a TLS setting that the TLS library does not make, or makes with a
 * misleading message: that each file exists and is readable ("File does not contain valid
 * certificates" for a missing file sends the user looking at its contents), and that the private
 * key belongs to the certificate (else the context builds, the server starts, and every handshake
 * fails with "Invalid CertificateVerify signature" on the peer).
 *
 * <p>Thread safety: stateless.
 */
final class TlsFiles {

  private static final Pattern PKCS8 =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

  private TlsFiles() {}

  /**
   * @param what what the file holds, for the message: {@code "certificate chain"}
   * @throws IllegalArgumentException if the file is missing, not a file, or not readable
   */
  static void checkReadable(String what, Path file) {
    if (!Files.exists(file)) {
      throw new IllegalArgumentException("the " + what + " file " + file + " does not exist");
    }
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("the " + what + " file " + file + " is not a file");
    }
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException("the " + what + " file " + file + " is not readable");
    }
  }

  /**
   * Checks that the unencrypted PKCS#8 key in {@code keyFile} belongs to the first certificate of
   * {@code chainFile}: it signs random bytes that the certificate's public key must verify. Files
   * the TLS library reads but this check does not understand are left to the library.
   *
   * @throws IllegalArgumentException if the key does not belong to the certificate
   */
  static void checkKeyMatches(Path chainFile, Path keyFile) {
    Optional<PublicKey> certificateKey = firstCertificateKey(chainFile);
    Optional<PrivateKey> privateKey = privateKey(keyFile);
    if (certificateKey.isEmpty() || privateKey.isEmpty()) {
      return;
    }
    PublicKey expected = certificateKey.get();
    if (!expected.getAlgorithm().equals(privateKey.get().getAlgorithm())
        || !signsFor(privateKey.get(), expected)) {
      throw new IllegalArgumentException(
          "the private key in "
              + keyFile
              + " does not belong to the certificate in "
              + chainFile
              + " (the first certificate of the chain must be the one of this key)");
    }
  }

  private static Optional<PublicKey> firstCertificateKey(Path chainFile) {
    try (InputStream in = Files.newInputStream(chainFile)) {
      Collection<? extends Certificate> chain =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      return chain.stream().findFirst().map(Certificate::getPublicKey);
    } catch (IOException | GeneralSecurityException e) {
      return Optional.empty();
    }
  }

  private static Optional<PrivateKey> privateKey(Path keyFile) {
    try {
      Matcher pem = PKCS8.matcher(Files.readString(keyFile, StandardCharsets.US_ASCII));
      if (!pem.find()) {
        return Optional.empty();
      }
      byte[] der = Base64.getMimeDecoder().decode(pem.group(1));
      for (String algorithm : new String[] {"EC", "RSA", "EdDSA", "RSASSA-PSS", "DSA"}) {
        try {
          return Optional.of(
              KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der)));
        } catch (GeneralSecurityException notThisAlgorithm) {
          // try the next
        }
      }
      return Optional.empty();
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Whether {@code key} signs what {@code publicKey} verifies; true if untestable here. */
  private static boolean signsFor(PrivateKey key, PublicKey publicKey) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "EC" -> "SHA256withECDSA";
          case "RSA" -> "SHA256withRSA";
          case "DSA" -> "SHA256withDSA";
          case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
          default -> null; // RSASSA-PSS needs parameters: left to the TLS library
        };
    if (algorithm == null) {
      return true;
    }
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
