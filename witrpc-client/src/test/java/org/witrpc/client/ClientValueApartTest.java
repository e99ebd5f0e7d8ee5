package org.witrpc.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.witrpc.Listener;
import org.witrpc.Serializers;
import org.witrpc.Status;
import org.witrpc.internal.Envelope;
import org.witrpc.internal.EnvelopeCodec;
import org.witrpc.internal.FrameBuffer;
import org.witrpc.internal.Handshake;
import org.witrpc.internal.JacksonSerializer;
import org.witrpc.internal.MessageType;
import org.witrpc.internal.MethodDescriptor;
import org.witrpc.internal.Route;
import org.witrpc.spi.Serializer;
import org.witrpc.spi.ValueSpan;
import org.witrpc.testkit.StubConnection;
import org.witrpc.testkit.ValuesApart;

/**
 * A RESPONSE whose large {@code byte[]} result, or a CALLBACK whose large {@code byte[]} argument,
 * the transport received apart: the client names the value's span only for a pending call that
 * expects a {@code byte[]} or a typed listener's method with one, and the call's result or the
 * listener's argument is then that very array; a frame the client reads otherwise is put back
 * together.
 */
class ClientValueApartTest {
  private static final int BIG = 2 << 20;
  private static final Type[] BYTES = {byte[].class};

  private final Serializer msgpack = Serializers.messagePack();
  private final Subscriptions subscriptions = new Subscriptions();
  private final ClientConnection cc =
      new ClientConnection(msgpack, subscriptions, 100, (c, e) -> {});

  @AfterEach
  void endTheCallbackThread() {
    cc.callbacks().close(); // no witrpc thread outlives the test (other suites check that)
    cc.callbacks().awaitListeners();
  }

  /** A service with events: its listeners get large arrays. */
  public interface Feed {
    void addDataListener(DataListener listener);

    void removeDataListener(DataListener listener);
  }

  /** Gets a large array between two other arguments. */
  @Listener
  public interface DataListener {
    void onData(int seq, byte[] data, String tag);
  }

  /** What a {@link DataListener} got, once. */
  static final class Received implements DataListener {
    final CompletableFuture<Object[]> got = new CompletableFuture<>();

    @Override
    public void onData(int seq, byte[] data, String tag) {
      got.complete(new Object[] {seq, data, tag});
    }
  }

  private long subscribe(DataListener listener) {
    MethodDescriptor add =
        MethodDescriptor.allOf(Feed.class).values().stream()
            .filter(m -> m.method().getName().equals("addDataListener"))
            .findFirst()
            .orElseThrow();
    return subscriptions.add(listener, add, new byte[0]);
  }

  private ByteBuffer callback(long subscription, Object... args) {
    MethodDescriptor onData = MethodDescriptor.allOf(DataListener.class).values().iterator().next();
    FrameBuffer fb = new FrameBuffer();
    onData.route().write(fb);
    msgpack.write(fb, args, onData.parameterTypes());
    return fb.finish(MessageType.CALLBACK, 0, 0, subscription);
  }

  private ClientConnection ready() {
    cc.attach(new StubConnection("stub://apart"));
    cc.onFrame(Handshake.status(MessageType.AUTH_ACK, Status.OK, ""));
    return cc;
  }

  private ByteBuffer response(long id, Status status, Object result, Type type) {
    FrameBuffer fb = new FrameBuffer();
    msgpack.write(fb, new Object[] {result}, new Type[] {type});
    return fb.finish(MessageType.RESPONSE, 0, status.code(), id);
  }

