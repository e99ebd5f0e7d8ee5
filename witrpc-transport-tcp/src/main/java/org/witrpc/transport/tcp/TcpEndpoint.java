package org.witrpc.transport.tcp;

import java.util.Objects;
import org.witrpc.transport.tcp.internal.PlainExposure;

/**
 * A host and port of {@code tcp://}: checks them and writes them as a URI ({@code tcp://[::1]:7000}
 * for an IPv6 address).
 *
 * <p>Thread safety: immutable.
 */
final class TcpEndpoint {
  static final String SCHEME = "tcp";

  /** The address form, for errors. */
  static final String FORM = "tcp://HOST:PORT, for example tcp://127.0.0.1:7000";

  private final String host;
  private final int port;

  private TcpEndpoint(String host, int port) {
    this.host = host;
    this.port = port;
  }

  /**
   * @param host a host name or an IP address (an IPv6 address with or without brackets)
   * @param port 0 to 65535 (0: any free port, for a server)
   */
  static TcpEndpoint of(String host, int port) {
    Objects.requireNonNull(host, "host == null");
    String bare =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (bare.isBlank()) {
      throw new IllegalArgumentException("no host; expected for example tcp://127.0.0.1:7000");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is not between 0 and 65535");
    }
    return new TcpEndpoint(bare, port);
  }

  String host() {
    return host;
  }

  int port() {
    return port;
  }

  TcpEndpoint withPort(int newPort) {
    return new TcpEndpoint(host, newPort);
  }

  /** Whether the host is a loopback address (see {@link PlainExposure#isLoopback}). */
  boolean isLoopback() {
    return PlainExposure.isLoopback(host);
  }

  String address() {
    return SCHEME + "://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  @Override
  public String toString() {
    return address();
  }
}
