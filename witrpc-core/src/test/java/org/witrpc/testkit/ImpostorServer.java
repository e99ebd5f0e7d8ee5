package org.witrpc.testkit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.witrpc.Status;
import org.witrpc.internal.Envelope;
import org.witrpc.internal.EnvelopeCodec;
import org.witrpc.internal.Handshake;
import org.witrpc.internal.HandshakeTranscript;
import org.witrpc.internal.KeyExchange;
import org.witrpc.internal.MessageType;
import org.witrpc.internal.SecureChannel;
import org.witrpc.internal.SessionKeys;
import org.witrpc.spi.Connection;
import org.witrpc.spi.FrameListener;
import org.witrpc.spi.ServerTransport;

/**
 * A server that runs the real handshake with the library's own classes ({@link Handshake}, {@link
 * KeyExchange}, {@link SessionKeys}, {@link SecureChannel}) but holds no access token: what anyone
 * who gets to listen on a server's address can do. It answers every HELLO, opens what it can, says
 * AUTH_ACK 200 to any AUTH it could open, and records every frame it received (as on the wire and,
 * where it could open them, in clear). Tests assert what it never learned.
 *
 * <p>Thread safety: safe for concurrent use; the records are concurrent lists.
 */
public final class ImpostorServer implements AutoCloseable {

  /** What the impostor puts in its HELLO_ACK flags. */
  public enum Flags {
    /** Claims to bind the token whenever the client does (mirrors the client's flags). */
    MIRROR,
    /** Clears the token-binding bit (flags bit 1): a downgrade. */
    CLEAR_BINDING,
    /**
     * Mirrors the client's flags and sends, right behind its HELLO_ACK, an AUTH_ACK 200 in clear:
     * an answer to the AUTH the client has not sent yet, before the client could agree its keys.
     */
    MIRROR_THEN_CLEAR_AUTH_ACK
  }

  private final ServerTransport transport;
  private final Flags flags;

  /** Every frame as it arrived (sealed frames still sealed). */
  public final List<byte[]> raw = new CopyOnWriteArrayList<>();

  /** Every frame the impostor could read in clear (opened, where encrypted). */
  public final List<Envelope> opened = new CopyOnWriteArrayList<>();

  private ImpostorServer(ServerTransport transport, Flags flags) {
    this.transport = transport;
    this.flags = flags;
  }

  /** Starts an impostor on {@code transport} (unstarted; the impostor closes it). */
  public static ImpostorServer start(ServerTransport transport, Flags flags) {
    ImpostorServer impostor = new ImpostorServer(transport, flags);
    transport.start(impostor::accept);
    return impostor;
  }

  /** True if any frame it received, sealed or opened, contains {@code text} in UTF-8. */
  public boolean saw(String text) {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    for (byte[] f : raw) {
      if (contains(f, needle)) {
        return true;
      }
    }
    for (Envelope e : opened) {
      byte[] body = new byte[e.body().remaining()];
      e.body().duplicate().get(body);
      if (contains(body, needle)) {
        return true;
      }
    }
    return false;
  }

  /** True if it could read a frame of this type. */
  public boolean opened(MessageType type) {
    return opened.stream().anyMatch(e -> e.type() == type);
  }

  /** True if a frame of this type arrived, readable or not (the type is in the clear header). */
  public boolean received(MessageType type) {
    return raw.stream().anyMatch(f -> f.length > 0 && f[0] == type.code());
  }

  @Override
  public void close() {
    transport.close();
  }

  private FrameListener accept(Connection connection) {
    SecureChannel channel = new SecureChannel().attach(connection);
    channel.listener(new Session(channel, connection));
    return new FrameListener() {
      @Override
      public void onFrame(ByteBuffer frame) {
        raw.add(bytes(frame));
        channel.onFrame(frame);
      }

      @Override
      public void onClosed(Throwable cause) {
        channel.onClosed(cause);
      }
    };
  }

  /** One client connection; frames arrive one at a time on the transport's reader. */
  private final class Session implements FrameListener {
    private final SecureChannel channel;
    private final Connection clear;

    Session(SecureChannel channel, Connection clear) {
      this.channel = channel;
      this.clear = clear;
    }

    @Override
    public void onFrame(ByteBuffer frame) {
      Envelope env = EnvelopeCodec.decode(frame.duplicate());
      opened.add(env);
      switch (env.type()) {
        case HELLO -> {
          Handshake.Hello theirs = Handshake.readHello(env.body().duplicate());
          // bit 1 is token binding (a literal, so this also runs against a library without it)
          int ackFlags = flags == Flags.CLEAR_BINDING ? theirs.flags() & ~0b10 : theirs.flags();
          ByteBuffer ack = answerHello(frame, ackFlags, channel);
          clear.send(ack); // after start(): this reader opens AUTH only after this returns
          if (flags == Flags.MIRROR_THEN_CLEAR_AUTH_ACK) {
            clear.send(Handshake.status(MessageType.AUTH_ACK, Status.OK, ""));
          }
        }
        case AUTH -> channel.send(Handshake.status(MessageType.AUTH_ACK, Status.OK, ""));
        default -> {} // a call reached the impostor: recorded above
      }
    }

    @Override
    public void onClosed(Throwable cause) {}
  }

  /**
   * Plays the server's side of HELLO without a token: answers with the client's version and
   * serializer and {@code ackFlags}, installs unbound keys on {@code channel} (when encrypted) and
   * returns the HELLO_ACK to send in clear.
   */
  static ByteBuffer answerHello(ByteBuffer helloFrame, int ackFlags, SecureChannel channel) {
    Envelope hello = EnvelopeCodec.decode(helloFrame.duplicate());
    Handshake.Hello theirs = Handshake.readHello(hello.body());
    Handshake.Hello ours = new Handshake.Hello(theirs.version(), ackFlags, theirs.serializer());
    if (!theirs.encryption()) {
      return Handshake.hello(MessageType.HELLO_ACK, ours);
    }
    byte[] clientKey = Handshake.readPublicKey(hello.body());
    KeyExchange kx = KeyExchange.generate();
    ByteBuffer ack = Handshake.hello(MessageType.HELLO_ACK, ours, kx.publicKey());
    byte[] transcript = new HandshakeTranscript().add(helloFrame).add(ack).hash();
    SessionKeys keys = SessionKeys.derive(kx.agree(clientKey), transcript);
    channel.start(keys.sealer(false), keys.opener(false));
    return ack;
  }

  static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
