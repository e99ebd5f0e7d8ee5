package org.witrpc.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerationException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.io.IOContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.util.Arrays;
import org.msgpack.core.MessagePack;
import org.msgpack.jackson.dataformat.MessagePackFactory;
import org.msgpack.jackson.dataformat.MessagePackGenerator;
import org.msgpack.jackson.dataformat.MessagePackParser;

/**
 * The {@link MessagePackFactory} of witrpc's MessagePack serializer: its generators refuse text
 * that MessagePack cannot carry, and its parsers refuse an integer too large for the type it is
 * read as.
 *
 * <p>Text: a MessagePack string is UTF-8, which has no encoding for a lone surrogate (half of a
 * UTF-16 surrogate pair); msgpack-java writes one as '?', so the receiver would get other text than
 * was sent, silently. Here a {@code String}, {@code char}, {@code char[]}, map key, property name
 * or raw value holding one fails the write instead, naming the index (JSON carries such text as a
 * {@code \\uD800} escape, unchanged). ({@code writeUTF8String} takes bytes, not text: unchecked,
 * and Jackson's own serializers do not call it.)
 *
 * <p>Integers: msgpack-java's parser narrows a value read as an {@code int} or {@code long} without
 * a check, so 3,000,000,000 read as an {@code int} became -1,294,967,296 and a uint64 above {@code
 * Long.MAX_VALUE} read as a {@code long} became negative. Here such a read fails (an {@link
 * ArithmeticException}, which the serializer reports as a {@code WitSerializationException}), as
 * Jackson's JSON parser refuses it. Smaller types ({@code short}, {@code byte}) were already
 * checked by Jackson; floating-point values keep Jackson's coercion rules.
 *
 * <p>Everything else is msgpack-java's own generator and parser: the same bytes on the wire. Not
 * configurable: msgpack-java's default settings.
 *
 * <p>Thread safety: as {@link MessagePackFactory}: safe to share.
 */
public final class StrictMessagePackFactory extends MessagePackFactory {
  private static final long serialVersionUID = 1L;

  /** msgpack-java's default packer settings, as {@code new MessagePackFactory()} has them. */
  private static final MessagePack.PackerConfig PACKER_CONFIG = new MessagePack.PackerConfig();

  /** A factory with msgpack-java's defaults. */
  public StrictMessagePackFactory() {
    super(PACKER_CONFIG);
  }

  private StrictMessagePackFactory(StrictMessagePackFactory source) {
    super(source);
  }

  @Override
  public JsonGenerator createGenerator(OutputStream out, JsonEncoding encoding) throws IOException {
    return new Generator(_generatorFeatures, _objectCodec, out);
  }

  @Override
  protected MessagePackParser _createParser(InputStream in, IOContext context) throws IOException {
    return new Parser(context, _parserFeatures, _objectCodec, in);
  }

  @Override
  protected JsonParser _createParser(byte[] data, int offset, int length, IOContext context)
      throws IOException {
    byte[] bytes =
        offset == 0 && length == data.length
            ? data
            : Arrays.copyOfRange(data, offset, offset + length);
    return new Parser(context, _parserFeatures, _objectCodec, bytes);
  }

  @Override
  public JsonFactory copy() {
    return new StrictMessagePackFactory(this);
  }

  /** Not configurable: the generators always reuse their thread's buffer, as by default. */
  @Override
  public MessagePackFactory setReuseResourceInGenerator(boolean reuse) {
    throw new UnsupportedOperationException("witrpc's MessagePack factory is not configurable");
  }

  /** Not configurable: the parsers always reuse their thread's unpacker, as by default. */
  @Override
  public MessagePackFactory setReuseResourceInParser(boolean reuse) {
    throw new UnsupportedOperationException("witrpc's MessagePack factory is not configurable");
  }

  /** Not configurable: keys are text, as by default. */
  @Override
  public MessagePackFactory setSupportIntegerKeys(boolean support) {
    throw new UnsupportedOperationException("witrpc's MessagePack factory is not configurable");
  }

