package org.witrpc.transport.tcp.internal;

import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Optional;
import java.util.function.Function;
import org.witrpc.transport.tcp.TlsOptions;

/**
 * Reads the settings of a {@link TlsOptions}, which keeps them out of its public API: {@code
 * TlsOptions} installs the one reader when its class is initialized (so before any instance
 * exists), and {@link SslContexts} reads through it.
 *
 * <p>Thread safety: the reader is installed once, during {@code TlsOptions}' class initialization;
 * reads are safe from any thread.
 */
public final class TlsAccess {

  /** What {@link SslContexts} needs of a {@link TlsOptions}. */
  public record Settings(
      boolean server,
      Optional<Path> certificateChain,
      Optional<Path> privateKey,
      Optional<KeyStore> keyStore,
      char[] keyPassword,
      Optional<Path> trustedCertificates,
      Optional<KeyStore> trustStore,
      boolean requireClientCertificate,
      boolean hostnameVerification) {}

  private static volatile Function<TlsOptions, Settings> reader;

  private TlsAccess() {}

  /**
   * Installs the reader; called once, by {@code TlsOptions}' class initializer.
   *
   * @throws IllegalStateException if a reader is installed already
   */
  public static synchronized void install(Function<TlsOptions, Settings> tlsOptionsReader) {
    if (reader != null) {
      throw new IllegalStateException("the TlsOptions reader is installed already");
    }
    reader = tlsOptionsReader;
  }

  static Settings read(TlsOptions options) {
    return reader.apply(options);
  }
}
