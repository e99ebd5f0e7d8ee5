package org.witrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.witrpc.WitSerializationException;

/**
 * {@link MessagePackWalker} agrees with msgpack-core's own {@code skipValue} on where a value ends
 * and on whether it is well formed, for every format (valid values of every kind, their mutations
 * and cuts, random bytes), and refuses nesting beyond its limit.
 */
class MessagePackWalkerTest {

  /** A value of every format MessagePack has, nested a little, packed by msgpack-core. */
  static byte[] sample(long seed) {
    java.util.Random r = new java.util.Random(seed);
    try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
      pack(p, r, 0);
      return p.toByteArray();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static void pack(MessageBufferPacker p, java.util.Random r, int depth)
      throws IOException {
    int kind = r.nextInt(depth > 3 ? 12 : 14);
    switch (kind) {
      case 0 -> p.packNil();
      case 1 -> p.packBoolean(r.nextBoolean());
      case 2 -> p.packInt(r.nextInt(256) - 128); // fixints and int 8 / uint 8
      case 3 -> p.packLong(r.nextLong() >> r.nextInt(64)); // every integer width
      case 4 -> p.packFloat(r.nextFloat());
      case 5 -> p.packDouble(r.nextDouble());
      case 6 -> p.packString("x".repeat(r.nextInt(3) == 0 ? r.nextInt(70_000) : r.nextInt(40)));
      case 7 -> {
        byte[] b = new byte[r.nextInt(3) == 0 ? r.nextInt(70_000) : r.nextInt(300)];
        p.packBinaryHeader(b.length).writePayload(b);
      }
      case 8, 9 -> {
        int[] fixed = {1, 2, 4, 8, 16, 0, 3, 17, 300, 70_000};
        int n = fixed[r.nextInt(fixed.length)];
        p.packExtensionTypeHeader((byte) r.nextInt(100), n).writePayload(new byte[n]);
      }
      case 10, 11 -> p.packString(""); // padding the odds toward scalars at depth
      case 12 -> {
        int n = r.nextInt(4) == 0 ? 16 + r.nextInt(20) : r.nextInt(5);
        p.packArrayHeader(n);
        for (int i = 0; i < n; i++) {
          pack(p, r, depth + 1);
        }
      }
      default -> {
        int n = r.nextInt(4) == 0 ? 16 + r.nextInt(5) : r.nextInt(4);
        p.packMapHeader(n);
        for (int i = 0; i < 2 * n; i++) {
          pack(p, r, depth + 1);
        }
      }
    }
  }

  @Provide
  Arbitrary<byte[]> bodies() {
    Arbitrary<byte[]> valid = Arbitraries.longs().map(MessagePackWalkerTest::sample);
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(60);
    Arbitrary<byte[]> mutated =
        valid.flatMap(
            v ->
                Arbitraries.oneOf(
                    Arbitraries.integers()
                        .between(0, v.length * 8 - 1)
                        .map(
                            bit -> {
                              byte[] b = v.clone();
                              b[bit / 8] ^= (byte) (1 << (bit % 8));
                              return b;
                            }),
                    Arbitraries.integers().between(0, v.length).map(n -> Arrays.copyOf(v, n)),
                    Arbitraries.integers().between(1, 8).map(n -> Arrays.copyOf(v, v.length + n))));
    return Arbitraries.oneOf(valid, random, mutated);
  }

  /** Where msgpack-core says the first value ends, or -1 if it cannot read one. */
  private static long msgpackCoreEnd(byte[] b) {
    try (MessageUnpacker u = MessagePack.newDefaultUnpacker(b)) {
      u.skipValue();
      return u.getTotalReadBytes();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static long walkerEnd(byte[] b, int maxDepth) {
    try {
      return MessagePackWalker.skip(b, 0, b.length, maxDepth);
    } catch (WitSerializationException e) {
      assertThat(e.getMessage()).startsWith("msgpack body");
      return -1;
    }
  }

  @Property(tries = 3000)
  void agreesWithMsgpackCoreOnWhereAValueEnds(@ForAll("bodies") byte[] body) {
    long expected = msgpackCoreEnd(body);
    if (expected >= 0 && walkerEnd(body, Integer.MAX_VALUE) == -1 && hugeContainers(body)) {
      // msgpack-core counts the values still to read in an int (two per map entry): containers
      // claiming 2^30 values or more between them wrap it negative, and it stops early, taking a
      // truncated body for a whole value; the walker counts in a long
      return;
    }
    assertThat(walkerEnd(body, Integer.MAX_VALUE)).isEqualTo(expected);
    // below the length, the depth bookkeeping runs: same answer for the shallow samples
    assertThat(walkerEnd(body, 100)).isEqualTo(expected);
  }

  /**
   * Whether the array32 and map32 headers found anywhere in {@code b} claim 2^30 values or more
   * between them (a map entry is two values), so that msgpack-core's int count may wrap.
   */
  private static boolean hugeContainers(byte[] b) {
    long values = 0;
    for (int i = 0; i + 4 < b.length; i++) {
      int f = b[i] & 0xFF;
      if (f == 0xdd || f == 0xdf) {
        long count = ByteBuffer.wrap(b, i + 1, 4).getInt() & 0xFFFF_FFFFL;
        values += f == 0xdf ? 2 * count : count;
      }
    }
    return values >= 1L << 30;
  }

  @Test
  void aMap32ThatWouldOverflowAnIntCounterIsNotTakenForAWholeValue() {
    byte[] body = {(byte) 0xdf, 0x40, 0, 0, 0};
    assertThatThrownBy(() -> MessagePackWalker.skip(body, 0, body.length, 1000))
        .hasMessageContaining("cut short");
  }

  @Test
  void refusesNestingBeyondTheLimitWhateverTheContainer() {
    byte[] arrays = new byte[5000];
    Arrays.fill(arrays, (byte) 0x91);
    arrays[arrays.length - 1] = (byte) 0xc0;
    assertThatThrownBy(() -> MessagePackWalker.skip(arrays, 0, arrays.length, 1000))
        .isInstanceOf(WitSerializationException.class)
        .hasMessageContaining("nesting depth");
    byte[] maps = new byte[2001];
    for (int i = 0; i < 1000; i++) {
      maps[2 * i] = (byte) 0x81; // {nil: ...}
      maps[2 * i + 1] = (byte) 0xc0;
    }
    maps[2000] = (byte) 0xc0;
    assertThat(MessagePackWalker.skip(maps, 0, maps.length, 1000)).isEqualTo(maps.length);
    assertThatThrownBy(() -> MessagePackWalker.skip(maps, 0, maps.length, 999))
        .hasMessageContaining("nesting depth exceeds the maximum allowed (999");
  }

  @Test
  void aLyingLengthIsNotBelieved() {
    byte[] bin32 = {(byte) 0xc6, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2};
    assertThatThrownBy(() -> MessagePackWalker.skip(bin32, 0, bin32.length, 1000))
        .isInstanceOf(WitSerializationException.class)
        .hasMessageContaining("claims more bytes than the body holds");
    byte[] array32 = {(byte) 0xdd, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1};
    assertThatThrownBy(() -> MessagePackWalker.skip(array32, 0, array32.length, 1000))
        .hasMessageContaining("cut short");
  }
}
