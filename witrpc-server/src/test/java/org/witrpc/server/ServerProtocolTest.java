package org.witrpc.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.witrpc.MemTransport;
import org.witrpc.Serializers;
import org.witrpc.internal.BodyReader;
import org.witrpc.internal.CallDeadline;
import org.witrpc.internal.CallMetadata;
import org.witrpc.internal.Envelope;
import org.witrpc.internal.EnvelopeCodec;
import org.witrpc.internal.FrameBuffer;
import org.witrpc.internal.Handshake;
import org.witrpc.internal.MessageType;
import org.witrpc.internal.Route;
import org.witrpc.spi.Connection;
import org.witrpc.spi.FrameListener;
import org.witrpc.testkit.ProgressListener;
import org.witrpc.testkit.PropertyChangedListener;
import org.witrpc.testkit.TestService;
import org.witrpc.testkit.TestServiceImpl;

/** The server's handling of raw, out-of-order and malformed frames. */
class ServerProtocolTest {
  private static final AtomicInteger NAMES = new AtomicInteger();

  /** A raw client end: frames and the close arrive in a queue. */
  static final class Raw implements FrameListener {
    static final Object CLOSED = new Object();
    final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();

    @Override
    public void onFrame(ByteBuffer frame) {
      inbox.add(EnvelopeCodec.decode(frame));
    }

    @Override
    public void onClosed(Throwable cause) {
      inbox.add(CLOSED);
    }

    Object next() throws InterruptedException {
      Object o = inbox.poll(10, TimeUnit.SECONDS);
      assertThat(o).as("a frame or the close within 10 s").isNotNull();
      return o;
    }

    Envelope nextEnvelope() throws InterruptedException {
      Object o = next();
      assertThat(o).isInstanceOf(Envelope.class);
      return (Envelope) o;
    }
  }

  private String name;
  private final TestServiceImpl impl = new TestServiceImpl();
  private WitServer server;

