package org.witrpc.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
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
import org.witrpc.internal.FrameBuffer;
import org.witrpc.internal.Handshake;
import org.witrpc.internal.MessageType;
import org.witrpc.internal.Route;
import org.witrpc.server.ServerProtocolTest.Raw;
import org.witrpc.spi.Connection;

/**
 * A REQUEST reusing the correlation id of a call still running is refused (400) without running; it
 * took the running call's place, which then was beyond CANCEL and the cancel-all at close. An id is
 * free again once its call is answered.
 */
class CorrelationIdReuseTest {
  private static final AtomicInteger NAMES = new AtomicInteger();

  /** A service whose {@code block()} runs until released or cancelled. */
  public interface Blocker {
    String block();

    int echo(int value);
  }

  static final class BlockerImpl implements Blocker {
    final AtomicInteger started = new AtomicInteger();
    final CountDownLatch firstStarted = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch ended = new CountDownLatch(1);

    @Override
    public String block() {
      started.incrementAndGet();
      firstStarted.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
        return "released";
      } catch (InterruptedException cancelled) {
        return "cancelled";
      } finally {
        ended.countDown();
      }
    }

    @Override
    public int echo(int value) {
      return value;
    }
  }

  private final BlockerImpl impl = new BlockerImpl();
  private String name;
  private WitServer server;

  @BeforeEach
  void start() {
    name = "idreuse" + NAMES.incrementAndGet();
    server =
        WitServer.builder()
            .service(Blocker.class, impl)
            .transport("mem://" + name)
            .dispatch(Dispatch.EXECUTOR)
            .build()
            .start();
  }

  @AfterEach
  void stop() {
    impl.release.countDown();
    server.close();
  }

  private Connection ready(Raw raw) throws InterruptedException {
    Connection c = MemTransport.client(name).connect(raw, Duration.ofSeconds(1));
    c.send(
        Handshake.hello(
            MessageType.HELLO,
            new Handshake.Hello(Handshake.PROTOCOL_VERSION, 0, Serializers.json().name())));
    assertThat(raw.nextEnvelope().status()).isEqualTo(200);
    c.send(Handshake.auth(""));
    assertThat(raw.nextEnvelope().status()).isEqualTo(200);
    return c;
  }

  private static ByteBuffer request(String methodKey, String args, long id) {
    FrameBuffer fb = new FrameBuffer();
    fb.writeI64(CallDeadline.NONE);
    new Route(Blocker.class.getName(), methodKey).write(fb);
    CallMetadata.writeNone(fb);
    byte[] values = args.getBytes(StandardCharsets.UTF_8);
    fb.write(values, 0, values.length);
    return fb.finish(MessageType.REQUEST, 0, 0, id);
  }

  @Test
  void aRequestReusingTheIdOfARunningCallIsRefusedAndTheRunningCallIsStillCancelledAtClose()
      throws Exception {
    Raw raw = new Raw();
    Connection c = ready(raw);
    c.send(request("block()", "[]", 7));
    assertThat(impl.firstStarted.await(10, TimeUnit.SECONDS)).isTrue();

    c.send(request("block()", "[]", 7));
    Envelope refused = raw.nextEnvelope();
    assertThat(refused.correlationId()).isEqualTo(7);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(BodyReader.rest(refused.body()))
        .contains("correlation id 7 is in use by a call still running");
    assertThat(impl.started).hasValue(1);
    assertThat(server.runningCalls()).isEqualTo(1);

    c.close(); // the first call is still the one the connection's end cancels
    assertThat(impl.ended.await(10, TimeUnit.SECONDS))
        .as("the running call is cancelled when its client goes")
        .isTrue();
  }

  @Test
  void aCancelStillReachesTheRunningCallAfterARefusedReuse() throws Exception {
    Raw raw = new Raw();
    Connection c = ready(raw);
    c.send(request("block()", "[]", 7));
    assertThat(impl.firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
    c.send(request("block()", "[]", 7));
    assertThat(raw.nextEnvelope().status()).isEqualTo(400);

    c.send(new FrameBuffer().finish(MessageType.CANCEL, 0, 0, 7));
    Envelope cancelled = raw.nextEnvelope();
    assertThat(cancelled.correlationId()).isEqualTo(7);
    assertThat(BodyReader.rest(cancelled.body())).isEqualTo("[\"cancelled\"]");
    assertThat(impl.ended.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(impl.started).hasValue(1);
    c.close();
  }

  @Test
  void anIdIsFreeAgainOnceItsCallIsAnswered() throws Exception {
    Raw raw = new Raw();
    Connection c = ready(raw);
    for (int i = 0; i < 200; i++) {
      c.send(request("echo(int)", "[" + i + "]", 5));
      Envelope answer = raw.nextEnvelope();
      assertThat(answer.correlationId()).isEqualTo(5);
      assertThat(answer.status()).as("call %d", i).isEqualTo(200);
      assertThat(BodyReader.rest(answer.body())).isEqualTo("[" + i + "]");
    }
    c.send(request("block()", "[]", 5));
    assertThat(impl.firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
    impl.release.countDown();
    Envelope released = raw.nextEnvelope();
    assertThat(released.status()).isEqualTo(200);
    assertThat(BodyReader.rest(released.body())).isEqualTo("[\"released\"]");
    c.send(request("echo(int)", "[1]", 5));
    assertThat(raw.nextEnvelope().status()).isEqualTo(200);
    c.close();
  }
}
