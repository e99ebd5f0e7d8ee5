package org.witrpc.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.msgpack.jackson.dataformat.MessagePackFactory;
import org.witrpc.WitSerializationException;
import org.witrpc.spi.Serializer;
import org.witrpc.spi.ValueSpan;

/**
 * A {@link Serializer} on a Jackson {@link ObjectMapper} (JSON, MessagePack or any other Jackson
 * format). Values are written as one array; each element is written and read as its declared type,
 * so no class name ever travels on the wire and none is instantiated from it. Readers and writers
 * are cached per declared type. With MessagePack, a {@code byte[]} value of 64 KiB or more whose
 * declared type is {@code byte[]} is written by reference, and a heap body of 64 KiB or more with a
 * {@code byte[]} parameter is read value by value ({@link MessagePackBodies}), so such arrays are
 * not copied through Jackson's buffers; every MessagePack body is checked to be one well-formed
 * value before it is parsed (no length in it is believed before that).
 *
 * <p>Nesting is limited as Jackson limits it for JSON, by the mapper's {@link
 * StreamReadConstraints#getMaxNestingDepth()} (1000 arrays and objects by default, the body's own
 * array included; set it with {@code JsonFactory.setStreamReadConstraints}): Jackson's JSON parser
 * checks it as it reads, and a MessagePack body is checked before Jackson reads it. A value that
 * nests too deeply for the decoding or encoding thread's stack even below that limit (a record
 * takes about 1 KiB of stack per level) fails with a {@link WitSerializationException} as well,
 * never with a {@link StackOverflowError}.
 *
 * <p>Thread safety: safe for concurrent use, provided the mapper is not reconfigured after it is
 * handed over.
 */
public final class JacksonSerializer implements Serializer {

  /**
   * Whether the values {@code serializer} reads never refer to the body they were read from, so the
   * body's memory may be given back to the transport ({@link org.witrpc.spi.Connection#recycle})
   * once they are read: true for witrpc's own serializers (Jackson, MessagePack's large {@code
   * byte[]} path included, copies every value out), false for any other, whose values might be
   * views of the body.
   */
  public static boolean copiesValuesOut(Serializer serializer) {
    return serializer instanceof JacksonSerializer;
  }

  /** Bodies from this size on are streamed to the parser rather than handed over as an array. */
  static final int STREAMED_BODY_BYTES = 64 << 10;

  private final String name;
  private final ObjectMapper mapper;
  private final ConcurrentHashMap<Type, ObjectWriter> writers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Type, ObjectReader> readers = new ConcurrentHashMap<>();

  /**
   * Whether the mapper writes MessagePack. Its factory copies any slice of an array before parsing
   * it (and a body is always a slice of its frame), and keeps its last input in a thread local; so
   * large bodies are streamed to it instead ({@link BodyInputStream}, emptied when the parser
   * closes), and bodies with large {@code byte[]} values go through {@link MessagePackBodies}.
   */
  private final boolean messagePack;

  /** The most arrays and maps a body may nest, its own array included. */
  private final int maxNestingDepth;

  /** One value at a time, for {@link MessagePackBodies}. */
  private final MessagePackBodies.ValueCodec valueCodec =
      new MessagePackBodies.ValueCodec() {
        @Override
        public void write(OutputStream out, Object value, Type type) throws IOException {
          try (JsonGenerator gen = mapper.createGenerator(out)) {
            gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            writer(type).writeValue(gen, value);
          }
        }

        @Override
        public Object read(ByteBuffer encoded, int index, Type type) {
          try (JsonParser parser = parser(encoded)) {
            parser.nextToken();
            return readValue(parser, index, type);
          } catch (WitSerializationException e) {
            throw e;
          } catch (IOException | RuntimeException e) {
            throw new WitSerializationException(name + " serializer cannot decode values: " + e, e);
          }
        }
      };