  @BeforeEach
  void start() {
    name = "sp" + NAMES.incrementAndGet();
    server =
        WitServer.builder()
            .service(TestService.class, impl)
            .transport("mem://" + name)
            .build()
            .start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Connection connect(Raw raw) {
    return MemTransport.client(name).connect(raw, Duration.ofSeconds(1));
  }

  private Connection ready(Raw raw) throws InterruptedException {
    Connection c = connect(raw);
    c.send(
        Handshake.hello(
            MessageType.HELLO,
            new Handshake.Hello(Handshake.PROTOCOL_VERSION, 0, Serializers.json().name())));
    assertThat(raw.nextEnvelope().status()).isEqualTo(200);
    c.send(Handshake.auth(""));
    assertThat(raw.nextEnvelope().status()).isEqualTo(200);
    return c;
  }

  @Test
  void requestBeforeTheHandshakeClosesTheConnection() throws Exception {
    Raw raw = new Raw();
    Connection c = connect(raw);
    FrameBuffer fb = new FrameBuffer();
    fb.writeI64(CallDeadline.NONE);
    new Route(TestService.class.getName(), "echo(int)").write(fb);
    c.send(fb.finish(MessageType.REQUEST, 0, 0, 1));
    Envelope bye = raw.nextEnvelope();
    assertThat(bye.type()).isEqualTo(MessageType.GOODBYE);
    assertThat(Handshake.readGoodbye(bye.body())).contains("REQUEST before HELLO");
    assertThat(raw.next()).isSameAs(Raw.CLOSED);
  }

  @Test
  void garbageClosesOnlyThatConnection() throws Exception {
    Raw bad = new Raw();
    connect(bad).send(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    assertThat(bad.nextEnvelope().type()).isEqualTo(MessageType.GOODBYE);
    assertThat(bad.next()).isSameAs(Raw.CLOSED);
    Raw good = new Raw();
    ready(good).close();
  }

  @Test
  void protocolVersionMismatchIsNamed() throws Exception {
    Raw raw = new Raw();
    connect(raw).send(Handshake.hello(MessageType.HELLO, new Handshake.Hello(99, 0, "json")));
    Envelope ack = raw.nextEnvelope();
    assertThat(ack.type()).isEqualTo(MessageType.HELLO_ACK);
    assertThat(ack.status()).isEqualTo(400);
    assertThat(Handshake.readStatusMessage(ack.body()))
        .contains("protocol version mismatch", "99", "version 5");
    assertThat(raw.next()).isSameAs(Raw.CLOSED);
  }

  @Test
  void aVersion3ClientIsToldTheProtocolVersionInsteadOfAMalformedHello() throws Exception {
    Raw raw = new Raw();
    FrameBuffer v3 = new FrameBuffer(); // version 3 layout: no metadata limit after the name
    v3.writeU16(3).writeU8(0).writeU8(4);
    v3.write("json".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, 4);
    connect(raw).send(v3.finish(MessageType.HELLO, 0, 0, 0));
    Envelope ack = raw.nextEnvelope();
    assertThat(ack.status()).isEqualTo(400);
    assertThat(Handshake.readStatusMessage(ack.body()))
        .isEqualTo("protocol version mismatch: client speaks version 3, server speaks version 5");
    assertThat(raw.next()).isSameAs(Raw.CLOSED);
  }

  @Test
  void aVersion4ClientIsToldTheProtocolVersionInsteadOfAMalformedHello() throws Exception {
    Raw raw = new Raw();
    FrameBuffer v4 = new FrameBuffer(); // version 4 layout: no frame limit after the metadata's
    v4.writeU16(4).writeU8(0).writeU8(4);
    v4.write("json".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, 4);
    v4.writeI32(8192);
    connect(raw).send(v4.finish(MessageType.HELLO, 0, 0, 0));
    Envelope ack = raw.nextEnvelope();
    assertThat(ack.status()).isEqualTo(400);
    assertThat(Handshake.readStatusMessage(ack.body()))
        .isEqualTo("protocol version mismatch: client speaks version 4, server speaks version 5");
    assertThat(raw.next()).isSameAs(Raw.CLOSED);
  }

  @Test
  void aHelloAnnouncingAFrameLimitBelowTheMinimumIsAProtocolViolation() throws Exception {
    for (int limit : new int[] {0, 1023, -1}) {
      Raw raw = new Raw();
      FrameBuffer hello = new FrameBuffer();
      hello.writeU16(Handshake.PROTOCOL_VERSION).writeU8(0).writeU8(4);
      hello.write("json".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, 4);
      hello.writeI32(8192).writeI32(limit);
      connect(raw).send(hello.finish(MessageType.HELLO, 0, 0, 0));
      Envelope bye = raw.nextEnvelope();
      assertThat(bye.type()).as("limit %d", limit).isEqualTo(MessageType.GOODBYE);
      assertThat(Handshake.readGoodbye(bye.body())).contains("bad maximum frame size");
      assertThat(raw.next()).isSameAs(Raw.CLOSED);
    }
  }

  @Test
  void oversizedOrMalformedMetadataIsA400ForThatCallOnly() throws Exception {
    Raw raw = new Raw();
    Connection c = ready(raw);
    byte[][] blocks = {
      {0, 0, 0x20, 1}, // N = 8193, above the default limit of 8192
      {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xF0}, // N negative as i32
      {0, 0, 0, 100, 1, 'k'}, // N beyond the body
      {0, 0, 0, 3, 0, 0, 0}, // an empty key
      {0, 0, 0, 8, 1, 'k', 0, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0}, // value overruns
      {0, 0, 0, 7, 1, 'k', 9, 0, 0, 0, 0}, // unknown kind
      {0, 0, 0, 14, 1, 'k', 0, 0, 0, 0, 0, 1, 'k', 0, 0, 0, 0, 0}, // the key repeated
      invalidUtf8Key(),
      entries(org.witrpc.internal.CallMetadata.MAX_ENTRIES + 1)
    };
    long id = 20;
    for (byte[] block : blocks) {
      FrameBuffer fb = new FrameBuffer();
      fb.writeI64(CallDeadline.NONE);
      new Route(TestService.class.getName(), "echo(int)").write(fb);
      fb.write(block, 0, block.length);
      fb.write("[1]".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      c.send(fb.finish(MessageType.REQUEST, 0, 0, ++id));
      Envelope bad = raw.nextEnvelope();
      assertThat(bad.correlationId()).isEqualTo(id);
      assertThat(bad.status()).as("block %s", java.util.Arrays.toString(block)).isEqualTo(400);
      assertThat(BodyReader.rest(bad.body())).contains("TestService.echo(int)", "metadata");
    }
    FrameBuffer good = new FrameBuffer();
    good.writeI64(CallDeadline.NONE);
    new Route(TestService.class.getName(), "echo(int)").write(good);
    CallMetadata.write(good, CallMetadata.encode(org.witrpc.Metadata.empty().with("k", "v")));
    good.write("[5]".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    c.send(good.finish(MessageType.REQUEST, 0, 0, 99));
    Envelope ok = raw.nextEnvelope();
    assertThat(ok.status()).isEqualTo(200);
    assertThat(BodyReader.rest(ok.body())).isEqualTo("[5]");
  }

  /** A key of 86 bytes 0xFF: each decodes to U+FFFD (3 bytes), past the 255-byte key bound. */
  private static byte[] invalidUtf8Key() {
    ByteBuffer b = ByteBuffer.allocate(4 + 1 + 86 + 5);
    b.putInt(b.capacity() - 4).put((byte) 86);
    for (int i = 0; i < 86; i++) {
      b.put((byte) 0xFF);
    }
    b.put((byte) 0).putInt(0);
    return b.array();
  }

  /** A block of {@code n} entries "k0".."kN" with empty string values. */
  private static byte[] entries(int n) {
    org.witrpc.Metadata.Builder m = org.witrpc.Metadata.builder();
    for (int i = 0; i < n; i++) {
      m.put("k" + i, "");
    }
    byte[] entries = CallMetadata.encode(m.build());
    ByteBuffer b = ByteBuffer.allocate(4 + entries.length);
    b.putInt(entries.length).put(entries);
    return b.array();
  }

  @Test
  void aCancelForACallAlreadyAnsweredOrNeverMadeIsIgnored() throws Exception {
    Raw raw = new Raw();
    Connection c = ready(raw);
    c.send(new FrameBuffer(16).finish(MessageType.CANCEL, 0, 0, 12345));
    c.send(request("echo(int)", "[3]", 1));
    assertThat(raw.nextEnvelope().status()).isEqualTo(200);
  }

  private static ByteBuffer request(String methodKey, String args, long id) {
    FrameBuffer fb = new FrameBuffer();
    fb.writeI64(CallDeadline.NONE);
    new Route(TestService.class.getName(), methodKey).write(fb);
    CallMetadata.writeNone(fb);
    byte[] bytes = args.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    fb.write(bytes, 0, bytes.length);
    return fb.finish(MessageType.REQUEST, 0, 0, id);
  }

  @Test
  void noCallIsLeftAmongTheRunningCallsAfter10000Calls() throws Exception {
    Raw raw = new Raw();
    Connection c = ready(raw);
    int calls = 10_000;
    for (long id = 1; id <= calls; id++) {
      c.send(
          id % 2 == 0
              ? request("echo(int)", "[" + id + "]", id)
              : request("echoAsync(java.lang.String)", "[\"x\"]", id));
      if (id % 3 == 0) {
        c.send(new FrameBuffer(16).finish(MessageType.CANCEL, 0, 0, id));
      }
      if (id % 512 == 0) { // keep under the per-connection limit of calls in flight
        for (int i = 0; i < 512; i++) {
          raw.nextEnvelope();
        }
      }
    }
    for (int i = 0; i < calls % 512; i++) {
      raw.nextEnvelope();
    }
    assertThat(server.runningCalls()).isZero();
  }

  @Test
  void undecodableArgumentsAre400AndUnknownMethodsAre404() throws Exception {
    Raw raw = new Raw();
    Connection c = ready(raw);
    FrameBuffer fb = new FrameBuffer();
    fb.writeI64(CallDeadline.NONE);
    new Route(TestService.class.getName(), "echo(int)").write(fb);
    CallMetadata.writeNone(fb);
    fb.write("[\"not a number\"]".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    c.send(fb.finish(MessageType.REQUEST, 0, 0, 7));
    Envelope bad = raw.nextEnvelope();
    assertThat(bad.correlationId()).isEqualTo(7);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(BodyReader.rest(bad.body()))
        .contains("TestService.echo(int): cannot decode", "parameter 0 of type int");

    FrameBuffer missing = new FrameBuffer();
    missing.writeI64(CallDeadline.NONE);
    new Route(TestService.class.getName(), "nope()").write(missing);
    CallMetadata.writeNone(missing);
    missing.write("[]".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    c.send(missing.finish(MessageType.REQUEST, 0, 0, 8));
    Envelope notFound = raw.nextEnvelope();
    assertThat(notFound.status()).isEqualTo(404);
    assertThat(BodyReader.rest(notFound.body())).contains("no method nope()");
    c.close();
  }

  private static ByteBuffer subscription(MessageType type, String methodKey, long id) {
    FrameBuffer fb = new FrameBuffer();
    fb.writeI64(CallDeadline.NONE);
    new Route(TestService.class.getName(), methodKey).write(fb);
    byte[] values = ("[" + id + "]").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    fb.write(values, 0, values.length);
    return fb.finish(type, 0, 0, id + 100);
  }

  @Test
  void unsubscribeThroughARemoveMethodThatDoesNotPairIs400AndKeepsTheSubscription()
      throws Exception {
    Raw raw = new Raw();
    Connection c = ready(raw);
    String progressType = "(" + ProgressListener.class.getName() + ")";
    String propertyType = "(" + PropertyChangedListener.class.getName() + ")";
    c.send(subscription(MessageType.SUBSCRIBE, "addProgressListener" + progressType, 1));
    assertThat(raw.nextEnvelope().status()).isEqualTo(200);
    assertThat(impl.progressListenerCount()).isEqualTo(1);

    c.send(
        subscription(MessageType.UNSUBSCRIBE, "removePropertyChangedListener" + propertyType, 1));
    Envelope refused = raw.nextEnvelope();
    assertThat(refused.status()).isEqualTo(400);
    assertThat(BodyReader.rest(refused.body()))
        .contains("TestService.removePropertyChangedListener(PropertyChangedListener)")
        .contains("no subscription 1");
    assertThat(impl.progressListenerCount()).isEqualTo(1);

    c.send(subscription(MessageType.UNSUBSCRIBE, "removeProgressListener" + progressType, 1));
    assertThat(raw.nextEnvelope().status()).isEqualTo(200);
    assertThat(impl.progressListenerCount()).isZero();
    c.close();
  }
}
