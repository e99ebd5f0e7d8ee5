package org.witrpc.transport.websocket;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.Objects;

/**
 * A host, port and path of {@code ws://} or {@code wss://}: checks them and writes them as a URI
 * ({@code ws://[::1]:7000/calc} for an IPv6 address).
 *
 * <p>Thread safety: immutable.
 */
final class WsEndpoint {
  static final String WS = "ws";
  static final String WSS = "wss";

  private final boolean secure;
  private final String host;
  private final int port;
  private final String path;
  private final String decodedPath;

  private WsEndpoint(boolean secure, String host, int port, String path) {
    this.secure = secure;
    this.host = host;
    this.port = port;
    this.path = path;
    this.decodedPath = decode(path);
  }

  /**
   * @param host a host name or an IP address (an IPv6 address with or without brackets)
   * @param port 0 to 65535 (0: any free port, for a server)
   * @param path the HTTP path of the endpoint, starting with {@code /}, percent-encoded as in a URI
   *     ({@code /my%20calc}); empty means {@code /}
   * @throws IllegalArgumentException if the host is blank, the port out of range, or the path does
   *     not start with {@code /}, has a query, fragment or space, or a malformed percent-encoding
   */
  static WsEndpoint of(boolean secure, String host, int port, String path) {
    Objects.requireNonNull(host, "host == null");
    Objects.requireNonNull(path, "path == null");
    String bare =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (bare.isBlank()) {
      throw new IllegalArgumentException("no host; expected for example ws://127.0.0.1:7000/rpc");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is not between 0 and 65535");
    }
    String p = path.isEmpty() ? "/" : path;
    if (!p.startsWith("/") || p.contains("?") || p.contains("#") || p.contains(" ")) {
      throw new IllegalArgumentException(
          "path '" + path + "' must start with / and have no query, fragment or space");
    }
    return new WsEndpoint(secure, bare, port, p);
  }

  boolean secure() {
    return secure;
  }

  String host() {
    return host;
  }

  int port() {
    return port;
  }

  /** The HTTP path as written in the URI, for example {@code /calc} or {@code /my%20calc}. */
  String path() {
    return path;
  }

  /**
   * The path with its percent-encoding decoded ({@code /my calc}): what a request's path is
   * compared with, since clients and proxies may encode the same characters differently.
   */
  String decodedPath() {
    return decodedPath;
  }

  /**
   * Decodes the percent-encoding of an HTTP path ({@code +} stays a plus).
   *
   * @throws IllegalArgumentException if the encoding is malformed ({@code %zz})
   */
  static String decode(String path) {
    try {
      return new QueryStringDecoder(path).path();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "path '" + path + "' has a malformed percent-encoding: " + e.getMessage(), e);
    }
  }

  WsEndpoint withPort(int newPort) {
    return new WsEndpoint(secure, host, newPort, path);
  }

  WsEndpoint secure(boolean newSecure) {
    return new WsEndpoint(newSecure, host, port, path);
  }

  /**
   * The {@code Host} header of a request to this endpoint: the host (an IPv6 address in brackets),
   * and the port unless it is the scheme's default (80, 443).
   */
  String hostHeader() {
    String name = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return port == (secure ? 443 : 80) ? name : name + ":" + port;
  }

  String address() {
    return (secure ? WSS : WS)
        + "://"
        + (host.indexOf(':') >= 0 ? "[" + host + "]" : host)
        + ":"
        + port
        + path;
  }

  @Override
  public String toString() {
    return address();
  }
}
