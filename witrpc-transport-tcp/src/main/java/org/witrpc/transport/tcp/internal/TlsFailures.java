package org.witrpc.transport.tcp.internal;

import io.netty.channel.Channel;
import io.netty.handler.ssl.NotSslRecordException;
import java.nio.channels.ClosedChannelException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.witrpc.WitException;
import org.witrpc.WitSecurityException;
import org.witrpc.WitTransportException;
import org.witrpc.internal.WarningThrottle;

/**
 * What a failed TLS handshake means, in words: the client's error names the cause (an untrusted,
 * expired or misnamed certificate, a missing client certificate, a plain server, a server that
 * closed the connection); the server logs why and goes on, a WARN for the first failure of a kind
 * and DEBUG for more ({@link WarningThrottle}). No message says a bare "null": a cause without a
 * message is named by its kind.
 *
 * <p>Thread safety: stateless.
 */
public final class TlsFailures {

  /** How much of a non-TLS answer a client's error shows. */
  private static final int SHOWN_BYTES = 32;

  private TlsFailures() {}

  /**
   * The client's error for a failed handshake with {@code address}: a {@link WitTransportException}
   * if the server closed the connection (that is no verdict on anyone's certificate), else a {@link
   * WitSecurityException}.
   *
   * @param plainServer what a plain server of this transport is, for the hint: {@code "a plain
   *     tcp:// server"}
   */
  public static WitException clientFailure(String address, Throwable cause, String plainServer) {
    if (closedChannel(cause)) {
      return new WitTransportException(
          "TLS with "
              + address
              + " failed: the server closed the connection during the TLS handshake (is it "
              + plainServer
              + " or not a witrpc server? or did it refuse this client's certificate?)",
          cause);
    }
    NotSslRecordException notTls = notTls(cause);
    if (notTls != null) {
      return new WitSecurityException(
          "TLS with "
              + address
              + " failed: the server answered with something that is not TLS, beginning \""
              + firstBytes(notTls)
              + "\" (is it "
              + plainServer
              + " or another kind of server?)",
          cause);
    }
    return new WitSecurityException(
        "TLS with " + address + " failed: " + describe(cause) + hint(cause), cause);
  }

  private static NotSslRecordException notTls(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof NotSslRecordException) {
        return (NotSslRecordException) t;
      }
    }
    return null;
  }

  /**
   * The first {@value #SHOWN_BYTES} bytes of what a server sent instead of TLS, from the hex dump
   * that Netty's message carries (all of what it read: up to kilobytes a server chose), as text:
   * printable ASCII as is, anything else as '.'. An answer such as "HTTP/1.1 400 Bad Request" says
   * what the server is.
   */
  static String firstBytes(NotSslRecordException notTls) {
    String message = notTls.getMessage() == null ? "" : notTls.getMessage();
    String hex = message.substring(message.indexOf(':') + 1).trim();
    StringBuilder text = new StringBuilder();
    for (int i = 0; i + 1 < hex.length() && text.length() < SHOWN_BYTES; i += 2) {
      int b = Character.digit(hex.charAt(i), 16) << 4 | Character.digit(hex.charAt(i + 1), 16);
      text.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
    }
    return text.toString();
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
   * Logs why a connection failed before it was admitted: a WARN for a TLS failure (through {@code
   * warnings}, so that only the first of a kind in a while is one), DEBUG for anything else. {@code
   * plainClient} says what a plain client of this TLS server is.
   */
  public static void logServerSide(
      Logger log,
      WarningThrottle warnings,
      Object server,
      Channel channel,
      Throwable cause,
      String plainClient) {
    Throwable root = cause.getCause() != null ? cause.getCause() : cause;
    if (root instanceof NotSslRecordException) {
      warnings.warn(
          log,
          "plain client",
          "{}: {} sent no TLS ({} to a TLS server?); dropping it",
          server,
          channel.remoteAddress(),
          plainClient);
    } else if (root instanceof SSLException) {
      warnings.warn(
          log,
          "TLS handshake",
          "{}: TLS handshake with {} failed: {}; dropping it",
          server,
          channel.remoteAddress(),
          describe(root));
    } else {
      log.debug("{}: {} failed before it was admitted", server, channel.remoteAddress(), cause);
    }
  }

  private static boolean closedChannel(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof ClosedChannelException) {
        return true;
      }
    }
    return false;
  }

  /** The message of {@code cause}, or its kind if it has none. */
  private static String describe(Throwable cause) {
    String message = cause.getMessage();
    return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
  }

  private static String hint(Throwable cause) {
    String message = describe(cause);
    if (message.contains("certificate_required") || message.contains("bad_certificate")) {
      return " (the server requires a client certificate it trusts: give the client one)";
    }
    if (message.contains("No subject alternative") || message.contains("No name matching")) {
      return " (the server's certificate is not for this host name)";
    }
    if (message.contains("Illegal given domain name")) {
      return " (a host name with '_' cannot be checked against a certificate: connect by another"
          + " name of the server, or turn hostnameVerification off)";
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
