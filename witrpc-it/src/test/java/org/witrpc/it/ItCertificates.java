package org.witrpc.it;

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
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The PEM files of one TLS set-up, made at test time (never committed) in {@link #directory}: a
 * certificate authority ({@code ca.pem}), a server certificate chain and key ({@code server.pem},
 * {@code server.key}) for the given names, and a client certificate chain and key ({@code
 * client.pem}, {@code client.key}) for mutual TLS. EC P-256 keys, valid from an hour ago for a day;
 * keys are unencrypted PKCS#8, as {@code tcp://}'s {@code key=} option wants them.
 *
 * <p>Thread safety: immutable once made.
 */
record ItCertificates(Path directory) {
  private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

  /**
   * Makes the files in a new directory under {@code parent}.
   *
   * @param serverNames the server certificate's subject alternative names: DNS names or IPv4
   *     addresses
   */
  static ItCertificates make(Path parent, String... serverNames) {
    try {
      Files.createDirectories(parent);
      Path directory = Files.createTempDirectory(parent.toAbsolutePath(), "tls-");
      KeyPair caKeys = keyPair();
      X500Name caName = new X500Name("CN=witrpc-it CA");
      JcaX509v3CertificateBuilder ca = builder(caName, caName, caKeys);
      ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      ca.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign));
      X509Certificate caCertificate = sign(ca, caKeys);
      Files.writeString(directory.resolve("ca.pem"), pem(caCertificate), StandardCharsets.US_ASCII);
      leaf(directory, "server", caCertificate, caKeys, serverNames);
      leaf(directory, "client", caCertificate, caKeys);
      return new ItCertificates(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write test certificates under " + parent, e);
    }
  }

  Path ca() {
    return directory.resolve("ca.pem");
  }

  Path serverChain() {
    return directory.resolve("server.pem");
  }

  Path serverKey() {
    return directory.resolve("server.key");
  }

  Path clientChain() {
    return directory.resolve("client.pem");
  }

  Path clientKey() {
    return directory.resolve("client.key");
  }

  /** The {@code tcp://} options of a server that requires client certificates of this CA. */
  String serverOptions() {
    return "certificate="
        + serverChain()
        + "&key="
        + serverKey()
        + "&trust="
        + ca()
        + "&clientAuth=require";
  }

  /** The {@code tcp://} options of a client that trusts this CA and presents its certificate. */
  String clientOptions() {
    return "trust=" + ca() + "&certificate=" + clientChain() + "&key=" + clientKey();
  }

  private static void leaf(
      Path directory, String role, X509Certificate ca, KeyPair caKeys, String... names)
      throws IOException {
    KeyPair keys = keyPair();
    JcaX509v3CertificateBuilder leaf =
        builder(
            X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()),
            new X500Name("CN=witrpc-it " + role),
            keys);
    if (names.length > 0) {
      GeneralName[] alternatives = new GeneralName[names.length];
      for (int i = 0; i < names.length; i++) {
        alternatives[i] =
            Character.isDigit(names[i].charAt(0))
                ? new GeneralName(
                    GeneralName.iPAddress, InetAddress.getByName(names[i]).getHostAddress())
                : new GeneralName(GeneralName.dNSName, names[i]);
      }
      leaf.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alternatives));
    }
    leaf.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    leaf.addExtension(
        Extension.extendedKeyUsage,
        false,
        new ExtendedKeyUsage(
            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
    X509Certificate certificate = sign(leaf, caKeys);
    Files.writeString(
        directory.resolve(role + ".pem"), pem(certificate) + pem(ca), StandardCharsets.US_ASCII);
    Files.writeString(
        directory.resolve(role + ".key"),
        pem("PRIVATE KEY", keys.getPrivate().getEncoded()),
        StandardCharsets.US_ASCII);
  }

  private static JcaX509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, KeyPair keys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
        issuer,
        BigInteger.valueOf(SERIALS.incrementAndGet()),
        Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(Duration.ofDays(1))),
        subject,
        keys.getPublic());
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

  private static X509Certificate sign(JcaX509v3CertificateBuilder builder, KeyPair issuer) {
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
      return pem("CERTIFICATE", certificate.getEncoded());
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
}
