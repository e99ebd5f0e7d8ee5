package org.witrpc.spi;

import java.net.URI;

/**
 * Creates the transports of one URI scheme. Implementations are found with {@link
 * java.util.ServiceLoader}: a transport artifact lists its provider in {@code
 * META-INF/services/org.witrpc.spi.TransportProvider}.
 *
 * <p>Thread safety: implementations must be stateless or thread-safe.
 */
public interface TransportProvider {

  /** The URI scheme this provider handles, for example {@code "pipe"}. */
  String scheme();

  /**
   * An unstarted server transport for {@code uri}. Settings in the URI's query override {@code
   * defaults}.
   *
   * @throws IllegalArgumentException if the URI is malformed or has an unknown option
   */
  ServerTransport server(URI uri, TransportOptions defaults);

  /**
   * A client transport for {@code uri}.
   *
   * @throws IllegalArgumentException if the URI is malformed or has an unknown option
   */
  ClientTransport client(URI uri, TransportOptions defaults);
}
