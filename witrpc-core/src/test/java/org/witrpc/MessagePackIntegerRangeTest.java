package org.witrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.witrpc.spi.Serializer;

/**
 * A MessagePack integer outside the range of the declared type is refused, as JSON refuses it (and
 * as MessagePack refuses 300 for a byte): README.md promises values that "round-trip exactly" and
 * numbers "refused, not cut". Over MessagePack a long read as an int (a DynamicClient or `witrpc
 * call --serializer msgpack` argument, an interface of another version) arrives wrapped around:
 * 3,000,000,000 becomes -1,294,967,296.
 */
class MessagePackIntegerRangeTest {
  private final Serializer json = Serializers.json();
  private final Serializer msgpack = Serializers.messagePack();

  static final List<Integer> INTS = null;

  private static byte[] packed(long value) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    org.msgpack.core.MessagePacker packer = org.msgpack.core.MessagePack.newDefaultPacker(out);
    packer.packArrayHeader(1).packLong(value);
    packer.flush();
    return out.toByteArray();
  }

  @Test
  void jsonRefusesALongForAnInt() {
    assertThatThrownBy(
            () -> json.read(ByteBuffer.wrap("[3000000000]".getBytes()), new Type[] {int.class}))
        .isInstanceOf(WitSerializationException.class);
  }

  @Test
  void messagePackRefusesALongForAnInt() throws Exception {
    byte[] body = packed(3_000_000_000L);
    assertThatThrownBy(
            () -> {
              Object[] back = msgpack.read(ByteBuffer.wrap(body), new Type[] {int.class});
              throw new AssertionError("accepted as " + back[0]);
            })
        .isInstanceOf(WitSerializationException.class);
  }

  @Test
  void messagePackRefusesALongForAnIntegerInAList() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    org.msgpack.core.MessagePacker packer = org.msgpack.core.MessagePack.newDefaultPacker(out);
    packer.packArrayHeader(1).packArrayHeader(1).packLong(3_000_000_000L);
    packer.flush();
    Type listOfIntegers = getClass().getDeclaredField("INTS").getGenericType();
    assertThatThrownBy(
            () -> {
              Object[] back =
                  msgpack.read(ByteBuffer.wrap(out.toByteArray()), new Type[] {listOfIntegers});
              throw new AssertionError("accepted as " + back[0]);
            })
        .isInstanceOf(WitSerializationException.class);
  }

  @Test
  void messagePackRefusesAnUnsigned64BitValueAboveLongMaxForALong() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    org.msgpack.core.MessagePacker packer = org.msgpack.core.MessagePack.newDefaultPacker(out);
    BigInteger max = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    packer.packArrayHeader(1).packBigInteger(max);
    packer.flush();
    byte[] body = out.toByteArray();
    assertThatThrownBy(
            () -> {
              Object[] back = msgpack.read(ByteBuffer.wrap(body), new Type[] {long.class});
              throw new AssertionError("accepted as " + back[0]);
            })
        .isInstanceOf(WitSerializationException.class)
        .hasMessageContaining("out of range of long");
    assertThat(msgpack.read(ByteBuffer.wrap(body), new Type[] {BigInteger.class}))
        .containsExactly(max);
  }

  @Test
  void messagePackStillReadsTheLimitsOfIntAndLong() throws Exception {
    assertThat(msgpack.read(ByteBuffer.wrap(packed(Long.MAX_VALUE)), new Type[] {long.class}))
        .containsExactly(Long.MAX_VALUE);
    assertThat(msgpack.read(ByteBuffer.wrap(packed(Long.MIN_VALUE)), new Type[] {long.class}))
        .containsExactly(Long.MIN_VALUE);
    assertThat(msgpack.read(ByteBuffer.wrap(packed(Integer.MAX_VALUE)), new Type[] {int.class}))
        .containsExactly(Integer.MAX_VALUE);
    assertThat(msgpack.read(ByteBuffer.wrap(packed(Integer.MIN_VALUE)), new Type[] {int.class}))
        .containsExactly(Integer.MIN_VALUE);
    assertThat(msgpack.read(ByteBuffer.wrap(packed(1L << 40)), new Type[] {Long.class}))
        .containsExactly(1L << 40);
  }

  @Test
  void messagePackStillReadsAnIntThatFits() throws Exception {
    assertThat(msgpack.read(ByteBuffer.wrap(packed(42)), new Type[] {int.class}))
        .containsExactly(42);
    assertThat(msgpack.read(ByteBuffer.wrap(packed(42)), new Type[] {BigInteger.class}))
        .containsExactly(BigInteger.valueOf(42));
  }
}
