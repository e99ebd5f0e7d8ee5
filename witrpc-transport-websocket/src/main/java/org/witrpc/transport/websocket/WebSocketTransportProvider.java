package org.witrpc.transport.websocket;

import java.net.URI;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.ServerTransport;
import org.witrpc.spi.TransportOptions;
import org.witrpc.spi.TransportProvider;

/**
 * The {@code ws} scheme for {@link org.witrpc.Transports}: {@code ws://HOST:PORT/PATH} (plain
 * WebSocket; a server without TLS listens on loopback only unless {@code insecure=true}). Port 0 on
 * a server binds any free port; {@code [::1]} for IPv6. The path is the HTTP path of the upgrade
 * request. Query options, which override the {@link TransportOptions} passed in, are those of
 * {@code tcp://}: {@code maxClients}, {@code maxFrameSize}, {@code sendTimeout}, {@code heartbeat},
 * {@code heartbeatMisses}, {@code maxHandshakes}, the TLS options ({@code certificate}, {@code
 * key}, {@code trust}, {@code clientAuth=require}, {@code hostnameVerification=false}; {@code
 * wss://} only) and {@code insecure=true}. Registered through {@code
 * META-INF/services/org.witrpc.spi.TransportProvider}.
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 */
public final class WebSocketTransportProvider implements TransportProvider {

  /** Public for {@link java.util.ServiceLoader}. */
  public WebSocketTransportProvider() {}

  @Override
  public String scheme() {
    return "ws";
  }

  @Override
  public ServerTransport server(URI uri, TransportOptions defaults) {
    return WsUris.server(uri, defaults, false);
  }

  @Override
  public ClientTransport client(URI uri, TransportOptions defaults) {
    return WsUris.client(uri, defaults, false);
  }
}