  /** msgpack-java's parser, refusing an integer that does not fit the type it is read as. */
  private static final class Parser extends MessagePackParser {
    Parser(IOContext context, int features, ObjectCodec codec, InputStream in) throws IOException {
      super(context, features, codec, in, true);
    }

    Parser(IOContext context, int features, ObjectCodec codec, byte[] bytes) throws IOException {
      super(context, features, codec, bytes, true);
    }

    @Override
    public int getIntValue() {
      NumberType type = getNumberType();
      if (type == NumberType.LONG || type == NumberType.BIG_INTEGER) {
        long value = getLongValue();
        if (value != (int) value) {
          throw outOfRange(String.valueOf(value), "int");
        }
        return (int) value;
      }
      return super.getIntValue();
    }

    @Override
    public long getLongValue() {
      if (getNumberType() == NumberType.BIG_INTEGER) {
        BigInteger value = getBigIntegerValue();
        if (value.bitLength() >= Long.SIZE) {
          throw outOfRange(value.toString(), "long");
        }
        return value.longValue();
      }
      return super.getLongValue();
    }

    private static ArithmeticException outOfRange(String value, String type) {
      return new ArithmeticException("numeric value " + value + " is out of range of " + type);
    }
  }

  /** msgpack-java's generator, checking text before it is written. */
  private static final class Generator extends MessagePackGenerator {
    Generator(int features, ObjectCodec codec, OutputStream out) throws IOException {
      // msgpack-java's defaults: reuse the output buffer per thread, no integer keys
      super(features, codec, out, PACKER_CONFIG, true, false);
    }

    @Override
    public void writeString(String text) throws IOException {
      if (text != null) {
        check(text);
      }
      super.writeString(text);
    }

    @Override
    public void writeString(char[] text, int offset, int length) throws IOException {
      int lone = LoneSurrogates.indexIn(text, offset, length);
      if (lone >= 0) {
        throw refusal(new String(text, offset, length), lone);
      }
      super.writeString(text, offset, length);
    }

    // writeFieldName(SerializableString) calls this one for text names; msgpack-java's raw keys
    // (MessagePackSerializedString) are not text
    @Override
    public void writeFieldName(String name) {
      if (name != null) {
        int lone = LoneSurrogates.indexIn(name);
        if (lone >= 0) {
          throw new IllegalArgumentException(message(name, lone));
        }
      }
      super.writeFieldName(name);
    }

    // msgpack-java writes raw text (Jackson's writeRawValue, @JsonRawValue) as a string too

    @Override
    public void writeRaw(String text) throws IOException {
      check(text);
      super.writeRaw(text);
    }

    @Override
    public void writeRaw(String text, int offset, int length) throws IOException {
      check(text.substring(offset, offset + length));
      super.writeRaw(text, offset, length);
    }

    @Override
    public void writeRaw(char[] text, int offset, int length) throws IOException {
      int lone = LoneSurrogates.indexIn(text, offset, length);
      if (lone >= 0) {
        throw refusal(new String(text, offset, length), lone);
      }
      super.writeRaw(text, offset, length);
    }

    @Override
    public void writeRaw(char c) throws IOException {
      if (Character.isSurrogate(c)) {
        throw refusal(String.valueOf(c), 0);
      }
      super.writeRaw(c);
    }

    private void check(String text) throws JsonGenerationException {
      int lone = LoneSurrogates.indexIn(text);
      if (lone >= 0) {
        throw refusal(text, lone);
      }
    }

    private JsonGenerationException refusal(String text, int lone) {
      return new JsonGenerationException(message(text, lone), this);
    }

    private static String message(String text, int lone) {
      return "MessagePack cannot carry this text: "
          + LoneSurrogates.describe(text, lone)
          + ", which UTF-8 has no encoding for (JSON carries it)";
    }
  }
}
