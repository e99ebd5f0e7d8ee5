package org.witrpc.internal;

import java.net.URI;
import java.util.List;
import org.witrpc.MemTransport;
import org.witrpc.Transports;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.ServerTransport;
import org.witrpc.spi.TransportOptions;
import org.witrpc.spi.TransportProvider;
import org.witrpc.spi.TransportUri;

/**
 * The {@link TransportProvider} of {@code mem://NAME[?maxClients=64&maxFrameSize=256MiB]} ({@link
 * MemTransport}); the query is read by {@link TransportUri}. Found by {@link
 * java.util.ServiceLoader}; applications use {@link Transports} or the builders instead.
 *
 * <p>Thread safety: stateless.
 */
public final class MemTransportProvider implements TransportProvider {
  private static final List<String> OPTIONS =
      List.of(TransportUri.MAX_CLIENTS, TransportUri.MAX_FRAME_SIZE);

  /** Called by {@link java.util.ServiceLoader}. */
  public MemTransportProvider() {}

  @Override
  public String scheme() {
    return "mem";
  }

  @Override
  public ServerTransport server(URI uri, TransportOptions defaults) {
    TransportUri parsed = TransportUri.parse(uri, scheme(), OPTIONS);
    TransportOptions options = parsed.applyTo(defaults);
    return parsed.check(() -> MemTransport.serverBuilder(parsed.name()).options(options).build());
  }

  @Override
  public ClientTransport client(URI uri, TransportOptions defaults) {
    TransportUri parsed = TransportUri.parse(uri, scheme(), OPTIONS);
    TransportOptions options = parsed.applyTo(defaults);
    return parsed.check(() -> MemTransport.clientBuilder(parsed.name()).options(options).build());
  }
}
