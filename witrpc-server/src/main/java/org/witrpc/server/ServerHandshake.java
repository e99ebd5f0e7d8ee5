package org.witrpc.server;

import static org.witrpc.server.ServerConnection.LOG;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.Future;
import org.witrpc.Status;
import org.witrpc.WitSecurityException;
import org.witrpc.WitTransportException;
import org.witrpc.internal.Envelope;
import org.witrpc.internal.Handshake;
import org.witrpc.internal.HandshakeTranscript;
import org.witrpc.internal.KeyExchange;
import org.witrpc.internal.MessageType;
import org.witrpc.internal.SecureChannel;
import org.witrpc.internal.SessionKeys;
import org.witrpc.internal.SettingsMismatch;
import org.witrpc.server.ServerConnection.State;
import org.witrpc.spi.Connection;

/**
 * The server's side of the handshake of one connection, the counterpart of the client's {@code
 * Connector}: HELLO / HELLO_ACK (the settings both sides must share, and with encryption on the key
 * agreement of the connection's {@link SecureChannel}, so AUTH and everything after it travel
 * encrypted), then AUTH / AUTH_ACK (the access token, checked or bound into the keys).
 *
 * <p>A connection that is not READY within the server's handshake timeout is told GOODBYE and
 * closed, so a silent peer cannot hold a client slot. Until READY the transport accepts only
 * handshake-sized frames ({@link org.witrpc.spi.TransportOptions#HANDSHAKE_FRAME_LIMIT}); the limit
 * is lifted through {@link Connection#allowLargeFrames()} before AUTH_ACK is sent.
 *
 * <p>Thread safety: HELLO and AUTH arrive on the transport's reader one at a time; the deadline
 * fires on the handshake timer's thread and only reads the connection's state.
 */
final class ServerHandshake {
  private final ServerConnection owner;
  private final Connection connection;
  private final ServerSettings settings;
  private final SecureChannel secure;
  private volatile boolean tokenBound; // set in onHello (before AUTH can arrive)
  private volatile Future<?> deadline;

  /**
   * @param connection where handshake frames are sent: the transport's connection, or {@code
   *     secure}
   * @param secure the encrypting layer when the server demands encryption, else null
   */
  ServerHandshake(
      ServerConnection owner,
      Connection connection,
      ServerSettings settings,
      SecureChannel secure) {
    this.owner = owner;
    this.connection = connection;
    this.settings = settings;
    this.secure = secure;
  }

  /**
   * Sends a handshake answer; one that finds the connection closed (the client gave up, say) is
   * {@link ServerConnection.ClientGone}, not the client's protocol fault.
   */
  private void send(ByteBuffer frame) {
    try {
      connection.send(frame);
    } catch (ServerConnection.ClientGone e) {
      throw e;
    } catch (WitTransportException e) {
      if (!connection.isOpen()) {
        throw new ServerConnection.ClientGone(e);
      }
      throw e;
    }
  }

  /** Closes the connection unless it is READY when the handshake timeout has passed. */
  void startDeadline() {
    deadline = settings.handshakeTimer().schedule(this::timedOut);
  }

  void cancelDeadline() {
    Future<?> d = deadline;
    if (d != null) {
      d.cancel(false);
    }
  }

  private void timedOut() {
    State s = owner.state();
    if (s == State.READY || s == State.CLOSED) {
      return;
    }
    long millis = settings.handshakeTimer().timeout().toMillis();
    settings
        .peerWarnings()
        .warn(
            LOG,
            "handshake timeout",
            "{}: no complete handshake within the handshake timeout of {} ms (state {}); closing",
            owner.description(),
            millis,
            s);
    // the timer thread serves every connection: a peer that does not read cannot hold it
    owner.goodbye(
        "handshake not completed within " + millis + " ms",
        System.nanoTime() + ServerConnection.GOODBYE_WAIT_NANOS);
  }

  /**
   * The handshake and authorization are done: lifts the transport's pre-READY frame limit (before
   * AUTH_ACK goes out, so before the client can send a large frame) and ends the deadline.
   */
  private void becomeReady() {
    connection.allowLargeFrames();
    owner.state(State.READY);
    cancelDeadline();
  }

