package org.witrpc.transport.mmf;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.witrpc.internal.Limits;
import org.witrpc.internal.Sizes;
import org.witrpc.spi.LocalTransportBuilder;
import org.witrpc.spi.RuntimeDirectory;
import org.witrpc.spi.TransportOptions;

/**
 * Entry point of the shared-memory transport: builders for the server and the client side of a
 * name. Everything a {@code mmf://} URI can say, these builders can say too.
 *
 * <pre>{@code
 * ServerTransport server = MmfTransport.server("calc").size("8MiB").maxClients(4).build();
 * ClientTransport client = MmfTransport.client("calc").build();
 * }</pre>
 *
 * <p>Thread safety: the static methods are safe for concurrent use; builders are not (configure one
 * in one thread); the transports they build are thread-safe.
 */
public final class MmfTransport {
  /** Default shared memory per connection: 1 MiB (two rings of 512 KiB). */
  public static final long DEFAULT_SIZE = 1L << 20;

  /** Default time a waiting side spins before it parks. */
  public static final Duration DEFAULT_SPIN_BUDGET = Duration.ofNanos(20_000);

  private MmfTransport() {}

  /** A builder of the server side of {@code name}. */
  public static ServerBuilder server(String name) {
    return new ServerBuilder(RuntimeDirectory.checkName(name));
  }

  /** A builder of the client side of {@code name}. */
  public static ClientBuilder client(String name) {
    return new ClientBuilder(RuntimeDirectory.checkName(name));
  }

  /**
   * Settings common to both sides (see {@link LocalTransportBuilder}), plus the spin budget and the
   * runtime directory. Not thread-safe.
   *
   * @param <B> the concrete builder, returned by every setter
   */
  abstract static class Builder<B extends Builder<B>> extends LocalTransportBuilder<B> {
    final String name;
    Optional<Path> directory = Optional.empty();
    long size = DEFAULT_SIZE;
    Duration spinBudget = DEFAULT_SPIN_BUDGET;

    Builder(String name) {
      this.name = name;
    }

    /**
     * How long a waiting side spins ({@code Thread.onSpinWait}) before it parks: from 0 (park at
     * once) to 10 ms. Default 20 us.
     */
    public B spinBudget(Duration spinBudget) {
      this.spinBudget = Limits.spinBudget(spinBudget);
      return self();
    }

    /**
     * The runtime directory; default {@link RuntimeDirectory#defaultDirectory()}. A relative path
     * is resolved against the working directory when the transport is built.
     */
    public B directory(Path directory) {
      this.directory = Optional.of(Objects.requireNonNull(directory, "directory == null"));
      return self();
    }

    MmfSettings settings() {
      TransportOptions options = transportOptions();
      return new MmfSettings(
          name,
          directory,
          size,
          spinBudget.toNanos(),
          options.maxClients(),
          options.maxFrameSize(),
          options.sendTimeout());
    }
  }

  /** Builds a {@link MmfServerTransport}. Not thread-safe. */
  public static final class ServerBuilder extends Builder<ServerBuilder> {
    ServerBuilder(String name) {
      super(name);
    }

    @Override
    protected ServerBuilder self() {
      return this;
    }

    /**
     * Shared memory per connection in bytes, split evenly between the two directions, each ring
     * rounded down to a power of two; default 1 MiB, minimum 2 KiB, maximum 1 GiB.
     */
    public ServerBuilder size(long size) {
      RingDescriptor.capacityForSize(size);
      this.size = size;
      return this;
    }

    /** {@link #size(long)} from text such as {@code "8MiB"}, {@code "64KiB"} or {@code "65536"}. */
    public ServerBuilder size(String size) {
      Objects.requireNonNull(size, "size == null");
      return size(Sizes.parse(size));
    }

    /** Most clients connected at once (at least 1); the next one is refused. Default 64. */
    public ServerBuilder maxClients(int maxClients) {
      return options(transportOptions().withMaxClients(maxClients));
    }

    /** An unstarted server transport. */
    public MmfServerTransport build() {
      return new MmfServerTransport(settings(), currentPeerPolicy());
    }
  }

  /** Builds a {@link MmfClientTransport}. Not thread-safe. */
  public static final class ClientBuilder extends Builder<ClientBuilder> {
    ClientBuilder(String name) {
      super(name);
    }

    @Override
    protected ClientBuilder self() {
      return this;
    }

    /** A client transport. */
    public MmfClientTransport build() {
      return new MmfClientTransport(settings(), currentPeerPolicy());
    }
  }
}
