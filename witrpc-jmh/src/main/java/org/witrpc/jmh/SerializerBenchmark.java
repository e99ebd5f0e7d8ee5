package org.witrpc.jmh;

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
import org.witrpc.Serializers;
import org.witrpc.internal.EnvelopeCodec;
import org.witrpc.internal.FrameBuffer;
import org.witrpc.internal.MessageType;
import org.witrpc.spi.Serializer;

/**
 * The built-in serializers ({@code JacksonSerializer}, JSON and MessagePack) on the bodies of two
 * calls: the arguments of {@code add(int, int)} and a single 1 MiB {@code byte[]}. Encoding writes
 * into a {@link FrameBuffer} and finishes the frame, as the client does (MessagePack appends a
 * large array by reference there); decoding reads a body that is a slice of a received frame.
 *
 * <p>Thread safety: JMH gives each benchmark thread its own state.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SerializerBenchmark {
  static final Type[] ADD_TYPES = {int.class, int.class};
  static final Type[] BYTES_TYPES = {byte[].class};
  static final int BYTES_LENGTH = 1 << 20;

  /** The serializer's handshake name. */
  @Param({"json", "msgpack"})
  public String serializer;

  private Serializer codec;
  private Object[] addArguments;
  private Object[] bytesArguments;
  private ByteBuffer addBody;
  private ByteBuffer bytesBody;

  /** Picks the serializer and encodes the bodies that the decoding benchmarks read. */
  @Setup
  public void setUp() {
    codec = serializer.equals("json") ? Serializers.json() : Serializers.messagePack();
    addArguments = new Object[] {1, 2};
    bytesArguments = new Object[] {Fill.pattern(BYTES_LENGTH, 5)};
    addBody = receivedBody(addArguments, ADD_TYPES);
    bytesBody = receivedBody(bytesArguments, BYTES_TYPES);
  }

  /** The body of a frame carrying {@code values}, as a slice of the whole frame (as received). */
  private ByteBuffer receivedBody(Object[] values, Type[] types) {
    return frameBuffer(values, types)
        .finish(MessageType.REQUEST, 0, 0, 42)
        .position(EnvelopeCodec.HEADER_SIZE)
        .slice();
  }

  /** Encodes {@code add(1, 2)}'s arguments into a frame. */
  @Benchmark
  public ByteBuffer[] encodeAddArguments() {
    return encode(addArguments, ADD_TYPES);
  }

  /** Decodes {@code add(1, 2)}'s arguments. */
  @Benchmark
  public Object[] decodeAddArguments() {
    return codec.read(addBody.duplicate(), ADD_TYPES);
  }

  /** Encodes one 1 MiB {@code byte[]} argument into a frame. */
  @Benchmark
  public ByteBuffer[] encodeBytes() {
    return encode(bytesArguments, BYTES_TYPES);
  }

  /** Decodes one 1 MiB {@code byte[]} argument. */
  @Benchmark
  public Object[] decodeBytes() {
    return codec.read(bytesBody.duplicate(), BYTES_TYPES);
  }

  private ByteBuffer[] encode(Object[] values, Type[] types) {
    return frameBuffer(values, types).finishParts(MessageType.REQUEST, 0, 0, 42);
  }

  private FrameBuffer frameBuffer(Object[] values, Type[] types) {
    FrameBuffer fb = new FrameBuffer(64 + codec.estimateSize(values, types));
    codec.write(fb, values, types);
    return fb;
  }
}