  void onHello(Envelope env, ByteBuffer frame) {
    if (env.type() != MessageType.HELLO) {
      owner.violation(env.type() + " before HELLO");
      return;
    }
    if (!settings.lifecycle().accepting()) {
      refuse(MessageType.HELLO_ACK, Status.UNAVAILABLE, "server is not accepting connections");
      return;
    }
    Handshake.Hello hello = Handshake.readHello(env.body());
    boolean serverBinds = settings.tokenCheck().binds();
    int flags =
        (settings.encryption() ? Handshake.FLAG_ENCRYPTION : 0)
            | (serverBinds ? Handshake.FLAG_TOKEN_BINDING : 0);
    Handshake.Hello ours =
        new Handshake.Hello(
            Handshake.PROTOCOL_VERSION,
            flags,
            settings.serializer().name(),
            settings.maxMetadataBytes(),
            connection.maxReceiveFrameSize());
    Optional<String> mismatch = SettingsMismatch.between(hello, ours);
    if (mismatch.isPresent()) {
      refuse(MessageType.HELLO_ACK, Status.BAD_REQUEST, mismatch.get());
      return;
    }
    owner.peerMaxFrameSize(hello.maxFrameSize());
    if (!settings.encryption()) {
      owner.state(State.AWAIT_AUTH);
      send(Handshake.hello(MessageType.HELLO_ACK, ours));
      return;
    }
    byte[] clientKey = Handshake.readPublicKey(env.body());
    KeyExchange kx = KeyExchange.generate();
    ByteBuffer ack = Handshake.hello(MessageType.HELLO_ACK, ours, kx.publicKey());
    byte[] transcript = new HandshakeTranscript().add(frame).add(ack).hash();
    tokenBound = serverBinds && hello.tokenBinding();
    SessionKeys keys =
        tokenBound
            ? SessionKeys.deriveBound(
                kx.agree(clientKey), transcript, settings.tokenCheck().binding().orElseThrow())
            : SessionKeys.derive(kx.agree(clientKey), transcript);
    owner.state(State.AWAIT_AUTH);
    // HELLO_ACK is the last frame in clear each way; this reader handles the next frame (AUTH)
    // only after start(), and nothing else is sent before it
    send(ack);
    secure.start(keys.sealer(false), keys.opener(false));
    keys.wipe();
  }

  void onAuth(Envelope env) {
    if (env.type() != MessageType.AUTH) {
      owner.violation(env.type() + " before AUTH");
      return;
    }
    if (tokenBound) {
      // AUTH opened with the token-bound key: the client holds the same token
      if (!Handshake.isTokenBound(env.body())) {
        logTokenRefused(" (sent although both sides bind it)");
        refuse(
            MessageType.AUTH_ACK,
            Status.UNAUTHORIZED,
            "access token refused: both sides bind the token into the keys, so AUTH must not carry"
                + " it");
        return;
      }
      accept();
      return;
    }
    if (Handshake.isTokenBound(env.body())) {
      refuse(
          MessageType.AUTH_ACK,
          Status.UNAUTHORIZED,
          "AUTH says the token is bound into the keys, but the handshake did not agree on it");
      return;
    }
    String token = Handshake.readAuth(env.body());
    if (!token.isEmpty() && settings.tokenCheck().binds()) {
      // a client that sends the token where the server binds it: never compare it (refuse alike)
      logTokenRefused(" (sent instead of bound)");
      refuse(
          MessageType.AUTH_ACK,
          Status.UNAUTHORIZED,
          "access token refused: this server binds the token into the key agreement"
              + " (HELLO flags bit 1); the client must bind it too instead of sending it");
      return;
    }
    boolean accepted;
    try {
      accepted = settings.tokenCheck().test(token);
    } catch (RuntimeException e) {
      LOG.warn("{}: token validator failed; refusing the client", owner.description(), e);
      accepted = false;
    }
    if (!accepted) {
      logTokenRefused("");
      refuse(
          MessageType.AUTH_ACK,
          Status.UNAUTHORIZED,
          token.isEmpty() ? "the server requires an access token" : "access token refused");
      return;
    }
    accept();
  }

  private void accept() {
    Optional<String> refusal;
    try {
      refusal = settings.peerCheck().refusal(connection.peerPrincipal());
    } catch (RuntimeException e) {
      LOG.warn("{}: peer validator failed; refusing the client", owner.description(), e);
      refusal = Optional.of("peer identity refused");
    }
    if (refusal.isPresent()) {
      settings
          .peerWarnings()
          .info(LOG, "peer refused", "{}: {}", owner.description(), refusal.get());
      refuse(MessageType.AUTH_ACK, Status.UNAUTHORIZED, refusal.get());
      return;
    }
    owner.peer(
        new Peer(
            owner.description(),
            settings.tokenCheck().verifies(),
            connection.peerPrincipal(),
            connection.peerAddress()));
    becomeReady();
    send(Handshake.status(MessageType.AUTH_ACK, Status.OK, ""));
  }

  private void refuse(MessageType type, Status status, String message) {
    owner.state(State.CLOSED);
    try {
      send(Handshake.status(type, status, message));
    } finally {
      connection.close();
    }
  }

  /** Names a token-bound AUTH that the server could not open, when the connection ends so. */
  void onClosed(Throwable cause) {
    if (owner.state() == State.AWAIT_AUTH && tokenBound && cause instanceof WitSecurityException) {
      logTokenRefused(
          ": AUTH did not authenticate with the token-bound key (the client's token differs, or"
              + " the client does not know it)");
    }
  }

  /** A refused token, at INFO once in a while (a peer guessing tokens must not flood the log). */
  private void logTokenRefused(String why) {
    settings
        .peerWarnings()
        .info(LOG, "access token refused", "{}: access token refused{}", owner.description(), why);
  }
}
