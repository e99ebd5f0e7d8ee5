package org.witrpc.jmh;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.witrpc.Metadata;
import org.witrpc.Status;
import org.witrpc.internal.CallDeadline;
import org.witrpc.internal.CallMetadata;
import org.witrpc.internal.Envelope;
import org.witrpc.internal.EnvelopeCodec;
import org.witrpc.internal.FrameBuffer;
import org.witrpc.internal.MessageType;
import org.witrpc.internal.Route;

/**
 * The envelope of a small call as the client and server build and parse it: a REQUEST (deadline,
 * route, metadata block, the JSON arguments of {@code add(1, 2)}) with and without two metadata
 * entries, and the RESPONSE carrying its result. The arguments are already serialized ({@link
 * SerializerBenchmark} measures that part).
 *
 * <p>Thread safety: JMH gives each benchmark thread its own state.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EnvelopeCodecBenchmark {
  static final Route ROUTE = new Route("org.example.Calculator", "add");
  static final Metadata METADATA =
      Metadata.builder()
          .put("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
          .put("tenant", "acme")
          .build();
  private static final byte[] ARGUMENTS = "[1,2]".getBytes(StandardCharsets.UTF_8);
  private static final byte[] RESULT = "[3]".getBytes(StandardCharsets.UTF_8);
  private static final int MAX_METADATA_BYTES = Metadata.DEFAULT_MAX_SIZE;

  private byte[] route;
  private byte[] metadataEntries;
  private ByteBuffer request;
  private ByteBuffer requestWithMetadata;
  private ByteBuffer response;

  /** Encodes the frames that the decoding benchmarks parse. */
  @Setup
  public void setUp() {
    route = ROUTE.toBytes();
    metadataEntries = CallMetadata.encode(METADATA);
    request = encodeRequest();
    requestWithMetadata = encodeRequestWithMetadata();
    response = encodeResponse();
  }

  /** A REQUEST without metadata, as the client encodes it. */
  @Benchmark
  public ByteBuffer encodeRequest() {
    return request(null);
  }

  /** A REQUEST with two metadata entries (the entries encoded per call, as the client does). */
  @Benchmark
  public ByteBuffer encodeRequestWithMetadata() {
    return request(CallMetadata.encode(METADATA));
  }

  private ByteBuffer request(byte[] entries) {
    FrameBuffer fb = new FrameBuffer(route.length + 64 + (entries == null ? 0 : entries.length));
    CallDeadline.write(fb, TimeUnit.SECONDS.toNanos(30));
    fb.write(route, 0, route.length);
    if (entries == null) {
      CallMetadata.writeNone(fb);
    } else {
      CallMetadata.write(fb, entries);
    }
    fb.write(ARGUMENTS, 0, ARGUMENTS.length);
    return fb.finish(MessageType.REQUEST, 0, 0, 42);
  }

  /** A RESPONSE carrying {@code [3]}, as the server encodes it. */
  @Benchmark
  public ByteBuffer encodeResponse() {
    FrameBuffer fb = new FrameBuffer(64);
    fb.write(RESULT, 0, RESULT.length);
    return fb.finish(MessageType.RESPONSE, 0, Status.OK.code(), 42);
  }

  /** Parses a REQUEST without metadata up to its arguments, as the server does. */
  @Benchmark
  public Metadata decodeRequest() {
    return parseRequest(request);
  }

  /** Parses a REQUEST with two metadata entries up to its arguments. */
  @Benchmark
  public Metadata decodeRequestWithMetadata() {
    return parseRequest(requestWithMetadata);
  }

  private static Metadata parseRequest(ByteBuffer frame) {
    Envelope env = EnvelopeCodec.decode(frame.duplicate());
    ByteBuffer body = env.body();
    CallDeadline.read(body);
    Route.read(body);
    return CallMetadata.read(body, MAX_METADATA_BYTES);
  }

  /** Parses a RESPONSE, as the client does before decoding its result. */
  @Benchmark
  public Envelope decodeResponse() {
    return EnvelopeCodec.decode(response.duplicate());
  }
}
