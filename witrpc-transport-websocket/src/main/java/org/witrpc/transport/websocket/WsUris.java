package org.witrpc.transport.websocket;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import org.witrpc.spi.TransportOptions;
import org.witrpc.transport.tcp.TlsOptions;
import org.witrpc.transport.tcp.internal.NetworkUri;
import org.witrpc.transport.tcp.internal.UriTls;

/**
 * Transports from {@code ws://} and {@code wss://} URIs, with the options of {@code tcp://} (the
 * shared {@link NetworkUri}). The scheme decides TLS: {@code wss://} always, {@code ws://} never
 * (TLS options on a {@code ws://} URI are an error that says to use {@code wss://}).
 *
 * <p>Thread safety: stateless.
 */
final class WsUris {

  private WsUris() {}

  static WebSocketServerTransport server(URI uri, TransportOptions defaults, boolean secure) {
    NetworkUri parsed = parse(uri, defaults, secure);
    WebSocketServerTransport.Builder builder =
        new WebSocketServerTransport.Builder(endpoint(parsed, secure))
            .options(parsed.applyTo(defaults));
    parsed.configure(builder.settings());
    Optional<TlsOptions> tls = UriTls.server(parsed);
    if (secure) {
      builder.tls(
          tls.orElseThrow(
              () -> parsed.invalid("a wss:// server needs certificate=PEM-FILE and key=PEM-FILE")));
    }
    return builder.build();
  }

  static WebSocketClientTransport client(URI uri, TransportOptions defaults, boolean secure) {
    NetworkUri parsed = parse(uri, defaults, secure);
    if (parsed.port() == 0) {
      throw parsed.invalid("a client needs the server's port, not 0");
    }
    WebSocketClientTransport.Builder builder =
        new WebSocketClientTransport.Builder(endpoint(parsed, secure))
            .options(parsed.applyTo(defaults));
    parsed.configure(builder.settings());
    Optional<TlsOptions> tls = UriTls.client(parsed);
    if (secure) {
      builder.tls(tls.orElse(TlsOptions.client()));
    }
    return builder.build();
  }

  private static NetworkUri parse(URI uri, TransportOptions defaults, boolean secure) {
    Objects.requireNonNull(uri, "uri == null");
    Objects.requireNonNull(defaults, "defaults == null");
    String scheme = secure ? WsEndpoint.WSS : WsEndpoint.WS;
    NetworkUri parsed =
        NetworkUri.parse(
            uri,
            scheme,
            scheme + "://HOST:PORT/PATH, for example " + scheme + "://127.0.0.1:7000/rpc",
            true);
    Optional<Boolean> tls = parsed.flag("tls");
    if (secure && tls.isPresent() && !tls.get()) {
      throw parsed.invalid("wss:// is WebSocket over TLS: tls=false contradicts it");
    }
    if (!secure && UriTls.client(parsed).isPresent()) {
      throw parsed.invalid("TLS options on a ws:// URI: use wss:// for WebSocket over TLS");
    }
    return parsed;
  }

  private static WsEndpoint endpoint(NetworkUri parsed, boolean secure) {
    try {
      return WsEndpoint.of(secure, parsed.host(), parsed.port(), parsed.path());
    } catch (IllegalArgumentException e) {
      throw parsed.invalid(e.getMessage());
    }
  }
}
