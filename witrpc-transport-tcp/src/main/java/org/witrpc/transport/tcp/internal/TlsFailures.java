package org.witrpc.transport.tcp.internal;

import io.netty.channel.Channel;
import io.netty.handler.ssl.NotSslRecordException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.witrpc.WitSecurityException;

/**
 * What a failed TLS handshake means, in words: the client's error names the cause (an untrusted,
 * expired or misnamed certificate, a missing client certificate, a plain server); the server logs
 * one line per failed handshake and goes on.
 *
 * <p>Thread safety: stateless.
 */
public final class TlsFailures {

  private TlsFailures() {}

  /** The client's error for a failed handshake with {@code address}. */
  public static WitSecurityException clientFailure(String address, Throwable cause) {
    return new WitSecurityException(
        "TLS with " + address + " failed: " + cause.getMessage() + hint(cause), cause);
  }

  /** The {@link SSLException} in {@code cause}'s chain, or null. */
  public static SSLException sslCause(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        return (SSLException) t;
      }
    }
    return null;
  }

  /**
   * Logs why a connection failed before it was admitted: a WARN for a TLS failure, DEBUG for
   * anything else. {@code plainClient} says what a plain client of this TLS server is.
   */
  public static void logServerSide(
      Logger log, Object server, Channel channel, Throwable cause, String plainClient) {
    Throwable root = cause.getCause() != null ? cause.getCause() : cause;
    if (root instanceof NotSslRecordException) {
      log.warn(
          "{}: {} sent no TLS ({} to a TLS server?); dropping it",
          server,
          channel.remoteAddress(),
          plainClient);
    } else if (root instanceof SSLException) {
      log.warn(
          "{}: TLS handshake with {} failed: {}; dropping it",
          server,
          channel.remoteAddress(),
          root.getMessage());
    } else {
      log.debug("{}: {} failed before it was admitted", server, channel.remoteAddress(), cause);
    }
  }

  private static String hint(Throwable cause) {
    String message = String.valueOf(cause.getMessage());
    if (message.contains("certificate_required") || message.contains("bad_certificate")) {
      return " (the server requires a client certificate it trusts: give the client one)";
    }
    if (message.contains("No subject alternative") || message.contains("No name matching")) {
      return " (the server's certificate is not for this host name)";
    }
    if (message.contains("PKIX") || message.contains("certificate_unknown")) {
      return " (the certificate is not trusted or not valid now: check the trust and the dates)";
    }
    if (message.contains("not an SSL/TLS record")
        || message.contains("Unsupported or unrecognized")) {
      return " (is the server a plain one, without TLS?)";
    }
    return "";
  }
}
