package org.witrpc;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.util.ByteBufferBackedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.msgpack.jackson.dataformat.MessagePackFactory;
import org.witrpc.spi.Serializer;

/**
 * A {@link Serializer} on a Jackson {@link ObjectMapper} (JSON, MessagePack or any other Jackson
 * format). Values are written as one array; each element is written and read as its declared type,
 * so no class name ever travels on the wire and none is instantiated from it. Readers and writers
 * are cached per declared type. With MessagePack, a body with a large {@code byte[]} value is
 * written and read value by value ({@link MessagePackBodies}), so the array is not copied through
 * Jackson's buffers.
 *
 * <p>Thread safety: safe for concurrent use, provided the mapper is not reconfigured after it is
 * handed over.
 */
public final class JacksonSerializer implements Serializer {
  /** Bodies from this size on are streamed to the parser rather than handed over as an array. */
  static final int STREAMED_BODY_BYTES = 64 << 10;

  private final String name;
  private final ObjectMapper mapper;
  private final ConcurrentHashMap<Type, ObjectWriter> writers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Type, ObjectReader> readers = new ConcurrentHashMap<>();

  /**
   * For MessagePack only: a copy of the mapper's factory that caches nothing per thread, to parse
   * large bodies. The mapper's own factory keeps its last unpacker in a thread local, and with it
   * the last body it read (on a server pool thread: a whole 16 MiB frame per thread, for as long as
   * the thread lives); it also copies any slice of an array before parsing it, and a body is always
   * a slice of its frame. Small bodies keep both (the reuse saves more than the copy costs).
   */
  private final MessagePackFactory largeMessagePackBodies;

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
          } catch (IOException e) {
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
    this.largeMessagePackBodies =
        mapper.getFactory() instanceof MessagePackFactory f
            ? ((MessagePackFactory) f.copy()).setReuseResourceInParser(false)
            : null;
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
      if (largeMessagePackBodies != null
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
  public int estimateSize(Object[] values) {
    long size = 16;
    for (Object value : values) {
      if (value instanceof byte[] bytes) {
        size += encodedBytes(bytes) + 8;
      } else if (value instanceof String text) {
        size += text.length() + 8;
      } else {
        size += 16;
      }
    }
    return (int) Math.min(size, 1 << 30);
  }

  /** A byte array's share of the frame buffer: Base64, or nothing if it goes by reference. */
  private long encodedBytes(byte[] bytes) {
    if (largeMessagePackBodies == null) {
      return (bytes.length + 2L) / 3 * 4;
    }
    return bytes.length >= MessagePackBodies.LARGE_BYTES ? 0 : bytes.length;
  }

  @Override
  public Object[] read(ByteBuffer in, Type[] types) {
    if (largeMessagePackBodies != null
        && in.hasArray()
        && in.remaining() >= STREAMED_BODY_BYTES
        && Arrays.asList(types).contains(byte[].class)) {
      return MessagePackBodies.read(in, types, valueCodec);
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
      throw new WitSerializationException(
          name
              + ": value "
              + index
              + " does not match parameter "
              + index
              + " of type "
              + type.getTypeName()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private JsonParser parser(ByteBuffer in) throws IOException {
    if (largeMessagePackBodies != null && in.remaining() >= STREAMED_BODY_BYTES) {
      return largeMessagePackBodies.createParser(new ByteBufferBackedInputStream(in.duplicate()));
    }
    if (in.hasArray()) {
      return mapper.createParser(in.array(), in.arrayOffset() + in.position(), in.remaining());
    }
    return mapper.createParser(new ByteBufferBackedInputStream(in.duplicate()));
  }

  @Override
  public String toString() {
    return "JacksonSerializer{" + name + "}";
  }
}
