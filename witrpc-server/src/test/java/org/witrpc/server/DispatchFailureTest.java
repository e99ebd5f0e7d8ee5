package org.witrpc.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.witrpc.MemTransport;
import org.witrpc.Serializers;
import org.witrpc.internal.CallDeadline;
import org.witrpc.internal.CallMetadata;
import org.witrpc.internal.Envelope;
import org.witrpc.internal.FrameBuffer;
import org.witrpc.internal.Handshake;
import org.witrpc.internal.MessageType;
import org.witrpc.internal.MethodDescriptor;
import org.witrpc.internal.Route;
import org.witrpc.spi.Connection;
import org.witrpc.spi.Serializer;

/**
 * A request is always answered, or its connection closed, whatever ends its handling: a body nested
 * hundreds of thousands of levels deep is a 400 naming the method; an {@link Error} from the
 * serializer (a StackOverflowError, an OutOfMemoryError, a LinkageError) is a 500 or 400; and the
 * connection keeps serving, its in-flight slot given back, with {@link Dispatch#INLINE} (on the
 * transport's reader) and {@link Dispatch#EXECUTOR} alike.
 */
class DispatchFailureTest {
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final Type[] ERROR_TYPES = {String.class, String.class, String.class};

  /** A recursive parameter type. */
  public record Node(Node next) {}

  /** The service under test. */
  public interface Nested {
    int depth(Node node);

    CompletableFuture<Integer> depthAsync(Node node);
  }

  static final class NestedImpl implements Nested {
    @Override
    public int depth(Node node) {
      int n = 0;
      for (Node x = node; x != null; x = x.next()) {
        n++;
      }
      return n;
    }

    @Override
    public CompletableFuture<Integer> depthAsync(Node node) {
      return CompletableFuture.supplyAsync(() -> depth(node));
    }
  }

  /** A serializer that throws what the test tells it to, else JSON or MessagePack. */
  static final class Faulty implements Serializer {
    final Serializer real;
    final AtomicReference<Error> nextReadError = new AtomicReference<>();
    final AtomicReference<Error> nextWriteError = new AtomicReference<>();
    volatile boolean everyWriteFails;

    Faulty(Serializer real) {
      this.real = real;
    }

    @Override
    public String name() {
      return real.name();
    }

    @Override
    public void write(OutputStream out, Object[] values, Type[] types) {
      Error e = nextWriteError.getAndSet(null);
      if (e != null) {
        throw e;
      }
      if (everyWriteFails) {
        throw new OutOfMemoryError("simulated: every write fails");
      }
      real.write(out, values, types);
    }

    @Override
    public Object[] read(ByteBuffer in, Type[] types) {
      Error e = nextReadError.getAndSet(null);
      if (e != null) {
        throw e;
      }
      return real.read(in, types);
    }
  }

  private WitServer server;
  private Connection client;

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  static List<Object[]> dispatchAndSerializer() {
    return List.of(
        new Object[] {Dispatch.INLINE, "json"},
        new Object[] {Dispatch.INLINE, "msgpack"},
        new Object[] {Dispatch.EXECUTOR, "json"},
        new Object[] {Dispatch.EXECUTOR, "msgpack"});
  }

  private static Serializer serializer(String name) {
    return name.equals("json") ? Serializers.json() : Serializers.messagePack();
  }

  /** Starts a server with one call in flight at most, so a leaked slot shows as a 503. */
  private ServerProtocolTest.Raw start(Dispatch dispatch, Serializer serializer) throws Exception {
    String name = "df" + NAMES.incrementAndGet();
    server =
        WitServer.builder()
            .service(Nested.class, new NestedImpl())
            .transport("mem://" + name)
            .serializer(serializer)
            .dispatch(dispatch)
            .maxConcurrentCallsPerConnection(1)
            .build()
            .start();
    ServerProtocolTest.Raw raw = new ServerProtocolTest.Raw();
    client = MemTransport.client(name).connect(raw, Duration.ofSeconds(1));
    client.send(
        Handshake.hello(
            MessageType.HELLO,
            new Handshake.Hello(Handshake.PROTOCOL_VERSION, 0, serializer.name())));
    assertThat(raw.nextEnvelope().status()).isEqualTo(200);
    client.send(Handshake.auth(""));
    assertThat(raw.nextEnvelope().status()).isEqualTo(200);
    client.allowLargeFrames(); // READY, as a real client would
    return raw;
  }

  private static Route route(String method) throws NoSuchMethodException {
    return MethodDescriptor.of(Nested.class, Nested.class.getMethod(method, Node.class)).route();
  }

  private void request(String method, long id, byte[] body) throws Exception {
    FrameBuffer fb = new FrameBuffer();
    fb.writeI64(CallDeadline.NONE);
    route(method).write(fb);
    CallMetadata.writeNone(fb);
    fb.write(body, 0, body.length);
    client.send(fb.finish(MessageType.REQUEST, 0, 0, id));
  }

  private static byte[] encode(Serializer s, Node node) {
    if (s instanceof Faulty faulty) {
      s = faulty.real; // the test's own encoding must not take the error meant for the server
    }
    FrameBuffer fb = new FrameBuffer();
    s.write(fb, new Object[] {node}, new Type[] {Node.class});
    ByteBuffer frame = fb.finish(MessageType.REQUEST, 0, 0, 0);
    byte[] body = new byte[frame.remaining() - org.witrpc.internal.EnvelopeCodec.HEADER_SIZE];
    frame.position(org.witrpc.internal.EnvelopeCodec.HEADER_SIZE).get(body);
    return body;
  }

