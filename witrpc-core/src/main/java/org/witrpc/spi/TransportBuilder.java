package org.witrpc.spi;

import java.util.Objects;

/**
 * The shape every transport builder shares ({@code MemTransport}, {@code PipeTransport}, {@code
 * MmfTransport}): setters without {@code set} that return the builder, the transport-independent
 * settings kept as one {@link TransportOptions} (checked as they are set), and a {@code build()} of
 * the concrete builder. Server builders add {@code maxClients}; {@link LocalTransportBuilder} adds
 * what the transports between processes have.
 *
 * <p>Thread safety: not thread-safe; configure a builder in one thread.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class TransportBuilder<B extends TransportBuilder<B>> {
  private TransportOptions options = TransportOptions.defaults();

  /** For the builders of transports. */
  protected TransportBuilder() {}

  /** This builder as its concrete type. */
  protected abstract B self();

  /** Largest frame received (and sent), in bytes; at least 1 KiB. Default 256 MiB. */
  public B maxFrameSize(int maxFrameSize) {
    options = options.withMaxFrameSize(maxFrameSize);
    return self();
  }

  /**
   * The transport-independent settings at once (a client ignores {@code maxClients}; a transport
   * whose sends never wait ignores {@code sendTimeout}).
   */
  public B options(TransportOptions options) {
    this.options = Objects.requireNonNull(options, "options == null");
    return self();
  }

  /** The transport-independent settings as set so far. */
  protected TransportOptions transportOptions() {
    return options;
  }
}
