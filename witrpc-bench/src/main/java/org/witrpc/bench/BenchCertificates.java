package org.witrpc.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The TLS targets' certificates, made when the benchmark starts (none is committed): a certificate
 * authority and a server certificate for {@code 127.0.0.1} it signs, EC P-256, valid for a day,
 * written as PEM files into a scratch directory the benchmark deletes: {@link #chain} (server
 * certificate, then the CA's), {@link #key} (unencrypted PKCS#8) and {@link #authority} (what
 * clients trust).
 *
 * @param chain the server's certificate chain
 * @param key the server's private key
 * @param authority the certificate authority clients trust
 *     <p>Thread safety: immutable.
 */
record BenchCertificates(Path chain, Path key, Path authority) {
  private static final String HOST = "127.0.0.1";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The certificates {@link #create} wrote into {@code directory}. */
  static BenchCertificates in(Path directory) {
    return new BenchCertificates(
        directory.resolve("server.pem"),
        directory.resolve("server.key"),
        directory.resolve("ca.pem"));
  }

  /** Makes the certificates and writes them into {@code directory}. */
  static BenchCertificates create(Path directory) {
    KeyPair caKeys = ecKeys();
    KeyPair serverKeys = ecKeys();
    X500Name caName = new X500Name("CN=witrpc bench CA");
    X509Certificate ca = sign(caName, caKeys.getPublic(), caName, caKeys.getPrivate(), true);
    X509Certificate server =
        sign(
            new X500Name("CN=" + HOST + ",O=witrpc bench"),
            serverKeys.getPublic(),
            caName,
            caKeys.getPrivate(),
            false);
    BenchCertificates files = in(directory);
    write(files.chain(), pem("CERTIFICATE", encoded(server)) + pem("CERTIFICATE", encoded(ca)));
    write(files.key(), pem("PRIVATE KEY", serverKeys.getPrivate().getEncoded()));
    write(files.authority(), pem("CERTIFICATE", encoded(ca)));
    return files;
  }

  /** The URI query of a TLS server using these certificates. */
  String serverQuery() {
    return "?certificate=" + chain + "&key=" + key;
  }

  /** The URI query of a TLS client trusting {@link #authority}. */
  String clientQuery() {
    return "?trust=" + authority;
  }

  private static X509Certificate sign(
      X500Name subject,
      PublicKey subjectKey,
      X500Name issuer,
      PrivateKey issuerKey,
      boolean authority) {
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            issuer,
            new BigInteger(63, RANDOM),
            Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(Duration.ofDays(1))),
            subject,
            subjectKey);
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
      builder.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(authority ? KeyUsage.keyCertSign : KeyUsage.digitalSignature));
      if (!authority) {
        builder.addExtension(
            Extension.subjectAlternativeName,
            false,
            new GeneralNames(new GeneralName(GeneralName.iPAddress, HOST)));
      }
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    } catch (CertIOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot sign a benchmark certificate", e);
    }
  }

  private static KeyPair ecKeys() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no EC P-256 key generator", e);
    }
  }

  private static byte[] encoded(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
