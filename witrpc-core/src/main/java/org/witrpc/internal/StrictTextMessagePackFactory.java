package org.witrpc.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerationException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.ObjectCodec;
import java.io.IOException;
import java.io.OutputStream;
import org.msgpack.core.MessagePack;
import org.msgpack.jackson.dataformat.MessagePackFactory;
import org.msgpack.jackson.dataformat.MessagePackGenerator;

/**
 * The {@link MessagePackFactory} of witrpc's MessagePack serializer: its generators refuse text
 * that MessagePack cannot carry. A MessagePack string is UTF-8, which has no encoding for a lone
 * surrogate (half of a UTF-16 surrogate pair); msgpack-java writes one as '?', so the receiver
 * would get other text than was sent, silently. Here a {@code String}, {@code char}, {@code
 * char[]}, map key, property name or raw value holding one fails the write instead, naming the
 * index (JSON carries such text as a {@code \\uD800} escape, unchanged). Everything else is
 * msgpack-java's own generator: the same bytes on the wire. ({@code writeUTF8String} takes bytes,
 * not text: unchecked, and Jackson's own serializers do not call it.) Not configurable:
 * msgpack-java's default settings.
 *
 * <p>Thread safety: as {@link MessagePackFactory}: safe to share.
 */
public final class StrictTextMessagePackFactory extends MessagePackFactory {
  private static final long serialVersionUID = 1L;

  /** msgpack-java's default packer settings, as {@code new MessagePackFactory()} has them. */
  private static final MessagePack.PackerConfig PACKER_CONFIG = new MessagePack.PackerConfig();

  /** A factory with msgpack-java's defaults. */
  public StrictTextMessagePackFactory() {
    super(PACKER_CONFIG);
  }

  private StrictTextMessagePackFactory(StrictTextMessagePackFactory source) {
    super(source);
  }

  @Override
  public JsonGenerator createGenerator(OutputStream out, JsonEncoding encoding) throws IOException {
    return new Generator(_generatorFeatures, _objectCodec, out);
  }

  @Override
  public JsonFactory copy() {
    return new StrictTextMessagePackFactory(this);
  }

  /** Not configurable: the generators always reuse their thread's buffer, as by default. */
  @Override
  public MessagePackFactory setReuseResourceInGenerator(boolean reuse) {
    throw new UnsupportedOperationException("witrpc's MessagePack factory is not configurable");
  }

  /** Not configurable: keys are text, as by default. */
  @Override
  public MessagePackFactory setSupportIntegerKeys(boolean support) {
    throw new UnsupportedOperationException("witrpc's MessagePack factory is not configurable");
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