  /**
   * @param name the name compared in the handshake
   * @param mapper the configured mapper; the caller must not reconfigure it afterwards
   */
  public JacksonSerializer(String name, ObjectMapper mapper) {
    this.name = Objects.requireNonNull(name, "name == null");
    this.mapper = Objects.requireNonNull(mapper, "mapper == null");
    this.messagePack = mapper.getFactory() instanceof MessagePackFactory;
    this.maxNestingDepth = mapper.getFactory().streamReadConstraints().getMaxNestingDepth();
  }

  @Override
  public String name() {
    return name;
  }

  private JavaType javaType(Type t) {
    return mapper.getTypeFactory().constructType(t);
  }

  @Override
  public void write(OutputStream out, Object[] values, Type[] types) {
    if (values.length != types.length) {
      throw new IllegalArgumentException(
          values.length + " values but " + types.length + " declared types");
    }
    try {
      if (messagePack
          && out instanceof FrameBuffer frame
          && MessagePackBodies.hasLargeBytes(values, types)) {
        MessagePackBodies.write(frame, values, types, valueCodec);
        return;
      }
      try (JsonGenerator gen = mapper.createGenerator(out)) {
        gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        gen.writeStartArray();
        for (int i = 0; i < values.length; i++) {
          if (values[i] == null) {
            gen.writeNull();
          } else {
            writer(types[i]).writeValue(gen, values[i]);
          }
        }
        gen.writeEndArray();
      }
    } catch (IOException | RuntimeException e) {
      throw new WitSerializationException(name + " serializer cannot encode values: " + e, e);
    } catch (StackOverflowError e) {
      // Jackson catches this itself for beans, not for collections nor in the MessagePack writer
      throw new WitSerializationException(
          name
              + " serializer cannot encode values: nested too deeply for this thread's stack"
              + " (a value that contains itself?)",
          e);
    }
  }

  private ObjectWriter writer(Type type) {
    return writers.computeIfAbsent(type, t -> mapper.writerFor(javaType(t)));
  }

  /**
   * Exact enough for the values that make frames large, {@code byte[]} (Base64 in JSON; nothing for
   * the large ones MessagePack appends by reference) and {@code String} (ASCII assumed); every
   * other value counts as 16 bytes.
   */
  @Override
  public int estimateSize(Object[] values, Type[] types) {
    long size = 16;
    for (int i = 0; i < values.length; i++) {
      if (values[i] instanceof byte[] bytes) {
        boolean byReference = messagePack && MessagePackBodies.isLargeBytes(bytes, types[i]);
        size += (byReference ? 0 : encodedBytes(bytes)) + 8;
      } else if (values[i] instanceof String text) {
        size += text.length() + 8;
      } else {
        size += 16;
      }
    }
    return (int) Math.min(size, 1 << 30);
  }

  /** A byte array's bytes in the body: Base64 in JSON, as they are in MessagePack. */
  private long encodedBytes(byte[] bytes) {
    return messagePack ? bytes.length : (bytes.length + 2L) / 3 * 4;
  }

  @Override
  public Object[] read(ByteBuffer in, Type[] types) {
    try {
      return decode(in, types);
    } catch (StackOverflowError e) {
      // deep records can exhaust a small stack below the nesting limit
      throw new WitSerializationException(
          name
              + " body is nested too deeply to decode on this thread's stack (nesting limit "
              + maxNestingDepth
              + ")",
          e);
    }
  }

  /**
   * Reads a body one of whose large values was received apart ({@link Envelope#received()}): as
   * {@link #read(ByteBuffer, Type[])}, the received array taken as that value. Any serializer: one
   * that cannot take the array (not witrpc's MessagePack, or the body has no binary value of that
   * length where the value belongs) reads the body put back together.
   *
   * @param received the value received apart, or null for a whole body
   */
  public static Object[] read(
      Serializer serializer, ByteBuffer in, Type[] types, ReceivedValue received) {
    if (received == null) {
      return serializer.read(in, types);
    }
    if (serializer instanceof JacksonSerializer jackson && jackson.messagePack && in.hasArray()) {
      ByteBuffer body = in.duplicate();
      try {
        Object[] values =
            MessagePackBodies.read(
                body, types, jackson.maxNestingDepth, jackson.valueCodec, received);
        in.position(in.limit());
        return values;
      } catch (RuntimeException | StackOverflowError e) {
        // not taken (NotTaken), or the body is bad: read it whole, which says why if it is
      }
    }
    ByteBuffer whole = received.whole(in);
    in.position(in.limit());
    return serializer.read(whole, types);
  }

