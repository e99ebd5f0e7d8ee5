package org.witrpc.internal;

import java.util.Optional;

/**
 * The settings the two sides of a connection must share, compared in the handshake, and how a
 * difference is named: the protocol version, the serializer and encryption, in this order; also the
 * flag rule of a client's HELLO (token binding only with encryption). The server checks the
 * client's HELLO against its own settings and refuses it with HELLO_ACK 400 and this message; the
 * client checks the server's HELLO_ACK the same way, so both name a difference alike.
 *
 * <p>Thread safety: stateless.
 */
public final class SettingsMismatch {
  private SettingsMismatch() {}

  /**
   * The first difference between the client's HELLO and the server's settings (as its HELLO_ACK
   * carries them), or empty if they fit.
   */
  public static Optional<String> between(Handshake.Hello client, Handshake.Hello server) {
    if (client.version() != server.version()) {
      return Optional.of(
          "protocol version mismatch: client speaks version "
              + client.version()
              + ", server speaks version "
              + server.version());
    }
    if (!client.serializer().equals(server.serializer())) {
      return Optional.of(
          "serializer mismatch: client uses '"
              + client.serializer()
              + "', server uses '"
              + server.serializer()
              + "'");
    }
    if (client.encryption() != server.encryption()) {
      return Optional.of(
          "encryption mismatch: client has encryption "
              + onOff(client.encryption())
              + ", server has it "
              + onOff(server.encryption()));
    }
    if (client.tokenBinding() && !client.encryption()) {
      return Optional.of("token binding (flags bit 1) requires encryption (flags bit 0)");
    }
    return Optional.empty();
  }

  private static String onOff(boolean on) {
    return on ? "on" : "off";
  }
}
