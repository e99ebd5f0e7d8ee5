package org.witrpc.transport.tcp.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made at test time (never committed): a certificate authority and leaf certificates
 * it signs, written as PEM files (chain: leaf then CA; keys: unencrypted PKCS#8) into a directory.
 * EC P-256 keys, so making them is quick. Shared with the WebSocket transport's tests (test-jar).
 */
public final class TestCertificates {

  private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

  /** A certificate authority: its key and self-signed certificate. */
  public record Authority(KeyPair keys, X509Certificate certificate, Path pem) {}

  /** A leaf's files. */
  public record Leaf(Path chain, Path key, X509Certificate certificate) {}

  private final Path directory;

  public TestCertificates(Path directory) {
    this.directory = directory;
  }

  public Authority authority(String name) {
    try {
      KeyPair keys = keyPair();
      X500Name subject = new X500Name("CN=" + name);
      Instant now = Instant.now();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              subject,
              BigInteger.valueOf(SERIALS.incrementAndGet()),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(Duration.ofDays(1))),
              subject,
              keys.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      X509Certificate certificate = sign(builder, keys);
      Path pem = directory.resolve(name + "-ca.pem");
      Files.writeString(pem, pem(certificate), StandardCharsets.US_ASCII);
      return new Authority(keys, certificate, pem);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A leaf valid from an hour ago for a day, for localhost and 127.0.0.1. */
  public Leaf leaf(Authority ca, String name) {
    Instant now = Instant.now();
    return leaf(
        ca,
        name,
        now.minus(Duration.ofHours(1)),
        now.plus(Duration.ofDays(1)),
        "localhost",
        "127.0.0.1",
        "::1");
  }

  /** A leaf with the given validity and subject alternative names (DNS names or IP addresses). */
  public Leaf leaf(
      Authority ca, String name, Instant notBefore, Instant notAfter, String... names) {
    try {
      KeyPair keys = keyPair();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              ca.certificate(),
              BigInteger.valueOf(SERIALS.incrementAndGet()),
              Date.from(notBefore),
              Date.from(notAfter),
              new X500Name("CN=" + name + ",O=witrpc tests"),
              keys.getPublic());
      List<GeneralName> alternatives = new ArrayList<>();
      for (String alternative : names) {
        boolean ip = Character.isDigit(alternative.charAt(0)) || alternative.contains(":");
        alternatives.add(
            ip
                ? new GeneralName(
                    GeneralName.iPAddress, InetAddress.getByName(alternative).getHostAddress())
                : new GeneralName(GeneralName.dNSName, alternative));
      }
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(alternatives.toArray(new GeneralName[0])));
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      X509Certificate certificate = sign(builder, ca.keys());
      Path chain = directory.resolve(name + ".pem");
      Path key = directory.resolve(name + ".key");
      Files.writeString(chain, pem(certificate) + pem(ca.certificate()), StandardCharsets.US_ASCII);
      Files.writeString(
          key,
          "-----BEGIN PRIVATE KEY-----\n"
              + Base64.getMimeEncoder(64, new byte[] {'\n'})
                  .encodeToString(keys.getPrivate().getEncoded())
              + "\n-----END PRIVATE KEY-----\n",
          StandardCharsets.US_ASCII);
      return new Leaf(chain, key, certificate);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static KeyPair keyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer) {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(
                  new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(X509Certificate certificate) {
    try {
      return "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.getEncoded())
          + "\n-----END CERTIFICATE-----\n";
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