  /**
   * Where the first large {@code byte[]} value of a body of {@code types} starts and ends, if
   * {@code serializer} is witrpc's MessagePack, which then reads it as a whole (see {@link
   * #read(Serializer, ByteBuffer, Type[], ReceivedValue)}), and its payload starts within {@code
   * prefix} (the body's first bytes, from its position; not changed): its offset from the prefix's
   * position and its length; else null.
   */
  public static ValueSpan largeBytesSpan(Serializer serializer, ByteBuffer prefix, Type[] types) {
    if (!(serializer instanceof JacksonSerializer jackson)
        || !jackson.messagePack
        || !prefix.hasArray()
        || !Arrays.asList(types).contains(byte[].class)) {
      return null;
    }
    int start = prefix.arrayOffset() + prefix.position();
    ValueSpan span =
        MessagePackBodies.largeBytesSpan(
            prefix.array(),
            start,
            start + prefix.remaining(),
            types,
            LARGE_RECEIVED_BYTES,
            jackson.maxNestingDepth);
    return span == null ? null : new ValueSpan(span.offset() - start, span.length());
  }

  /** The smallest {@code byte[]} value worth receiving apart. */
  static final int LARGE_RECEIVED_BYTES = 256 << 10;

  private Object[] decode(ByteBuffer in, Type[] types) {
    if (messagePack
        && in.hasArray()
        && in.remaining() >= STREAMED_BODY_BYTES
        && Arrays.asList(types).contains(byte[].class)) {
      return MessagePackBodies.read(in, types, maxNestingDepth, valueCodec);
    }
    if (messagePack) {
      MessagePackBodies.requireOneValue(in, maxNestingDepth);
    }
    try (JsonParser parser = parser(in)) {
      if (parser.nextToken() != JsonToken.START_ARRAY) {
        throw new WitSerializationException(name + " body is not a sequence of values");
      }
      Object[] values = new Object[types.length];
      for (int i = 0; i < types.length; i++) {
        JsonToken token = parser.nextToken();
        if (token == JsonToken.END_ARRAY || token == null) {
          throw new WitSerializationException(
              name + " body has " + i + " values, expected " + types.length);
        }
        values[i] = readValue(parser, i, types[i]);
      }
      if (parser.nextToken() != JsonToken.END_ARRAY) {
        throw new WitSerializationException(
            name + " body has more than the expected " + types.length + " values");
      }
      if (!messagePack && parser.nextToken() != null) { // MessagePack was checked up front
        throw new WitSerializationException(name + " body has bytes after its values");
      }
      in.position(in.limit());
      return values;
    } catch (WitSerializationException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new WitSerializationException(name + " serializer cannot decode values: " + e, e);
    }
  }

  /** Reads the value at the parser's current token as {@code type}. */
  private Object readValue(JsonParser parser, int index, Type type) {
    // a null token goes through the reader too: Optional reads it as Optional.empty()
    try {
      return readers.computeIfAbsent(type, t -> mapper.readerFor(javaType(t))).readValue(parser);
    } catch (IOException | RuntimeException e) {
      throw new ValueMismatchException(
          name
              + ": value "
              + index
              + " does not match parameter "
              + index
              + " of type "
              + type.getTypeName()
              + ": "
              + e.getMessage(),
          index,
          e);
    }
  }

  private JsonParser parser(ByteBuffer in) throws IOException {
    if (in.hasArray() && !(messagePack && in.remaining() >= STREAMED_BODY_BYTES)) {
      return mapper.createParser(in.array(), in.arrayOffset() + in.position(), in.remaining());
    }
    return mapper.createParser(new BodyInputStream(in));
  }

  @Override
  public String toString() {
    return "JacksonSerializer{" + name + "}";
  }
}
