package org.witrpc.client;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.witrpc.Metadata;
import org.witrpc.Status;
import org.witrpc.WitSecurityException;
import org.witrpc.WitTransportException;
import org.witrpc.internal.Envelope;
import org.witrpc.internal.FrameCipher;
import org.witrpc.internal.Handshake;
import org.witrpc.internal.HandshakeTranscript;
import org.witrpc.internal.KeyExchange;
import org.witrpc.internal.MessageType;
import org.witrpc.internal.SecureChannel;
import org.witrpc.internal.SessionKeys;
import org.witrpc.internal.SettingsMismatch;
import org.witrpc.internal.TrafficCounter;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.Serializer;

/**
 * Opens one connection to the server and runs the handshake on it: HELLO / HELLO_ACK (version,
 * serializer, encryption and its key agreement), then AUTH / AUTH_ACK. Used for the first connect
 * and for every reconnect attempt.
 *
 * <p>Thread safety: immutable; {@link #open} may run on several threads at once.
 */
final class Connector {
  private final TrafficCounter traffic;
  private final ClientTransport transport;
  private final Serializer serializer;
  private final boolean encryption;
  private final String accessToken;
  private final byte[] tokenBinding; // null: no token to bind (no token, or no encryption)
  private final boolean sendTokenToServer;
  private final Subscriptions subscriptions;
  private final int maxUndeliveredCallbacks;
  private final long spinNanos;

  /**
   * @param sendTokenToServer whether the token may be sent (encrypted) to a server that does not
   *     bind it into the keys; if false such a server is refused
   * @param spinNanos how long the connecting thread reads a handshake answer itself before it parks
   *     (the client's spin budget, as for a call's reply)
   */
  Connector(
      ClientTransport transport,
      Serializer serializer,
      boolean encryption,
      String accessToken,
      boolean sendTokenToServer,
      Subscriptions subscriptions,
      int maxUndeliveredCallbacks,
      long spinNanos,
      TrafficCounter traffic) {
    this.transport = transport;
    this.traffic = traffic;
    this.serializer = serializer;
    this.encryption = encryption;
    this.accessToken = accessToken;
    this.tokenBinding =
        encryption && !accessToken.isEmpty() ? SessionKeys.tokenBinding(accessToken) : null;
    this.sendTokenToServer = sendTokenToServer;
    this.subscriptions = subscriptions;
    this.maxUndeliveredCallbacks = maxUndeliveredCallbacks;
    this.spinNanos = spinNanos;
  }

  String address() {
    return transport.address();
  }

  /**
   * A connection that passed the handshake.
   *
   * @param onLost told when the connection ends later
   * @throws WitTransportException if the server cannot be reached, refuses new connections or
   *     closes the connection
   * @throws WitSecurityException if the server refuses the access token or the settings differ
   */
  ClientConnection open(
      Duration timeout, BiConsumer<ClientConnection, WitTransportException> onLost) {
    long deadline = System.nanoTime() + timeout.toNanos();
    ClientConnection cc =
        new ClientConnection(serializer, subscriptions, maxUndeliveredCallbacks, onLost);
    SecureChannel channel = null;
    if (encryption) {
      channel = new SecureChannel().listener(cc);
      cc.attach(
          channel.attach(
              traffic.countSends(transport.connect(traffic.countReceives(channel), timeout))));
    } else {
      cc.attach(traffic.countSends(transport.connect(traffic.countReceives(cc), timeout)));
    }
    try {
      handshake(cc, channel, deadline);
    } catch (RuntimeException e) {
      cc.connection().close();
      throw e;
    }
    return cc;
  }

