package org.witrpc.transport.tcp;

/**
 * Entry point of the TCP transport: length-prefixed frames over TCP on Netty, with optional TLS
 * ({@link TlsOptions}), heartbeats and back-pressure. The URI form is {@code tcp://HOST:PORT}, see
 * {@link TcpTransportProvider}.
 *
 * <pre>{@code
 * TcpServerTransport server = TcpTransport.server("127.0.0.1", 7000).maxClients(8).build();
 * TcpClientTransport client = TcpTransport.client("127.0.0.1", 7000).build();
 *
 * TcpServerTransport tls = TcpTransport.server("0.0.0.0", 7443)
 *     .tls(TlsOptions.server(Path.of("server.pem"), Path.of("server.key")))
 *     .build();
 * }</pre>
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 */
public final class TcpTransport {

  private TcpTransport() {}

  /**
   * A builder of a server listening on {@code host} (an address of this machine, {@code 0.0.0.0} or
   * {@code ::} for all) and {@code port} (0: a free port, see {@link TcpServerTransport#address()}
   * once started).
   *
   * @throws IllegalArgumentException if the host is blank or the port out of range
   */
  public static TcpServerTransport.Builder server(String host, int port) {
    return new TcpServerTransport.Builder(TcpEndpoint.of(host, port));
  }

  /**
   * A builder of a client of the server on {@code host} and {@code port}.
   *
   * @throws IllegalArgumentException if the host is blank or the port out of range or 0
   */
  public static TcpClientTransport.Builder client(String host, int port) {
    if (port == 0) {
      throw new IllegalArgumentException("a client needs the server's port, not 0");
    }
    return new TcpClientTransport.Builder(TcpEndpoint.of(host, port));
  }
}
