package org.witrpc.transport.pipes;

import java.nio.file.Path;
import java.util.Objects;
import org.witrpc.spi.LocalTransportBuilder;

/**
 * The settings both sides of a pipe share (see {@link LocalTransportBuilder}), plus where the
 * socket is; {@link PipeServerTransport.Builder} adds {@code maxClients}.
 *
 * <p>Thread safety: not thread-safe; confine a builder to one thread.
 *
 * @param <B> the concrete builder, returned by every setter
 */
abstract class PipeBuilder<B extends PipeBuilder<B>> extends LocalTransportBuilder<B> {
  private final String name;
  private final Path socket;
  private Path directory;

  PipeBuilder(String name, Path socket) {
    this.name = name;
    this.socket = socket;
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