  /** A body of {@code depth} nested {@code next} objects, in the serializer's format. */
  private static byte[] deep(String serializer, int depth) {
    if (serializer.equals("json")) {
      return ("[" + "{\"next\":".repeat(depth) + "null" + "}".repeat(depth) + "]")
          .getBytes(StandardCharsets.UTF_8);
    }
    byte[] level = {(byte) 0x81, (byte) 0xa4, 'n', 'e', 'x', 't'};
    byte[] b = new byte[2 + depth * level.length];
    b[0] = (byte) 0x91;
    for (int i = 0; i < depth; i++) {
      System.arraycopy(level, 0, b, 1 + i * level.length, level.length);
    }
    b[b.length - 1] = (byte) 0xc0;
    return b;
  }

  private static String message(Serializer s, Envelope response) {
    if (s instanceof Faulty faulty) {
      s = faulty.real;
    }
    return (String) s.read(response.body(), ERROR_TYPES)[1];
  }

  /** The connection still serves: a good call (which a leaked slot would make a 503) works. */
  private void assertStillServing(ServerProtocolTest.Raw raw, Serializer s) throws Exception {
    Node three = new Node(new Node(new Node(null)));
    request("depth", 99, encode(s, three));
    Envelope ok = raw.nextEnvelope();
    assertThat(ok.correlationId()).isEqualTo(99);
    assertThat(ok.status()).as("status of a good call afterwards").isEqualTo(200);
    Serializer real = s instanceof Faulty faulty ? faulty.real : s;
    assertThat(real.read(ok.body(), new Type[] {int.class})[0]).isEqualTo(3);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dispatchAndSerializer")
  void aBodyNestedFarTooDeepIsA400NamingTheMethod(Dispatch dispatch, String serializer)
      throws Exception {
    Serializer s = serializer(serializer);
    ServerProtocolTest.Raw raw = start(dispatch, s);
    for (int depth : new int[] {200_000, 1000, 1001}) {
      request("depth", depth, deep(serializer, depth));
      Envelope bad = raw.nextEnvelope();
      assertThat(bad.correlationId()).isEqualTo(depth);
      assertThat(bad.status()).as("status at depth %d", depth).isEqualTo(400);
      assertThat(message(s, bad)).contains("Nested.depth(Node): cannot decode arguments");
    }
    assertStillServing(raw, s);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dispatchAndSerializer")
  void anErrorWhileDecodingTheArgumentsIsAnsweredAndTheConnectionServesOn(
      Dispatch dispatch, String serializer) throws Exception {
    Faulty s = new Faulty(serializer(serializer));
    ServerProtocolTest.Raw raw = start(dispatch, s);
    s.nextReadError.set(new NoClassDefFoundError("simulated linkage failure"));
    request("depth", 5, encode(s, new Node(null)));
    Envelope failed = raw.nextEnvelope();
    assertThat(failed.correlationId()).isEqualTo(5);
    assertThat(failed.status()).isEqualTo(500);
    assertThat(message(s, failed)).contains("Nested.depth(Node)", "NoClassDefFoundError");
    assertStillServing(raw, s);

    s.nextReadError.set(new StackOverflowError());
    request("depth", 6, encode(s, new Node(null)));
    Envelope tooDeep = raw.nextEnvelope();
    assertThat(tooDeep.status()).isEqualTo(400);
    assertThat(message(s, tooDeep)).contains("Nested.depth(Node): cannot decode arguments");
    assertStillServing(raw, s);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dispatchAndSerializer")
  void anErrorWhileEncodingTheResultIsA500(Dispatch dispatch, String serializer) throws Exception {
    Faulty s = new Faulty(serializer(serializer));
    ServerProtocolTest.Raw raw = start(dispatch, s);
    for (String method : new String[] {"depth", "depthAsync"}) {
      s.nextWriteError.set(new OutOfMemoryError("simulated"));
      request(method, 7, encode(s, new Node(null)));
      Envelope failed = raw.nextEnvelope();
      assertThat(failed.correlationId()).isEqualTo(7);
      assertThat(failed.status()).as(method).isEqualTo(500);
      assertThat(message(s, failed)).contains("cannot encode the result", "OutOfMemoryError");
      assertStillServing(raw, s);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(
      value = Dispatch.class,
      names = {"INLINE", "EXECUTOR"})
  void whenNotEvenAnErrorCanBeSentTheConnectionIsClosed(Dispatch dispatch) throws Exception {
    Faulty s = new Faulty(Serializers.json());
    ServerProtocolTest.Raw raw = start(dispatch, s);
    s.everyWriteFails = true;
    request("depth", 8, encode(Serializers.json(), new Node(null)));
    Object next = raw.next();
    if (next instanceof Envelope bye) {
      assertThat(bye.type()).isEqualTo(MessageType.GOODBYE);
      assertThat(Handshake.readGoodbye(bye.body())).contains("cannot answer request #8");
      next = raw.next();
    }
    assertThat(next).isSameAs(ServerProtocolTest.Raw.CLOSED);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (server.connectionCount() > 0 && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
    }
    assertThat(server.connectionCount()).isZero();
  }
}
