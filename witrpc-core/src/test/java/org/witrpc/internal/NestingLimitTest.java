package org.witrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.msgpack.jackson.dataformat.MessagePackFactory;
import org.witrpc.Serializers;
import org.witrpc.WitSerializationException;
import org.witrpc.spi.Serializer;

/**
 * Values nested deeper than the limit (Jackson's {@code StreamReadConstraints.maxNestingDepth},
 * 1000 by default) are refused with a {@link WitSerializationException} before anything recurses
 * into them, on both serializers; nesting too deep for the thread's stack is refused the same way,
 * never as a {@link StackOverflowError}.
 */
@DisplayName("nesting limit")
class NestingLimitTest {
  /** A recursive parameter type, as a linked list or a tree of a user's own would be. */
  public record Node(Node next) {}

  private static final Type[] NODE = {Node.class};
  private static final Type[] OBJECT = {Object.class};
  private static final int DEEP = 100_000;

  /** A MessagePack body: one array holding {@code depth} arrays nested in each other. */
  static byte[] msgpackArrays(int depth) {
    byte[] b = new byte[depth + 2];
    b[0] = (byte) 0x91; // the body's own array of one value
    for (int i = 1; i <= depth; i++) {
      b[i] = (byte) 0x91; // an array of one element
    }
    b[depth + 1] = (byte) 0xc0; // nil
    return b;
  }

