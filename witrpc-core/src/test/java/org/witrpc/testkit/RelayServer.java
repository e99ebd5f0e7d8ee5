package org.witrpc.testkit;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.witrpc.Status;
import org.witrpc.internal.Envelope;
import org.witrpc.internal.EnvelopeCodec;
import org.witrpc.internal.Handshake;
import org.witrpc.internal.HandshakeTranscript;
import org.witrpc.internal.KeyExchange;
import org.witrpc.internal.MessageType;
import org.witrpc.internal.SecureChannel;
import org.witrpc.internal.SessionKeys;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.Connection;
import org.witrpc.spi.FrameListener;
import org.witrpc.spi.ServerTransport;

/**
 * A man in the middle: listens where the client expects the server, and for each client opens its
 * own connection to the real server. It runs its own handshake on both legs with the library's own
 * classes (its own X25519 keys; the flags each side sent are passed on unchanged), opens whatever
 * it can, and re-seals and forwards it: the client's AUTH (reading the token, if it is in there)
 * and then every call. It holds no access token. Tests assert that it never reads the token and
 * that no call gets through.
 *
 * <p>Thread safety: safe for concurrent use; the records are concurrent.
 */
public final class RelayServer implements AutoCloseable {
  private final ServerTransport front;
  private final ClientTransport upstream;

  /** Every frame from the client that the relay could read in clear. */
  public final List<Envelope> fromClient = new CopyOnWriteArrayList<>();

  /** Every token the relay read from an AUTH. */
  public final List<String> tokens = new CopyOnWriteArrayList<>();

  /** REQUEST, SUBSCRIBE and UNSUBSCRIBE frames it forwarded to the real server. */
  public final AtomicInteger forwardedCalls = new AtomicInteger();

  private RelayServer(ServerTransport front, ClientTransport upstream) {
    this.front = front;
    this.upstream = upstream;
  }

  /** Starts a relay on {@code front} (unstarted; the relay closes it) to {@code upstream}. */
  public static RelayServer start(ServerTransport front, ClientTransport upstream) {
    RelayServer relay = new RelayServer(front, upstream);
    front.start(relay::accept);
    return relay;
  }

  @Override
  public void close() {
    front.close();
  }

  private FrameListener accept(Connection clientSide) {
    SecureChannel down = new SecureChannel().attach(clientSide);
    down.listener(new Leg(down, clientSide));
    return down;
  }

  /** Both legs of one relayed connection. */
  private final class Leg implements FrameListener {
    private final SecureChannel down;
    private final Connection downClear;
    private final SecureChannel up = new SecureChannel();
    private final KeyExchange upKeys = KeyExchange.generate();
    private volatile ByteBuffer clientHello;
    private volatile ByteBuffer upHello;

    Leg(SecureChannel down, Connection downClear) {
      this.down = down;
      this.downClear = downClear;
    }

    /** A frame from the client (opened with the client leg's keys where it could be). */
    @Override
    public void onFrame(ByteBuffer frame) {
      Envelope env = EnvelopeCodec.decode(frame.duplicate());
      fromClient.add(env);
      switch (env.type()) {
        case HELLO -> openUpstream(frame, env);
        case AUTH -> {
          String token = Handshake.readAuth(env.body().duplicate());
          tokens.add(token);
          up.send(Handshake.auth(token));
        }
        default -> {
          if (env.type() == MessageType.REQUEST
              || env.type() == MessageType.SUBSCRIBE
              || env.type() == MessageType.UNSUBSCRIBE) {
            forwardedCalls.incrementAndGet();
          }
          up.send(frame);
        }
      }
    }

    private void openUpstream(ByteBuffer frame, Envelope env) {
      clientHello = copy(frame);
      Handshake.Hello theirs = Handshake.readHello(env.body());
      up.listener(new FromServer());
      up.attach(upstream.connect(up, Duration.ofSeconds(5)));
      ByteBuffer hello =
          theirs.encryption()
              ? Handshake.hello(MessageType.HELLO, theirs, upKeys.publicKey())
              : Handshake.hello(MessageType.HELLO, theirs);
      upHello = copy(hello);
      up.send(hello);
    }

    @Override
    public void onClosed(Throwable cause) {
      if (upHello != null) {
        up.close();
      }
    }

    /** Frames from the real server. */
    private final class FromServer implements FrameListener {
      @Override
      public void onFrame(ByteBuffer frame) {
        Envelope env = EnvelopeCodec.decode(frame.duplicate());
        if (env.type() != MessageType.HELLO_ACK) {
          down.send(frame);
          return;
        }
        if (env.status() != Status.OK.code()) {
          downClear.send(frame);
          downClear.close();
          return;
        }
        Handshake.Hello server = Handshake.readHello(env.body().duplicate());
        if (server.encryption()) {
          ByteBuffer body = env.body().duplicate();
          Handshake.readHello(body);
          byte[] serverKey = Handshake.readPublicKey(body);
          byte[] t = new HandshakeTranscript().add(upHello).add(frame).hash();
          SessionKeys keys = SessionKeys.derive(upKeys.agree(serverKey), t);
          up.start(keys.sealer(true), keys.opener(true));
        }
        // toward the client: the server's flags, the relay's own key
        downClear.send(ImpostorServer.answerHello(clientHello, server.flags(), down));
      }

      @Override
      public void onClosed(Throwable cause) {
        down.close();
      }
    }
  }

  private static ByteBuffer copy(ByteBuffer b) {
    return ByteBuffer.wrap(ImpostorServer.bytes(b));
  }
}
