package org.witrpc.transport.tcp.internal;

import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.Objects;
import org.witrpc.internal.Limits;
import org.witrpc.transport.tcp.TlsOptions;

/**
 * What the builders of the network transports ({@code tcp://}, {@code ws://}, {@code wss://}) set
 * beside the {@link org.witrpc.spi.TransportOptions} of every transport: heartbeats and TLS on both
 * sides; on a server also the exposure guard ({@code insecure}) and the cap on connections in their
 * opening exchange ({@code maxHandshakes}). Each setter checks its value as it is set, with the
 * same message on every network transport.
 *
 * <p>Thread safety: not thread-safe; it belongs to one builder, confined to one thread.
 */
public final class NettySettings {

  /**
   * Default most connections in their opening exchange at once (TLS handshake, hello or upgrade):
   * enough for a burst of clients reconnecting together, small enough that an attacker's idle
   * sockets cost little.
   */
  public static final int DEFAULT_MAX_HANDSHAKES = 128;

  private final boolean server;
  private Heartbeat heartbeat = Heartbeat.DEFAULT;
  private TlsOptions tls;
  private boolean insecure;
  private int maxHandshakes = DEFAULT_MAX_HANDSHAKES;

  private NettySettings(boolean server) {
    this.server = server;
  }

  /** The settings of a server builder. */
  public static NettySettings forServer() {
    return new NettySettings(true);
  }

  /** The settings of a client builder. */
  public static NettySettings forClient() {
    return new NettySettings(false);
  }

  /** Whether these are a server's settings. */
  public boolean isServer() {
    return server;
  }

  /**
   * @throws IllegalArgumentException if the interval is negative or under 10 ms, or misses below 1
   */
  public void heartbeat(Duration interval, int misses) {
    this.heartbeat = Heartbeat.of(interval, misses);
  }

  /**
   * @throws IllegalArgumentException if {@code tls} is for the other side ({@link
   *     TlsOptions#server} on a client, {@link TlsOptions#client()} on a server)
   */
  public void tls(TlsOptions tls) {
    Objects.requireNonNull(tls, "tls == null");
    if (server && !tls.isServer()) {
      throw new IllegalArgumentException("a server needs TlsOptions.server(...), not " + tls);
    }
    if (!server && tls.isServer()) {
      throw new IllegalArgumentException("a client needs TlsOptions.client(), not " + tls);
    }
    this.tls = tls;
  }

  /** Server: allows plain traffic on a non-loopback address (see {@link PlainExposure}). */
  public void insecure(boolean insecure) {
    this.insecure = insecure;
  }

  /**
   * Server: most connections in their opening exchange at once.
   *
   * @throws IllegalArgumentException if below 1
   */
  public void maxHandshakes(int maxHandshakes) {
    this.maxHandshakes = Limits.atLeastOne("maxHandshakes", maxHandshakes);
  }

  public Heartbeat heartbeat() {
    return heartbeat;
  }

  /** Whether TLS is configured. */
  public boolean isTls() {
    return tls != null;
  }

  /**
   * The TLS context of the configured {@link TlsOptions}, or null without TLS.
   *
   * @throws IllegalArgumentException if the TLS files or key store cannot be used
   */
  public SslContext sslContext() {
    return tls == null ? null : SslContexts.build(tls);
  }

  public boolean insecure() {
    return insecure;
  }

  public int maxHandshakes() {
    return maxHandshakes;
  }
}
