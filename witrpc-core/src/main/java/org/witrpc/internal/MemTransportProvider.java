package org.witrpc.internal;

import java.net.URI;
import org.witrpc.MemTransport;
import org.witrpc.Transports;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.ServerTransport;
import org.witrpc.spi.TransportOptions;
import org.witrpc.spi.TransportProvider;

/**
 * The {@link TransportProvider} of {@code mem://NAME} ({@link MemTransport}). Found by {@link
 * java.util.ServiceLoader}; applications use {@link Transports} or the builders instead.
 *
 * <p>Thread safety: stateless.
 */
public final class MemTransportProvider implements TransportProvider {

  /** Called by {@link java.util.ServiceLoader}. */
  public MemTransportProvider() {}

  @Override
  public String scheme() {
    return "mem";
  }

  @Override
  public ServerTransport server(URI uri, TransportOptions defaults) {
    return MemTransport.server(name(uri), defaults);
  }

  @Override
  public ClientTransport client(URI uri, TransportOptions defaults) {
    return MemTransport.client(name(uri), defaults);
  }

  private static String name(URI uri) {
    if (uri.getRawQuery() != null) {
      throw new IllegalArgumentException("mem:// takes no options: " + uri);
    }
    String name = uri.getAuthority();
    if (name == null || (uri.getPath() != null && !uri.getPath().isEmpty())) {
      throw new IllegalArgumentException("expected mem://NAME, got " + uri);
    }
    return name;
  }
}