  private void handshake(ClientConnection cc, SecureChannel channel, long deadline) {
    String address = transport.address();
    boolean bind = tokenBinding != null;
    int flags =
        (encryption ? Handshake.FLAG_ENCRYPTION : 0) | (bind ? Handshake.FLAG_TOKEN_BINDING : 0);
    Handshake.Hello ours =
        new Handshake.Hello(
            Handshake.PROTOCOL_VERSION,
            flags,
            serializer.name(),
            Metadata.DEFAULT_MAX_SIZE,
            cc.connection().maxReceiveFrameSize());
    KeyExchange kx = encryption ? KeyExchange.generate() : null;
    ByteBuffer hello =
        encryption
            ? Handshake.hello(MessageType.HELLO, ours, kx.publicKey())
            : Handshake.hello(MessageType.HELLO, ours);
    HandshakeTranscript transcript = new HandshakeTranscript().add(hello);
    cc.connection().send(hello);
    Envelope helloAck = expect(cc, deadline, MessageType.HELLO_ACK);
    if (helloAck.status() == Status.UNAVAILABLE.code()) {
      throw new WitTransportException(
          address + " refused the connection: " + Handshake.readStatusMessage(helloAck.body()));
    }
    if (helloAck.status() != Status.OK.code()) {
      throw new WitSecurityException(
          address + " refused the handshake: " + Handshake.readStatusMessage(helloAck.body()));
    }
    transcript.add(helloAck);
    Handshake.Hello theirs = Handshake.readHello(helloAck.body());
    checkSameSettings(address, ours, theirs);
    cc.maxMetadataBytes(theirs.maxMetadataBytes());
    cc.outbound()
        .peerMaxFrameSize(
            "the server", theirs.maxFrameSize(), encryption ? FrameCipher.TAG_SIZE : 0);
    boolean bound = bind && theirs.tokenBinding();
    if (bind && !bound && !sendTokenToServer) {
      throw new WitSecurityException(
          address
              + " does not bind the access token into the key agreement (its HELLO_ACK lacks the"
              + " token-binding flag): it is a server with a tokenValidator, one without an access"
              + " token, or an impostor that wants the token. The token was not sent and no call"
              + " was made. If the real server uses a tokenValidator, allow sending the token to it"
              + " with WitClient.Builder.sendTokenToServer(true)");
    }
    if (encryption) {
      byte[] serverKey = Handshake.readPublicKey(helloAck.body());
      SessionKeys keys =
          bound
              ? SessionKeys.deriveBound(kx.agree(serverKey), transcript.hash(), tokenBinding)
              : SessionKeys.derive(kx.agree(serverKey), transcript.hash());
      // the server answers AUTH only after it arrives, so AUTH_ACK is opened with these keys
      channel.start(keys.sealer(true), keys.opener(true));
      keys.wipe();
    }
    try {
      cc.connection().send(bound ? Handshake.authTokenBound() : Handshake.auth(accessToken));
    } catch (WitTransportException closed) {
      // closed meanwhile (a frame the channel refused, say): why comes as the answer below
    }
    Envelope authAck;
    try {
      authAck = expect(cc, deadline, MessageType.AUTH_ACK);
    } catch (WitTransportException | WitSecurityException e) {
      if (!bound) {
        throw e;
      }
      // a server without the token can neither open AUTH nor seal an AUTH_ACK we can open
      throw new WitSecurityException(
          address
              + " did not prove that it knows the access token (access token refused, or not"
              + " the real server: no AUTH_ACK that authenticates with the token-bound key; "
              + e.getMessage()
              + "). The client and server tokens differ, or this is not the real server; no"
              + " call was sent",
          e);
    }
    if (authAck.status() != Status.OK.code()) {
      throw new WitSecurityException(
          address
              + " refused authorization (status "
              + authAck.status()
              + "): "
              + Handshake.readStatusMessage(authAck.body()));
    }
  }

  /** A server that accepted HELLO but answers with other settings is not trusted either. */
  private static void checkSameSettings(
      String address, Handshake.Hello ours, Handshake.Hello theirs) {
    Optional<String> mismatch = SettingsMismatch.between(ours, theirs);
    if (mismatch.isPresent()) {
      throw new WitSecurityException(address + " answered the handshake with " + mismatch.get());
    }
  }

  private Envelope expect(ClientConnection cc, long deadline, MessageType type) {
    Envelope env = cc.awaitHandshake(deadline - System.nanoTime(), spinNanos, transport.address());
    if (env.type() != type) {
      throw new WitTransportException(
          transport.address() + " answered " + env.type() + " where " + type + " was expected");
    }
    return env;
  }
}
