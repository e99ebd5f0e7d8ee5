/**
 * The WebSocket transport {@code ws://HOST:PORT/PATH} and {@code wss://HOST:PORT/PATH} on Netty:
 * {@link org.witrpc.transport.websocket.WebSocketTransport} builds it in code, {@link
 * org.witrpc.transport.tcp.TlsOptions} configures TLS for {@code wss://}, and {@link
 * org.witrpc.transport.websocket.WebSocketTransportProvider} and {@link
 * org.witrpc.transport.websocket.SecureWebSocketTransportProvider} register the schemes for {@link
 * java.util.ServiceLoader}. The wire (the HTTP upgrade, one binary message per frame) is in
 * docs/transport-websocket.md.
 */
package org.witrpc.transport.websocket;
