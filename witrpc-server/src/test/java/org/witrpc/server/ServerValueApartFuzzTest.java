package org.witrpc.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import org.witrpc.Serializers;
import org.witrpc.internal.Envelope;
import org.witrpc.internal.EnvelopeCodec;
import org.witrpc.spi.FrameListener;
import org.witrpc.spi.Serializer;
import org.witrpc.spi.ValueSpan;
import org.witrpc.testkit.ValuesApart;

/**
 * A hostile client's large REQUEST as the server's span locator sees it ({@link
 * FrameListener#largeValueSpan}): a well-formed request whose first bytes (envelope header,
 * deadline, route, metadata, the arguments' start) are overwritten at random, seen through a head
 * of any length and with a frame length that may lie. The locator never throws (a transport would
 * stop asking it for the connection and log the failure), names only spans inside the frame, and a
 * request delivered with its value apart as named is answered exactly as the same bytes delivered
 * whole: same responses, same close.
 */
class ServerValueApartFuzzTest {
  private static final HandshakeTimer TIMER = new HandshakeTimer(Duration.ofMinutes(1));
  private static final int DATA_BYTES = 300_000; // above the 256 KiB a span is named for
  private static final Serializer MSGPACK = Serializers.messagePack();
  private static final ByteBuffer REQUEST = request();
  private static final int DEADLINE = EnvelopeCodec.HEADER_SIZE; // the body's first field
  private static final int ARGUMENTS = argumentsStart();

  @AfterContainer
  static void stopTimer() {
    TIMER.close();
  }

  @Property(tries = 3000)
  void aMangledRequestIsAnsweredAsIfItCameWhole(
      @ForAll @Size(max = 6) List<@From("overwrites") int[]> overwrites,
      @ForAll("heads") int headBytes,
      @ForAll @IntRange(min = -2, max = 2) int lengthLie) {
    ByteBuffer frame = mangled(overwrites);
    int frameLength = frame.remaining() + lengthLie;
    ByteBuffer head =
        frame
            .asReadOnlyBuffer()
            .limit(headBytes < 0 ? frame.remaining() : Math.min(headBytes, frame.remaining()));

    HandshakeFuzzTest.FakeConnection apartConnection = new HandshakeFuzzTest.FakeConnection();
    FrameListener apart =
        ServerValueApartTest.ready(
            MSGPACK, apartConnection, new ServerValueApartTest.BlobsImpl(), TIMER);
    ValueSpan span = apart.largeValueSpan(head, frameLength);
    if (span == null || lengthLie != 0) {
      assertThat(span == null || span.end() <= frameLength)
          .as("a span inside the frame length given: %s", span)
          .isTrue();
      return; // the transport receives the frame whole: nothing else to compare
    }
    assertThat(span.end()).isLessThanOrEqualTo(frame.remaining());
    apart.onFrame(ValuesApart.without(frame, span), span, ServerValueApartTest.slice(frame, span));

    HandshakeFuzzTest.FakeConnection wholeConnection = new HandshakeFuzzTest.FakeConnection();
    FrameListener whole =
        ServerValueApartTest.ready(
            MSGPACK, wholeConnection, new ServerValueApartTest.BlobsImpl(), TIMER);
    whole.onFrame(frame.duplicate());

    assertThat(apartConnection.closed).isEqualTo(wholeConnection.closed);
    assertThat(apartConnection.sent.stream().map(ServerValueApartFuzzTest::describe))
        .containsExactlyElementsOf(
            wholeConnection.sent.stream().map(ServerValueApartFuzzTest::describe).toList());
  }

  /** How many of the frame's bytes the locator sees: mostly all (-1), else its first 0-300. */
  @Provide
  Arbitrary<Integer> heads() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.just(-1)), Tuple.of(1, Arbitraries.integers().between(0, 300)));
  }

  /**
   * {at, value}: a byte overwritten, anywhere up to the arguments' start or (as often) in the
   * arguments' first bytes: the array header, the int before the {@code byte[]}, its binary header.
   */
  @Provide
  Arbitrary<int[]> overwrites() {
    return Combinators.combine(
            Arbitraries.oneOf(
                Arbitraries.integers().between(0, ARGUMENTS),
                Arbitraries.integers().between(ARGUMENTS, ARGUMENTS + 8)),
            Arbitraries.oneOf(
                Arbitraries.integers().between(0, 255),
                Arbitraries.of(0x00, 0x7f, 0x80, 0xc0, 0xc4, 0xc5, 0xc6, 0xdc, 0xdd, 0xff)))
        .as((at, value) -> new int[] {at, value});
  }

  private static ByteBuffer mangled(List<int[]> overwrites) {
    ByteBuffer frame = ByteBuffer.allocate(REQUEST.remaining());
    frame.put(REQUEST.duplicate()).flip();
    for (int[] overwrite : overwrites) {
      int at = overwrite[0];
      if (at < DEADLINE || at >= DEADLINE + Long.BYTES) {
        frame.put(at, (byte) overwrite[1]);
      } // a mangled deadline's error names how long ago it passed, a different number each time
    }
    return frame;
  }

  private static ByteBuffer request() {
    byte[] data = new byte[DATA_BYTES];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 13 + 5);
    }
    return ServerValueApartTest.request(
        MSGPACK, "sum", new Object[] {7, data, "tail"}, ServerValueApartTest.SUM);
  }

  /** Where the request's arguments start: their MessagePack array of three, then the int 7. */
  private static int argumentsStart() {
    for (int i = DEADLINE; i < REQUEST.limit() - 1; i++) {
      if (REQUEST.get(i) == (byte) 0x93 && REQUEST.get(i + 1) == 7) {
        return i;
      }
    }
    throw new IllegalStateException("no arguments in the request");
  }

  /** A response's type, status, correlation and body bytes. */
  private static String describe(Envelope e) {
    byte[] body = new byte[e.body().remaining()];
    e.body().duplicate().get(body);
    return e.type()
        + " "
        + e.status()
        + " "
        + e.correlationId()
        + " "
        + java.util.HexFormat.of().formatHex(body);
  }
}
