package org.witrpc.jmh;

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
import org.witrpc.internal.EnvelopeCodec;
import org.witrpc.internal.FrameCipher;
import org.witrpc.internal.MessageType;
import org.witrpc.internal.SessionKeys;

/**
 * AES-256-GCM frame encryption as an encrypted connection does it: one side's {@link FrameCipher}
 * seals a frame (envelope header as associated data, body of {@code bodyBytes}), the other side's
 * opens it. The ciphers come from {@link SessionKeys}, as after a handshake.
 *
 * <p>Thread safety: JMH gives each benchmark thread its own state (a cipher pair is one
 * connection's direction).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FrameCipherBenchmark {
  /** The frame body: a small call, and a 1 MiB value. */
  @Param({"64", "1048576"})
  public int bodyBytes;

  private ByteBuffer plain;
  private FrameCipher sealer;
  private FrameCipher opener;

  /** Keys for one connection and a frame of {@code bodyBytes} pseudo-random bytes. */
  @Setup
  public void setUp() {
    SessionKeys keys = SessionKeys.derive(Fill.pattern(32, 7), Fill.pattern(32, 11));
    sealer = keys.sealer(true);
    opener = keys.opener(false);
    plain = ByteBuffer.allocate(EnvelopeCodec.HEADER_SIZE + bodyBytes);
    EnvelopeCodec.writeHeader(plain, 0, MessageType.REQUEST, 0, 0, 42, bodyBytes);
    plain.put(EnvelopeCodec.HEADER_SIZE, Fill.pattern(bodyBytes, 3));
  }

  /**
   * Seals one frame (into the cipher's reused buffer: kept strongly up to 64 KiB, softly above, so
   * no new array per frame either way).
   */
  @Benchmark
  public ByteBuffer seal() {
    return sealer.seal(plain.duplicate());
  }

  /**
   * Seals one frame and opens it on the peer's side, in place (in the sealed buffer, as the
   * receiver opens the transport's frame): one encrypted hop. The opener's nonce follows the
   * sealer's only here (JMH gives each benchmark a fresh state).
   */
  @Benchmark
  public ByteBuffer sealAndOpen() {
    return opener.open(sealer.seal(plain.duplicate()));
  }
}
