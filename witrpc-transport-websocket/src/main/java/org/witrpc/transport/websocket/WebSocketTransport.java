package org.witrpc.transport.websocket;

/**
 * Entry point of the WebSocket transport: one binary WebSocket message per witrpc frame over
 * HTTP/1.1's upgrade, on Netty, with optional TLS ({@code wss://}, {@link
 * org.witrpc.transport.tcp.TlsOptions}), heartbeats (WebSocket ping and pong) and back-pressure.
 * The URI forms are {@code ws://HOST:PORT/PATH} and {@code wss://HOST:PORT/PATH}, see {@link
 * WebSocketTransportProvider}.
 *
 * <pre>{@code
 * WebSocketServerTransport server =
 *     WebSocketTransport.server("127.0.0.1", 7000, "/calc").maxClients(8).build();
 * WebSocketClientTransport client = WebSocketTransport.client("127.0.0.1", 7000, "/calc").build();
 *
 * WebSocketServerTransport wss = WebSocketTransport.server("0.0.0.0", 7443, "/calc")
 *     .tls(TlsOptions.server(Path.of("server.pem"), Path.of("server.key")))
 *     .build();
 * }</pre>
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 */
public final class WebSocketTransport {

  private WebSocketTransport() {}

  /**
   * A builder of a server listening on {@code host} (an address of this machine, {@code 0.0.0.0} or
   * {@code ::} for all), {@code port} (0: a free port, see {@link
   * WebSocketServerTransport#address()} once started) and HTTP {@code path} (for example {@code
   * "/calc"}).
   *
   * @throws IllegalArgumentException if the host is blank, the port out of range or the path does
   *     not start with {@code /}
   */
  public static WebSocketServerTransport.Builder server(String host, int port, String path) {
    return new WebSocketServerTransport.Builder(WsEndpoint.of(false, host, port, path));
  }

  /**
   * A builder of a client of the server on {@code host}, {@code port} and {@code path}.
   *
   * @throws IllegalArgumentException if the host is blank, the port out of range or 0, or the path
   *     does not start with {@code /}
   */
  public static WebSocketClientTransport.Builder client(String host, int port, String path) {
    if (port == 0) {
      throw new IllegalArgumentException("a client needs the server's port, not 0");
    }
    return new WebSocketClientTransport.Builder(WsEndpoint.of(false, host, port, path));
  }
}
