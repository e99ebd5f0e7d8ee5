package org.witrpc.transport.tcp.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.WitTransportException;

/**
 * The rule for a server without TLS: it listens on loopback addresses only, unless the user says
 * {@code insecure=true}, which logs a warning.
 *
 * <p>Thread safety: stateless.
 */
public final class PlainExposure {

  private static final Logger log = LoggerFactory.getLogger(PlainExposure.class);

  private PlainExposure() {}

  /**
   * Whether {@code host} is a loopback address (127.0.0.0/8, ::1, or a name such as localhost that
   * resolves to one). A wildcard address (0.0.0.0, ::) is not: it listens on every interface.
   */
  public static boolean isLoopback(String host) {
    try {
      for (InetAddress address : InetAddress.getAllByName(host)) {
        if (!address.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * Refuses a plain server on a non-loopback {@code host} unless {@code insecure}; warns if so.
   *
   * @param address the server's address, for the messages
   * @param plain what it would serve, for example {@code "plain TCP"}
   * @param builderHint where to say insecure in code, for example {@code
   *     "TcpTransport.server(...).insecure(true)"}
   * @throws WitTransportException if refused
   */
  public static void check(
      String address, String host, boolean insecure, String plain, String builderHint) {
    if (isLoopback(host)) {
      return;
    }
    if (!insecure) {
      throw new WitTransportException(
          "refusing to start server "
              + address
              + " without TLS on a non-loopback address: anyone on the network could connect"
              + " and read the traffic. Configure TLS (certificate and key), listen on 127.0.0.1,"
              + " or say insecure=true ("
              + builderHint
              + ") if "
              + plain
              + " is wanted here");
    }
    log.warn(
        "{}: listening WITHOUT TLS on a non-loopback address (insecure=true): traffic can be read"
            + " and changed on the network",
        address);
  }
}
