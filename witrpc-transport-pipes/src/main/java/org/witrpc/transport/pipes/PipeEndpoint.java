package org.witrpc.transport.pipes;

import java.nio.file.Path;
import java.util.Objects;
import org.witrpc.spi.RuntimeDirectory;

/**
 * Where a pipe server listens: the socket file and the address users see. A named endpoint lives in
 * a runtime directory ({@code NAME.sock}); an explicit endpoint is an absolute socket path.
 *
 * <p>Thread safety: immutable.
 *
 * @param socket the socket file
 * @param address the address users see
 * @param named true for a named endpoint, whose directory is a witrpc runtime directory (swept of
 *     dead servers' files when a server starts); false for an explicit path in any directory
 */
record PipeEndpoint(Path socket, String address, boolean named) {

  static final String SCHEME = "pipe";
  static final String SOCKET_SUFFIX = ".sock";

  PipeEndpoint {
    Objects.requireNonNull(socket, "socket == null");
    Objects.requireNonNull(address, "address == null");
  }

  /**
   * The endpoint of {@code name} in {@code directory}, or in the default runtime directory when
   * {@code directory} is null. The directory is created owner-only if needed.
   */
  static PipeEndpoint named(String name, Path directory) {
    RuntimeDirectory.checkName(name);
    Path dir =
        directory == null
            ? RuntimeDirectory.defaultDirectory()
            : RuntimeDirectory.ensure(directory.toAbsolutePath());
    Path socket = RuntimeDirectory.checkSocketPath(dir.resolve(name + SOCKET_SUFFIX));
    String address = directory == null ? SCHEME + "://" + name : SCHEME + "://" + socket;
    return new PipeEndpoint(socket, address, true);
  }

  /** The endpoint of an explicit, absolute socket path. */
  static PipeEndpoint path(Path socket) {
    Objects.requireNonNull(socket, "socket == null");
    if (!socket.isAbsolute()) {
      throw new IllegalArgumentException(
          "socket path " + socket + " is not absolute; use an absolute path or a name");
    }
    Path normalized = RuntimeDirectory.checkSocketPath(socket.normalize());
    return new PipeEndpoint(normalized, SCHEME + "://" + normalized, false);
  }

  @Override
  public String toString() {
    return address;
  }
}
