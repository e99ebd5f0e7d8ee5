package org.witrpc.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.witrpc.Serializers;
import org.witrpc.internal.CallDeadline;
import org.witrpc.internal.CallMetadata;
import org.witrpc.internal.Envelope;
import org.witrpc.internal.EnvelopeCodec;
import org.witrpc.internal.FrameBuffer;
import org.witrpc.internal.Handshake;
import org.witrpc.internal.MessageType;
import org.witrpc.internal.Route;
import org.witrpc.spi.Connection;
import org.witrpc.testkit.TestService;
import org.witrpc.testkit.TestServiceImpl;

/**
 * The server's handshake state machine fed random and mutated frame sequences through a fake {@link
 * Connection}: it never throws, never answers a call before a valid AUTH, never lifts the
 * transport's pre-READY frame limit for an unauthorized peer (and lifts it before AUTH_ACK 200 for
 * an authorized one), and a violation closes the connection.
 */
class HandshakeFuzzTest {
  private static final ServiceRegistry REGISTRY =
      new ServiceRegistry(Map.of(TestService.class, new TestServiceImpl()));

  /** Never fires during a property (one minute); its daemon thread is ended after the class. */
  private static final HandshakeTimer TIMER = new HandshakeTimer(Duration.ofMinutes(1));

  @AfterContainer
  static void stopTimer() {
    TIMER.close();
  }

  /** Records what the server sends; closing is remembered. */
  static final class FakeConnection implements Connection {
    final List<Envelope> sent = new ArrayList<>();
    boolean closed;

    /** How many frames had been sent when allowLargeFrames was first called; -1 if never. */
    int largeFramesAllowedAfter = -1;

    @Override
    public void allowLargeFrames() {
      if (largeFramesAllowedAfter < 0) {
        largeFramesAllowedAfter = sent.size();
      }
    }

    @Override
    public void send(ByteBuffer... parts) {
      int n = 0;
      for (ByteBuffer p : parts) {
        n += p.remaining();
      }
      ByteBuffer all = ByteBuffer.allocate(n);
      for (ByteBuffer p : parts) {
        all.put(p);
      }
      all.flip();
      if (closed) {
        return;
      }
      try {
        sent.add(EnvelopeCodec.decode(all));
      } catch (RuntimeException sealed) {
        sent.add(new Envelope(MessageType.GOODBYE, 0, 0, 0, ByteBuffer.allocate(0)));
      }
    }

    @Override
    public boolean isOpen() {
      return !closed;
    }

    @Override
    public void close() {
      closed = true;
    }

    @Override
    public String description() {
      return "fake";
    }
  }

  static byte[] request() {
    FrameBuffer fb = new FrameBuffer();
    fb.writeI64(CallDeadline.NONE);
    new Route(TestService.class.getName(), "echo(int)").write(fb);
    CallMetadata.writeNone(fb);
    byte[] args = "[1]".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    fb.write(args, 0, args.length);
    return bytes(fb.finish(MessageType.REQUEST, 0, 0, 5));
  }

  static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  @Provide
  Arbitrary<List<byte[]>> sequences() {
    byte[] hello =
        bytes(
            Handshake.hello(
                MessageType.HELLO, new Handshake.Hello(Handshake.PROTOCOL_VERSION, 0, "json")));
    byte[] helloEncrypted =
        bytes(
            Handshake.hello(
                MessageType.HELLO,
                new Handshake.Hello(Handshake.PROTOCOL_VERSION, 1, "json"),
                new byte[32]));
    byte[] badAuth = bytes(Handshake.auth("wrong"));
    byte[] goodbye = bytes(Handshake.goodbye("bye"));
    Arbitrary<byte[]> known =
        Arbitraries.of(hello, helloEncrypted, badAuth, goodbye, request(), new byte[0]);
    Arbitrary<byte[]> mutated =
        known.flatMap(
            f ->
                Arbitraries.integers()
                    .between(0, Math.max(0, f.length * 8 - 1))
                    .map(
                        bit -> {
                          byte[] b = f.clone();
                          if (b.length > 0) {
                            b[bit / 8] ^= (byte) (1 << (bit % 8));
                          }
                          return b;
                        }));
    Arbitrary<byte[]> lying =
        Arbitraries.integers()
            .map(
                n -> {
                  byte[] b = request();
                  ByteBuffer.wrap(b).putInt(12, n);
                  return b;
                });
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
    return Arbitraries.oneOf(known, mutated, lying, random).list().ofMaxSize(6);
  }

