package org.witrpc;

import org.witrpc.internal.MemClientTransport;
import org.witrpc.internal.MemServerTransport;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.RuntimeDirectory;
import org.witrpc.spi.ServerTransport;
import org.witrpc.spi.TransportBuilder;
import org.witrpc.spi.TransportOptions;

/**
 * The in-process transport ({@code mem://NAME}): servers and clients in one JVM, for tests and for
 * embedding. It behaves like a real transport: frames are copied, each connection delivers on its
 * own daemon reader thread {@code witrpc-mem-...}, a close is seen by both sides, {@code
 * maxClients} is enforced and a name serves one server at a time.
 *
 * <pre>{@code
 * ServerTransport server = MemTransport.serverBuilder("calc").maxClients(4).build();
 * ClientTransport client = MemTransport.clientBuilder("calc").maxFrameSize(1 << 20).build();
 * }</pre>
 *
 * <p>The builders have the shape of the other transports' builders ({@link TransportBuilder}:
 * {@code maxFrameSize}, {@code options}, {@code maxClients} on the server side); {@link
 * #server(String)} and {@link #client(String)} return a transport with default settings at once.
 *
 * <p>Thread safety: the static methods are safe for concurrent use; builders are not (configure one
 * in one thread); the transports they build are thread-safe.
 */
public final class MemTransport {

  private MemTransport() {}

  /**
   * A builder of the server side of {@code name}.
   *
   * @throws IllegalArgumentException if the name is not 1 to 64 characters from {@code
   *     [A-Za-z0-9._-]}
   */
  public static ServerBuilder serverBuilder(String name) {
    return new ServerBuilder(RuntimeDirectory.checkName(name));
  }

  /**
   * A builder of the client side of {@code name}.
   *
   * @throws IllegalArgumentException if the name is not valid
   */
  public static ClientBuilder clientBuilder(String name) {
    return new ClientBuilder(RuntimeDirectory.checkName(name));
  }

  /** An unstarted server transport for {@code name}, with default options. */
  public static ServerTransport server(String name) {
    return serverBuilder(name).build();
  }

  /** An unstarted server transport for {@code name}. */
  public static ServerTransport server(String name, TransportOptions options) {
    return serverBuilder(name).options(options).build();
  }

  /** A client transport for {@code name}, with default options. */
  public static ClientTransport client(String name) {
    return clientBuilder(name).build();
  }

  /** A client transport for {@code name}. */
  public static ClientTransport client(String name, TransportOptions options) {
    return clientBuilder(name).options(options).build();
  }

  /** Builds the server side of a name. Not thread-safe. */
  public static final class ServerBuilder extends TransportBuilder<ServerBuilder> {
    private final String name;

    ServerBuilder(String name) {
      this.name = name;
    }

    @Override
    protected ServerBuilder self() {
      return this;
    }

    /** Most clients connected at once (at least 1); the next one is refused. Default 64. */
    public ServerBuilder maxClients(int maxClients) {
      return options(transportOptions().withMaxClients(maxClients));
    }

    /** An unstarted server transport. */
    public ServerTransport build() {
      return new MemServerTransport(name, transportOptions());
    }
  }

  /** Builds the client side of a name. Not thread-safe. */
  public static final class ClientBuilder extends TransportBuilder<ClientBuilder> {
    private final String name;

    ClientBuilder(String name) {
      this.name = name;
    }

    @Override
    protected ClientBuilder self() {
      return this;
    }

    /** A client transport. */
    public ClientTransport build() {
      return new MemClientTransport(name, transportOptions().maxFrameSize());
    }
  }
}
