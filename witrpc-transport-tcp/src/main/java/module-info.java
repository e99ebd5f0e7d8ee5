/**
 * The TCP transport, {@code tcp://HOST:PORT}: length-prefixed frames over TCP on Netty, with TLS,
 * heartbeats and back-pressure. Registered for {@link java.util.ServiceLoader}; applications name
 * it by URI or build it with {@link org.witrpc.transport.tcp.TcpTransport}. Netty stays inside this
 * module: no Netty type is part of its API.
 */
module org.witrpc.transport.tcp {
  requires transitive org.witrpc;
  requires org.slf4j;
  requires io.netty.common;
  requires io.netty.buffer;
  requires io.netty.transport;
  requires io.netty.codec;
  requires io.netty.handler;
  requires static io.netty.transport.classes.epoll;

  exports org.witrpc.transport.tcp;
  // not API: the Netty machinery shared with the WebSocket transport
  exports org.witrpc.transport.tcp.internal to
      org.witrpc.transport.websocket;

  provides org.witrpc.spi.TransportProvider with
      org.witrpc.transport.tcp.TcpTransportProvider;
}