  /** A MessagePack body: {@code depth} nested {@code {"next": ...}} maps, the innermost nil. */
  static byte[] msgpackNodes(int depth) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x91);
    for (int i = 0; i < depth; i++) {
      out.write(0x81); // a map of one entry
      out.write(0xa4); // a string of 4 bytes
      out.writeBytes("next".getBytes(StandardCharsets.US_ASCII));
    }
    out.write(0xc0);
    return out.toByteArray();
  }

  static byte[] jsonNodes(int depth) {
    return ("[" + "{\"next\":".repeat(depth) + "null" + "}".repeat(depth) + "]")
        .getBytes(StandardCharsets.UTF_8);
  }

  static Node chain(int depth) {
    Node n = null;
    for (int i = 0; i < depth; i++) {
      n = new Node(n);
    }
    return n;
  }

  static List<Object> lists(int depth) {
    List<Object> l = new ArrayList<>();
    for (int i = 1; i < depth; i++) {
      List<Object> outer = new ArrayList<>();
      outer.add(l);
      l = outer;
    }
    return l;
  }

  @Test
  void aDeepMessagePackRecordIsRefusedNotAStackOverflow() {
    assertThatThrownBy(
            () -> Serializers.messagePack().read(ByteBuffer.wrap(msgpackNodes(DEEP)), NODE))
        .isInstanceOf(WitSerializationException.class)
        .hasMessageContaining("nesting depth")
        .hasMessageContaining("1000");
  }

  @Test
  void deepMessagePackArraysAreRefusedForAnUntypedParameter() {
    assertThatThrownBy(
            () -> Serializers.messagePack().read(ByteBuffer.wrap(msgpackArrays(DEEP)), OBJECT))
        .isInstanceOf(WitSerializationException.class)
        .hasMessageContaining("nesting depth")
        .hasMessageContaining("1000");
  }

  @Test
  void messagePackNestingUpToTheLimitIsRead() {
    // the body's own array counts, as it does for Jackson's JSON parser: 999 more fit in 1000
    Object[] read = Serializers.messagePack().read(ByteBuffer.wrap(msgpackArrays(999)), OBJECT);
    assertThat(read[0]).isInstanceOf(List.class);
    assertThatThrownBy(
            () -> Serializers.messagePack().read(ByteBuffer.wrap(msgpackArrays(1000)), OBJECT))
        .isInstanceOf(WitSerializationException.class)
        .hasMessageContaining("nesting depth");
  }

  @Test
  void theLargeBodyPathChecksTheNestingToo() {
    // 100,000 bytes with a byte[] parameter: read value by value (MessagePackBodies.read)
    byte[] nested = msgpackArrays(DEEP);
    byte[] body = new byte[nested.length + 1];
    body[0] = (byte) 0x92; // two values: nil for the byte[], then the nested arrays
    body[1] = (byte) 0xc0;
    System.arraycopy(nested, 1, body, 2, nested.length - 1);
    assertThat(body.length).isGreaterThan(JacksonSerializer.STREAMED_BODY_BYTES);
    assertThatThrownBy(
            () ->
                Serializers.messagePack()
                    .read(ByteBuffer.wrap(body), new Type[] {byte[].class, Object.class}))
        .isInstanceOf(WitSerializationException.class)
        .hasMessageContaining("nesting depth");
  }

  @Test
  void theLimitIsTheMappersStreamReadConstraints() {
    MessagePackFactory factory = new MessagePackFactory();
    factory.setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(10).build());
    Serializer small = Serializers.messagePack(Serializers.configure(new ObjectMapper(factory)));
    assertThat(small.read(ByteBuffer.wrap(msgpackArrays(9)), OBJECT)[0]).isNotNull();
    assertThatThrownBy(() -> small.read(ByteBuffer.wrap(msgpackArrays(10)), OBJECT))
        .isInstanceOf(WitSerializationException.class)
        .hasMessageContaining("(10, from StreamReadConstraints");
  }

  @Test
  void aDeepJsonRecordIsRefusedNotAStackOverflow() {
    for (int depth : new int[] {1000, 1001, 1500, DEEP}) {
      assertThatThrownBy(() -> Serializers.json().read(ByteBuffer.wrap(jsonNodes(depth)), NODE))
          .as("depth %d", depth)
          .isInstanceOf(WitSerializationException.class);
    }
  }

  @Test
  void nestingTooDeepForTheThreadsStackIsRefusedNotAStackOverflow() throws Exception {
    // 900 levels are within the limit, but a record needs about 1 KiB of stack per level
    for (Serializer s : List.of(Serializers.json(), Serializers.messagePack())) {
      byte[] body = s == Serializers.json() ? jsonNodes(900) : msgpackNodes(900);
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      Thread small =
          new Thread(
              null,
              () -> {
                try {
                  s.read(ByteBuffer.wrap(body), NODE);
                } catch (Throwable t) {
                  thrown.set(t);
                }
              },
              "small-stack",
              128 << 10);
      small.start();
      small.join(10_000);
      assertThat(small.isAlive()).isFalse();
      assertThat(thrown.get())
          .as(s.name())
          .isInstanceOf(WitSerializationException.class)
          .hasMessageContaining("nested too deeply");
    }
  }

  @Test
  void writingADeepValueFailsTheCallNotTheThread() {
    for (Serializer s : List.of(Serializers.json(), Serializers.messagePack())) {
      assertThatThrownBy(
              () -> s.write(new FrameBuffer(), new Object[] {chain(DEEP)}, new Type[] {Node.class}))
          .as(s.name() + " record")
          .isInstanceOf(WitSerializationException.class);
      assertThatThrownBy(
              () -> s.write(new FrameBuffer(), new Object[] {lists(DEEP)}, new Type[] {List.class}))
          .as(s.name() + " lists")
          .isInstanceOf(WitSerializationException.class);
    }
  }

  @Test
  void ordinaryNestingStillRoundTrips() {
    for (Serializer s : List.of(Serializers.json(), Serializers.messagePack())) {
      FrameBuffer fb = new FrameBuffer();
      s.write(fb, new Object[] {chain(50)}, NODE);
      ByteBuffer frame = fb.finish(MessageType.REQUEST, 0, 0, 1);
      frame.position(EnvelopeCodec.HEADER_SIZE);
      assertThat(s.read(frame.slice(), NODE)[0]).isEqualTo(chain(50));
    }
  }
}
