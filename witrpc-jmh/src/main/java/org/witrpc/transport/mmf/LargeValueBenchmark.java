package org.witrpc.transport.mmf;

import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.witrpc.Serializers;
import org.witrpc.internal.Envelope;
import org.witrpc.internal.EnvelopeCodec;
import org.witrpc.internal.FrameBuffer;
import org.witrpc.internal.JacksonSerializer;
import org.witrpc.internal.MessageType;
import org.witrpc.internal.ReceivedValue;
import org.witrpc.spi.FrameListener;
import org.witrpc.spi.Serializer;
import org.witrpc.spi.ValueSpan;

/**
 * One large {@code byte[]} result through the shared-memory ring and the MessagePack decoder, in
 * one thread, as a client receives it: written into a ring of the default connection size (the
 * writer drains the ring itself when it is full), read, and decoded into the value. {@code whole}:
 * the frame is received into its buffer (given back after each decode, as a client does) and the
 * value copied out of it; {@code apart}: the ring receives the value's bytes straight into the
 * array the decoder takes ({@link RingBuffer#receiveValuesApart}). Both in one run, so the
 * difference is the copy saved.
 *
 * <p>In the ring's package, on the class path, because the ring is package-private.
 *
 * <p>Thread safety: JMH gives each benchmark thread its own state.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LargeValueBenchmark {
  private static final Type[] BYTES = {byte[].class};

  /** The value: 1 MiB and 16 MiB. */
  @Param({"1048576", "16777216"})
  public int valueBytes;

  /** How the ring receives the frame. */
  @Param({"whole", "apart"})
  public String receive;

  private final Serializer msgpack = Serializers.messagePack();
  private RingFile file;
  private RingBuffer writer;
  private RingBuffer reader;
  private ByteBuffer frame;
  private ByteBuffer received;
  private ValueSpan receivedSpan;
  private byte[] receivedValue;

  /** Maps the ring file and encodes the frame. */
  @Setup
  public void setUp() throws IOException {
    file = new RingFile("jmh-value");
    int maxFrame = valueBytes + 1024;
    writer = file.ring(RingDescriptor.SERVER_TO_CLIENT, maxFrame);
    reader = file.ring(RingDescriptor.SERVER_TO_CLIENT, maxFrame);
    byte[] value = new byte[valueBytes];
    for (int i = 0; i < value.length; i++) {
      value[i] = (byte) (i * 31 + 1);
    }
    FrameBuffer out = new FrameBuffer();
    msgpack.write(out, new Object[] {value}, BYTES);
    frame = out.finish(MessageType.RESPONSE, 0, 200, 42);
    if (receive.equals("apart")) {
      reader.receiveValuesApart(new SpanOfTheResult());
    }
  }

  /** Names the result's span as a client would (its call expects a {@code byte[]}). */
  private final class SpanOfTheResult implements FrameListener {
    @Override
    public ValueSpan largeValueSpan(ByteBuffer head, int frameLength) {
      Envelope env = EnvelopeCodec.decodeHead(head, frameLength, 4096);
      ValueSpan inBody = JacksonSerializer.largeBytesSpan(msgpack, env.body(), BYTES);
      return new ValueSpan(EnvelopeCodec.HEADER_SIZE + inBody.offset(), inBody.length());
    }

    @Override
    public void onFrame(ByteBuffer frame) {}

    @Override
    public void onClosed(Throwable cause) {}
  }

  /** Deletes the ring file. */
  @TearDown
  public void tearDown() {
    file.delete();
  }

  /** Writes the frame, reads it and decodes the value. */
  @Benchmark
  public byte[] receiveAndDecode() {
    writer.write(new ByteBuffer[] {frame.duplicate()}, frame.remaining(), bytes -> drain());
    drain();
    Envelope env = EnvelopeCodec.decode(received, receivedSpan == null ? 0 : receivedSpan.length());
    ReceivedValue apart =
        receivedSpan == null ? null : ReceivedValue.of(received, receivedSpan, receivedValue);
    byte[] value = (byte[]) JacksonSerializer.read(msgpack, env.body(), BYTES, apart)[0];
    reader.recycle(received); // as a client does once the result is decoded
    return value;
  }

  private void drain() {
    while (reader.read(this::receive, Integer.MAX_VALUE) > 0) {
      // the sink keeps the completed frame
    }
  }

  private void receive(ByteBuffer complete, ValueSpan span, byte[] value) {
    received = complete;
    receivedSpan = span;
    receivedValue = value;
  }
}
