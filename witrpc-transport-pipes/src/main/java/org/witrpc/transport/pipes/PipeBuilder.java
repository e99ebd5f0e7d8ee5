package org.witrpc.transport.pipes;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.witrpc.spi.Limits;
import org.witrpc.spi.PeerPolicy;
import org.witrpc.spi.TransportOptions;

/**
 * The settings both sides of a pipe share; {@link PipeServerTransport.Builder} adds {@code
 * maxClients}. Values are checked by {@link Limits} as they are set.
 *
 * <p>Thread safety: not thread-safe; confine a builder to one thread.
 *
 * @param <B> the concrete builder, returned by every setter
 */
abstract class PipeBuilder<B extends PipeBuilder<B>> {
  private final String name;
  private final Path socket;
  private Path directory;
  TransportOptions options = TransportOptions.defaults();
  PeerPolicy peerPolicy = PeerPolicy.sameUser();

  PipeBuilder(String name, Path socket) {
    this.name = name;
    this.socket = socket;
  }

  abstract B self();

  /** Largest frame sent or received, in bytes; at least 1 KiB. Default 256 MiB. */
  public B maxFrameSize(int maxFrameSize) {
    options = options.withMaxFrameSize(maxFrameSize);
    return self();
  }

  /**
   * How long a send waits for a peer that takes no bytes before the connection is closed as
   * stalled; at least 1 ms. Default 10 s; see {@link TransportOptions#sendTimeout()}.
   */
  public B sendTimeout(Duration sendTimeout) {
    options = options.withSendTimeout(sendTimeout);
    return self();
  }

  /**
   * Also accepts peers running as these users (names or numeric uids; {@code "*"} for any user):
   * for a server, clients of these users (others are refused, with a log line naming their user);
   * for a client, a server running as one of them (else {@link org.witrpc.WitSecurityException}
   * naming the server's user). By default only peers of this process's own user. See {@link
   * PeerPolicy}.
   */
  public B peerUsers(String... users) {
    return peerPolicy(PeerPolicy.sameUserOr(List.of(users)));
  }

  /** Which users a peer may run as; default {@link PeerPolicy#sameUser()}. */
  public B peerPolicy(PeerPolicy policy) {
    this.peerPolicy = Objects.requireNonNull(policy, "policy == null");
    return self();
  }

  /** The transport-independent settings at once (a client ignores {@code maxClients}). */
  public B options(TransportOptions options) {
    this.options = Objects.requireNonNull(options, "options == null");
    return self();
  }

  /**
   * The directory of the named socket, created 0700 if needed. Default: the runtime directory,
   * {@link org.witrpc.spi.RuntimeDirectory#defaultDirectory()}.
   *
   * @throws IllegalStateException if the transport was created for an explicit socket path
   */
  public B directory(Path directory) {
    Objects.requireNonNull(directory, "directory == null");
    if (name == null) {
      throw new IllegalStateException("a directory applies to named pipes, not to " + socket);
    }
    this.directory = directory;
    return self();
  }

  PipeEndpoint endpoint() {
    return name != null ? PipeEndpoint.named(name, directory) : PipeEndpoint.path(socket);
  }
}
