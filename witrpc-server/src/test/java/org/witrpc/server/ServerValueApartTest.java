package org.witrpc.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.witrpc.Serializers;
import org.witrpc.Status;
import org.witrpc.internal.CallDeadline;
import org.witrpc.internal.CallMetadata;
import org.witrpc.internal.Envelope;
import org.witrpc.internal.FrameBuffer;
import org.witrpc.internal.Handshake;
import org.witrpc.internal.MessageType;
import org.witrpc.internal.MethodDescriptor;
import org.witrpc.spi.FrameListener;
import org.witrpc.spi.Serializer;
import org.witrpc.spi.ValueSpan;
import org.witrpc.testkit.ValuesApart;

/**
 * A REQUEST whose large {@code byte[]} argument the transport received apart ({@link
 * FrameListener#largeValueSpan}, {@link FrameListener#onFrame(ByteBuffer, ValueSpan, byte[])}): the
 * server names the argument's span only where its decoder takes the array as it is, and the method
 * then gets that very array; the frame's bytes there are never read. Driven through a fake
 * connection, as a transport would.
 */
class ServerValueApartTest {
  private static final HandshakeTimer TIMER = new HandshakeTimer(Duration.ofMinutes(1));
  private static final int BIG = 3 << 20;

  @AfterAll
  static void stopTimer() {
    TIMER.close();
  }

  /** Takes large arrays; remembers the last one it got. */
  public interface Blobs {
    int sum(int before, byte[] data, String after);

    int length(Object data);
  }

  static final class BlobsImpl implements Blobs {
    final AtomicReference<Object> got = new AtomicReference<>();

    @Override
    public int sum(int before, byte[] data, String after) {
      got.set(data);
      int s = before + after.length();
      for (byte b : data) {
        s += b;
      }
      return s;
    }

    @Override
    public int length(Object data) {
      got.set(data);
      return data instanceof byte[] b ? b.length : -1;
    }
  }

  private final BlobsImpl impl = new BlobsImpl();
  private final HandshakeFuzzTest.FakeConnection fake = new HandshakeFuzzTest.FakeConnection();

  private ServerSettings settings(Serializer serializer) {
    return settings(serializer, impl, TIMER);
  }

  static ServerSettings settings(Serializer serializer, Blobs impl, HandshakeTimer timer) {
    return HandshakeFuzzTest.settings(
        new ServiceRegistry(Map.of(Blobs.class, impl)), serializer, false, "", timer);
  }

  private FrameListener ready(Serializer serializer) {
    return ready(serializer, fake, impl, TIMER);
  }

  /** A server connection over {@code fake} through its handshake; what it sent so far cleared. */
  static FrameListener ready(
      Serializer serializer,
      HandshakeFuzzTest.FakeConnection fake,
      Blobs impl,
      HandshakeTimer timer) {
    FrameListener listener = ServerConnection.accept(fake, settings(serializer, impl, timer));
    listener.onFrame(
        Handshake.hello(
            MessageType.HELLO,
            new Handshake.Hello(Handshake.PROTOCOL_VERSION, 0, serializer.name())));
    listener.onFrame(Handshake.auth(""));
    assertThat(fake.sent).extracting(Envelope::status).containsExactly(200, 200);
    fake.sent.clear();
    return listener;
  }

  static ByteBuffer request(Serializer serializer, String method, Object[] args, Type[] types) {
    return request(serializer, method, args, types, org.witrpc.Metadata.empty());
  }

  static ByteBuffer request(
      Serializer serializer,
      String method,
      Object[] args,
      Type[] types,
      org.witrpc.Metadata metadata) {
    FrameBuffer fb = new FrameBuffer();
    fb.writeI64(CallDeadline.NONE);
    MethodDescriptor d =
        MethodDescriptor.allOf(Blobs.class).values().stream()
            .filter(m -> m.method().getName().equals(method))
            .findFirst()
            .orElseThrow();
    d.route().write(fb);
    CallMetadata.write(fb, CallMetadata.encode(metadata));
    serializer.write(fb, args, types);
    return fb.finish(MessageType.REQUEST, 0, 0, 9);
  }