  private static ServerSettings settings(boolean encryption) {
    return settings(REGISTRY, Serializers.json(), encryption, "secret", TIMER);
  }

  /**
   * Settings for a server connection driven by hand in a test: inline dispatch on the calling
   * thread, no stack traces, small limits, no interceptors, the default metadata limit.
   */
  static ServerSettings settings(
      ServiceRegistry registry,
      org.witrpc.spi.Serializer serializer,
      boolean encryption,
      String token,
      HandshakeTimer timer) {
    return new ServerSettings(
        registry,
        serializer,
        encryption,
        TokenCheck.of(token, null, encryption),
        Runnable::run,
        Dispatch.INLINE,
        false,
        4,
        new ServerLifecycle(),
        timer,
        4,
        PeerCheck.NONE,
        null,
        org.witrpc.Metadata.DEFAULT_MAX_SIZE,
        new org.witrpc.internal.WarningThrottle());
  }

  private static FakeConnection run(List<byte[]> frames, boolean encryption) {
    FakeConnection fake = new FakeConnection();
    var listener = ServerConnection.accept(fake, settings(encryption));
    for (byte[] f : frames) {
      if (fake.closed) {
        break;
      }
      listener.onFrame(ByteBuffer.wrap(f.clone()));
    }
    listener.onClosed(null);
    return fake;
  }

  private static void feed(List<byte[]> frames, boolean encryption) {
    FakeConnection fake = run(frames, encryption);
    // the token is never "secret" here, so no call may ever be answered
    assertThat(fake.sent).noneMatch(e -> e.type() == MessageType.RESPONSE);
    assertThat(fake.sent).allMatch(e -> e.type() != MessageType.AUTH_ACK || e.status() != 200);
    assertThat(fake.largeFramesAllowedAfter)
        .as("frames sent before large frames were allowed (-1: never)")
        .isEqualTo(-1);
  }

  /** Random sequences that sometimes hold a valid plain handshake (HELLO, AUTH "secret"). */
  @Provide
  Arbitrary<List<byte[]>> sequencesWithValidAuth() {
    byte[] hello =
        bytes(
            Handshake.hello(
                MessageType.HELLO, new Handshake.Hello(Handshake.PROTOCOL_VERSION, 0, "json")));
    byte[] goodAuth = bytes(Handshake.auth("secret"));
    Arbitrary<byte[]> frames =
        Arbitraries.oneOf(
            Arbitraries.of(hello, goodAuth, bytes(Handshake.auth("wrong")), request()),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(40));
    return frames.list().ofMaxSize(6);
  }

  @Property
  void largeFramesAreAllowedOnlyForAnAuthorizedPeerAndBeforeItsAuthAck(
      @ForAll("sequencesWithValidAuth") List<byte[]> frames) {
    FakeConnection fake = run(frames, false);
    int authOk = -1;
    for (int i = 0; i < fake.sent.size(); i++) {
      Envelope e = fake.sent.get(i);
      if (e.type() == MessageType.AUTH_ACK && e.status() == 200) {
        authOk = i;
        break;
      }
    }
    if (authOk < 0) {
      assertThat(fake.largeFramesAllowedAfter).as("allowed without AUTH_ACK 200").isEqualTo(-1);
    } else {
      assertThat(fake.largeFramesAllowedAfter)
          .as("frames sent before large frames were allowed; AUTH_ACK 200 is frame " + authOk)
          .isBetween(0, authOk);
    }
  }

  @Property
  void plainServerNeverAnswersACallBeforeAuthorization(@ForAll("sequences") List<byte[]> frames) {
    feed(frames, false);
  }

  @Property
  void encryptedServerNeverAnswersACallBeforeAuthorization(
      @ForAll("sequences") List<byte[]> frames) {
    feed(frames, true);
  }
}
