package org.witrpc.transport.pipes;

import java.nio.file.Path;
import java.util.Objects;
import org.witrpc.spi.RuntimeDirectory;

/**
 * Entry point of the pipe transport: Unix domain sockets through the JDK, no native code. A named
 * pipe {@code NAME} is the socket {@code NAME.sock} in the per-user runtime directory ({@link
 * RuntimeDirectory#defaultDirectory()}); the URI form is {@code pipe://NAME} or {@code
 * pipe:///absolute/path.sock}, see {@link PipeTransportProvider}.
 *
 * <pre>{@code
 * PipeServerTransport server = PipeTransport.server("calc").maxClients(8).build();
 * PipeClientTransport client = PipeTransport.client("calc").build();
 * }</pre>
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 */
public final class PipeTransport {

  private PipeTransport() {}

  /**
   * A builder of a server for the named pipe {@code name}.
   *
   * @throws IllegalArgumentException if the name is not 1 to 64 characters from {@code
   *     [A-Za-z0-9._-]}
   */
  public static PipeServerTransport.Builder server(String name) {
    return new PipeServerTransport.Builder(RuntimeDirectory.checkName(name), null);
  }

  /**
   * A builder of a server listening on the absolute socket path {@code socket}.
   *
   * @throws IllegalArgumentException if the path is relative or too long for a Unix socket
   */
  public static PipeServerTransport.Builder server(Path socket) {
    return new PipeServerTransport.Builder(null, checkPath(socket));
  }

  /**
   * A builder of a client of the named pipe {@code name}.
   *
   * @throws IllegalArgumentException if the name is not valid
   */
  public static PipeClientTransport.Builder client(String name) {
    return new PipeClientTransport.Builder(RuntimeDirectory.checkName(name), null);
  }

  /**
   * A builder of a client of the server on the absolute socket path {@code socket}.
   *
   * @throws IllegalArgumentException if the path is relative or too long for a Unix socket
   */
  public static PipeClientTransport.Builder client(Path socket) {
    return new PipeClientTransport.Builder(null, checkPath(socket));
  }

  private static Path checkPath(Path socket) {
    Objects.requireNonNull(socket, "socket == null");
    return PipeEndpoint.path(socket).socket();
  }
}