  private static byte[] data() {
    byte[] data = new byte[BIG];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 7 + 1);
    }
    return data;
  }

  private static int expectedSum(byte[] data, int before, String after) {
    int s = before + after.length();
    for (byte b : data) {
      s += b;
    }
    return s;
  }

  static byte[] slice(ByteBuffer frame, ValueSpan span) {
    byte[] out = new byte[span.length()];
    frame.get(span.offset(), out);
    return out;
  }

  private static int result(Envelope response) {
    return Serializers.messagePack().read(response.body(), new Type[] {int.class})[0]
            instanceof Integer i
        ? i
        : -1;
  }

  static final Type[] SUM = {int.class, byte[].class, String.class};

  @Test
  void theMethodGetsTheArrayTheTransportReceivedApartFromTheFrame() {
    Serializer msgpack = Serializers.messagePack();
    FrameListener listener = ready(msgpack);
    byte[] data = data();
    ByteBuffer frame = request(msgpack, "sum", new Object[] {5, data, "tail"}, SUM);

    ValueSpan span =
        listener.largeValueSpan(frame.asReadOnlyBuffer().limit(8 << 10), frame.remaining());

    assertThat(span).isNotNull();
    assertThat(span.length()).isEqualTo(BIG);
    assertThat(slice(frame, span)).isEqualTo(data);
    byte[] value = data.clone();
    listener.onFrame(ValuesApart.without(frame, span), span, value);
    assertThat(impl.got.get()).isSameAs(value);
    assertThat(fake.sent).hasSize(1);
    assertThat(fake.sent.get(0).status()).isEqualTo(Status.OK.code());
    assertThat(result(fake.sent.get(0))).isEqualTo(expectedSum(data, 5, "tail"));
  }

  @Test
  void aRequestWithMetadataHasItsArraySpanAfterTheMetadata() {
    Serializer msgpack = Serializers.messagePack();
    FrameListener listener = ready(msgpack);
    byte[] data = data();
    org.witrpc.Metadata metadata =
        org.witrpc.Metadata.empty().with("traceparent", "00-abc-def-01").with("tenant", "t1");
    ByteBuffer frame = request(msgpack, "sum", new Object[] {5, data, "tail"}, SUM, metadata);

    ValueSpan span = listener.largeValueSpan(frame.asReadOnlyBuffer(), frame.remaining());

    assertThat(span).isNotNull();
    assertThat(slice(frame, span)).isEqualTo(data);
    byte[] value = data.clone();
    listener.onFrame(ValuesApart.without(frame, span), span, value);
    assertThat(impl.got.get()).isSameAs(value);
    assertThat(result(fake.sent.get(0))).isEqualTo(expectedSum(data, 5, "tail"));
  }

  @Test
  void noSpanWhereTheDecoderWouldNotTakeTheArrayAsItIs() {
    Serializer msgpack = Serializers.messagePack();
    FrameListener listener = ready(msgpack);
    byte[] data = data();
    // declared Object: Jackson decodes it, so the transport must hand over the frame whole
    ByteBuffer asObject =
        request(msgpack, "length", new Object[] {data}, new Type[] {Object.class});
    assertThat(listener.largeValueSpan(asObject.asReadOnlyBuffer(), asObject.remaining())).isNull();
    // small array: not worth it
    ByteBuffer small = request(msgpack, "sum", new Object[] {1, new byte[100_000], "x"}, SUM);
    assertThat(listener.largeValueSpan(small.asReadOnlyBuffer(), small.remaining())).isNull();
    // head too short to reach the array's start
    ByteBuffer frame = request(msgpack, "sum", new Object[] {5, data, "tail"}, SUM);
    assertThat(listener.largeValueSpan(frame.asReadOnlyBuffer().limit(40), frame.remaining()))
        .isNull();
    // a length that is not the frame's
    assertThat(listener.largeValueSpan(frame.asReadOnlyBuffer(), frame.remaining() + 1)).isNull();
  }

  @Test
  void noSpanForJsonOrBeforeTheHandshakeIsDone() {
    byte[] data = data();
    FrameListener json = ready(Serializers.json());
    ByteBuffer jsonFrame = request(Serializers.json(), "sum", new Object[] {5, data, "t"}, SUM);
    assertThat(json.largeValueSpan(jsonFrame.asReadOnlyBuffer(), jsonFrame.remaining())).isNull();

    HandshakeFuzzTest.FakeConnection other = new HandshakeFuzzTest.FakeConnection();
    FrameListener fresh = ServerConnection.accept(other, settings(Serializers.messagePack()));
    ByteBuffer frame = request(Serializers.messagePack(), "sum", new Object[] {5, data, "t"}, SUM);
    assertThat(fresh.largeValueSpan(frame.asReadOnlyBuffer(), frame.remaining())).isNull();
  }

  @Test
  void aValueThatIsNotWhereTheArgumentsPutItIsPutBackAndTheArgumentsReadWhole() {
    Serializer msgpack = Serializers.messagePack();
    FrameListener listener = ready(msgpack);
    byte[] data = data();
    ByteBuffer frame = request(msgpack, "sum", new Object[] {5, data, "tail"}, SUM);
    ValueSpan named = listener.largeValueSpan(frame.asReadOnlyBuffer(), frame.remaining());
    // a transport's span one byte off: the decoder must not take it, nor read the garbage
    ValueSpan off = new ValueSpan(named.offset() + 1, named.length() - 1);
    byte[] value = slice(frame, off);

    listener.onFrame(ValuesApart.without(frame, off), off, value);

    assertThat(impl.got.get()).isNotSameAs(value).isEqualTo(data);
    assertThat(fake.sent).hasSize(1);
    assertThat(fake.sent.get(0).status()).isEqualTo(Status.OK.code());
    assertThat(result(fake.sent.get(0))).isEqualTo(expectedSum(data, 5, "tail"));
  }
}
