/**
 * The WebSocket transport, {@code ws://HOST:PORT/PATH} and {@code wss://HOST:PORT/PATH}: one binary
 * WebSocket message per witrpc frame, on the Netty machinery of the TCP transport (connection
 * adapter, event loops, heartbeats, TLS). Registered for {@link java.util.ServiceLoader} for both
 * schemes; applications name it by URI or build it with {@link
 * org.witrpc.transport.websocket.WebSocketTransport}. TLS is configured with the TCP transport's
 * {@link org.witrpc.transport.tcp.TlsOptions}. No Netty type is part of its API.
 */
module org.witrpc.transport.websocket {
  requires transitive org.witrpc;
  requires transitive org.witrpc.transport.tcp;
  requires org.slf4j;
  requires io.netty.common;
  requires io.netty.buffer;
  requires io.netty.transport;
  requires io.netty.codec;
  requires io.netty.handler;
  requires io.netty.codec.http;

  exports org.witrpc.transport.websocket;

  provides org.witrpc.spi.TransportProvider with
      org.witrpc.transport.websocket.WebSocketTransportProvider,
      org.witrpc.transport.websocket.SecureWebSocketTransportProvider;
}