  private static byte[] data() {
    byte[] data = new byte[BIG];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 13 + 3);
    }
    return data;
  }

  @Test
  void aBytesResultIsTheArrayTheTransportReceived() {
    ready();
    PendingCall call = cc.pending().register(null, true);
    byte[] data = data();
    ByteBuffer frame = response(call.id(), Status.OK, data, byte[].class);

    ValueSpan span = cc.largeValueSpan(frame.asReadOnlyBuffer().limit(1024), frame.remaining());

    assertThat(span).isNotNull();
    assertThat(span.length()).isEqualTo(BIG);
    byte[] value = data.clone();
    cc.onFrame(ValuesApart.without(frame, span), span, value);
    Envelope env = (Envelope) call.outcome();
    assertThat(env.received()).isNotNull();
    Object result = JacksonSerializer.read(msgpack, env.body(), BYTES, env.received())[0];
    assertThat(result).isSameAs(value);
  }

  @Test
  void noSpanForACallThatExpectsSomethingElseOrIsGoneOrFailed() {
    ready();
    byte[] data = data();
    PendingCall other = cc.pending().register(null, false);
    ByteBuffer asOther = response(other.id(), Status.OK, data, byte[].class);
    assertThat(cc.largeValueSpan(asOther.asReadOnlyBuffer(), asOther.remaining())).isNull();

    ByteBuffer unknown = response(12_345, Status.OK, data, byte[].class);
    assertThat(cc.largeValueSpan(unknown.asReadOnlyBuffer(), unknown.remaining())).isNull();

    PendingCall bytes = cc.pending().register(null, true);
    ByteBuffer failed = response(bytes.id(), Status.SERVER_ERROR, data, byte[].class);
    assertThat(cc.largeValueSpan(failed.asReadOnlyBuffer(), failed.remaining())).isNull();
  }

  @Test
  void noSpanForAResultWhoseLengthPrefixReachesPastTheFrame() {
    ready();
    PendingCall call = cc.pending().register(null, true);
    ByteBuffer frame = response(call.id(), Status.OK, data(), byte[].class);
    ValueSpan honest = cc.largeValueSpan(frame.asReadOnlyBuffer(), frame.remaining());
    // a hostile server's bin 32 length prefix (the 4 bytes before the value) says 2^31 - 1
    frame.putInt(honest.offset() - 4, Integer.MAX_VALUE);
    assertThat(cc.largeValueSpan(frame.asReadOnlyBuffer(), frame.remaining())).isNull();
    // one byte more than the frame holds
    frame.putInt(honest.offset() - 4, honest.length() + 1);
    assertThat(cc.largeValueSpan(frame.asReadOnlyBuffer(), frame.remaining())).isNull();
  }

  @Test
  void aListenersLargeArrayIsTheArrayTheTransportReceived() throws Exception {
    ready();
    Received listener = new Received();
    long id = subscribe(listener);
    byte[] data = data();
    ByteBuffer frame = callback(id, 7, data, "tag");

    ValueSpan span = cc.largeValueSpan(frame.asReadOnlyBuffer().limit(1024), frame.remaining());

    assertThat(span).isNotNull();
    assertThat(span.length()).isEqualTo(BIG);
    byte[] value = data.clone();
    cc.onFrame(ValuesApart.without(frame, span), span, value);
    Object[] got = listener.got.get(10, TimeUnit.SECONDS);
    assertThat(got[0]).isEqualTo(7);
    assertThat(got[1]).isSameAs(value);
    assertThat(got[2]).isEqualTo("tag");
  }

  @Test
  void aListenersValueNotWhereItsArgumentsPutItIsPutBackAndReadWhole() throws Exception {
    ready();
    Received listener = new Received();
    long id = subscribe(listener);
    byte[] data = data();
    ByteBuffer frame = callback(id, 7, data, "tag");
    ValueSpan span = cc.largeValueSpan(frame.asReadOnlyBuffer(), frame.remaining());
    ValueSpan off = new ValueSpan(span.offset() - 1, span.length()); // a transport's error
    byte[] value = new byte[off.length()];
    frame.get(off.offset(), value);

    cc.onFrame(ValuesApart.without(frame, off), off, value);

    Object[] got = listener.got.get(10, TimeUnit.SECONDS);
    assertThat(got[1]).isNotSameAs(value).isEqualTo(data);
    assertThat(got[2]).isEqualTo("tag");
  }

  @Test
  void noSpanForACallbackToAnUnknownSubscriptionOrNotItsListenersMethod() {
    ready();
    long id = subscribe(new Received());
    ByteBuffer unknown = callback(id + 1, 7, data(), "tag");
    assertThat(cc.largeValueSpan(unknown.asReadOnlyBuffer(), unknown.remaining())).isNull();

    FrameBuffer fb = new FrameBuffer();
    new Route(DataListener.class.getName(), "other(int,byte[],java.lang.String)").write(fb);
    msgpack.write(
        fb, new Object[] {7, data(), "tag"}, new Type[] {int.class, byte[].class, String.class});
    ByteBuffer otherMethod = fb.finish(MessageType.CALLBACK, 0, 0, id);
    assertThat(cc.largeValueSpan(otherMethod.asReadOnlyBuffer(), otherMethod.remaining())).isNull();
  }

  @Test
  void noSpanBeforeTheHandshakeIsDone() {
    cc.attach(new StubConnection("stub://apart"));
    PendingCall call = cc.pending().register(null, true);
    ByteBuffer frame = response(call.id(), Status.OK, data(), byte[].class);
    assertThat(cc.largeValueSpan(frame.asReadOnlyBuffer(), frame.remaining())).isNull();
  }

  @Test
  void aValueNotWhereTheResultPutsItIsPutBackAndTheResultReadWhole() {
    ready();
    PendingCall call = cc.pending().register(null, true);
    byte[] data = data();
    ByteBuffer frame = response(call.id(), Status.OK, data, byte[].class);
    ValueSpan span = cc.largeValueSpan(frame.asReadOnlyBuffer(), frame.remaining());
    ValueSpan off = new ValueSpan(span.offset() + 1, span.length() - 1); // a transport's error
    byte[] value = new byte[off.length()];
    frame.get(off.offset(), value);

    cc.onFrame(ValuesApart.without(frame, off), off, value);

    Envelope env = (Envelope) call.outcome();
    Object result = JacksonSerializer.read(msgpack, env.body(), BYTES, env.received())[0];
    assertThat(result).isNotSameAs(value).isEqualTo(data);
  }

  @Test
  void aFailedCallsErrorWithAValueApartIsReadWhole() {
    ready();
    PendingCall call = cc.pending().register(null, true);
    byte[] data = data();
    // an error reply is never named a span; a transport that took one apart anyway
    ByteBuffer frame = response(call.id(), Status.SERVER_ERROR, data, byte[].class);
    ValueSpan span = new ValueSpan(EnvelopeCodec.HEADER_SIZE + 6, BIG);
    byte[] value = new byte[BIG];
    frame.get(span.offset(), value);

    cc.onFrame(ValuesApart.without(frame, span), span, value);

    Envelope env = (Envelope) call.outcome();
    assertThat(env.received()).isNull();
    assertThat(env.status()).isEqualTo(Status.SERVER_ERROR.code());
    assertThat(msgpack.read(env.body(), BYTES)[0]).isEqualTo(data);
  }
}
