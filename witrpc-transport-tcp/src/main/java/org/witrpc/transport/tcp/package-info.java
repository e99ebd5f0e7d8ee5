/**
 * The TCP transport {@code tcp://HOST:PORT} on Netty: {@link org.witrpc.transport.tcp.TcpTransport}
 * builds it in code, {@link org.witrpc.transport.tcp.TlsOptions} configures TLS, {@link
 * org.witrpc.transport.tcp.TcpTransportProvider} registers the scheme for {@link
 * java.util.ServiceLoader}. The Netty pieces (connection adapter, event loops, TLS contexts,
 * heartbeats) are in {@code org.witrpc.transport.tcp.internal}, shared with the WebSocket transport
 * and exported to it alone; the wire format is in docs/transport-tcp.md.
 */
package org.witrpc.transport.tcp;
