package org.witrpc;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Objects;
import org.msgpack.jackson.dataformat.MessagePackFactory;
import org.witrpc.internal.JacksonSerializer;
import org.witrpc.internal.StrictMessagePackFactory;
import org.witrpc.spi.Serializer;

/**
 * The built-in serializers: JSON and MessagePack, both on Jackson, both understanding records,
 * enums, {@code java.time} and {@code Optional}. Both sides of a connection must use the same one;
 * the handshake compares their names.
 *
 * <p>Thread safety: stateless; the returned serializers are safe for concurrent use.
 */
public final class Serializers {
  private static final Serializer JSON =
      new JacksonSerializer("json", configure(new ObjectMapper()));
  private static final Serializer MESSAGE_PACK =
      new JacksonSerializer(
          "msgpack",
          configure(new ObjectMapper(new StrictMessagePackFactory()))
              .registerModule(exactDecimals()));

  private Serializers() {}

  /** JSON (the default). */
  public static Serializer json() {
    return JSON;
  }

  /**
   * JSON through the caller's mapper, used as given (register modules on it yourself).
   *
   * @throws IllegalArgumentException if the mapper does not write JSON (a MessagePack, CBOR or YAML
   *     mapper, say: the peer would be told "json" and read garbage)
   */
  public static Serializer json(ObjectMapper mapper) {
    Objects.requireNonNull(mapper, "mapper == null");
    String format = mapper.getFactory().getFormatName();
    if (!"JSON".equals(format)) {
      throw new IllegalArgumentException(
          "json(mapper) needs a mapper that writes JSON, not " + format);
    }
    return new JacksonSerializer("json", mapper);
  }

  /**
   * MessagePack (msgpack-java's Jackson data format). Its strings are UTF-8, which cannot carry a
   * lone surrogate (half of a UTF-16 surrogate pair, as in a {@code String} cut between the two
   * {@code char}s of an emoji): writing a value holding one throws a {@link
   * WitSerializationException} naming the index, where msgpack-java alone would send '?' in its
   * place. So an argument fails its call unsent, a result becomes a 500 naming it, an event
   * argument fails the server code firing the event. JSON carries such text unchanged.
   */
  public static Serializer messagePack() {
    return MESSAGE_PACK;
  }

  /**
   * MessagePack through the caller's mapper, which must be built on a {@code MessagePackFactory}.
   * Text goes as that factory writes it: msgpack-java's own writes a lone surrogate as '?' (see
   * {@link #messagePack()}).
   *
   * @throws IllegalArgumentException if the mapper does not write MessagePack
   */
  public static Serializer messagePack(ObjectMapper mapper) {
    Objects.requireNonNull(mapper, "mapper == null");
    if (!(mapper.getFactory() instanceof MessagePackFactory)) {
      throw new IllegalArgumentException(
          "messagePack(mapper) needs a mapper built on org.msgpack.jackson.dataformat.MessagePackFactory");
    }
    return new JacksonSerializer("msgpack", mapper);
  }

  /**
   * {@code BigDecimal} and {@code BigInteger} as their decimal text: MessagePack has no decimal
   * type, so msgpack-java writes a {@code BigDecimal} as a double (losing its scale, {@code 1.10}
   * arriving as {@code 1.1}, and refusing any value a double cannot hold) and refuses a {@code
   * BigInteger} above 2^64 - 1. As text, every value and scale arrives exactly; a number sent by a
   * peer that writes them as numbers is still read.
   */
  private static SimpleModule exactDecimals() {
    return new SimpleModule("witrpc-exact-decimals")
        .addSerializer(BigDecimal.class, ToStringSerializer.instance)
        .addSerializer(BigInteger.class, ToStringSerializer.instance);
  }

  /**
   * The configuration of the built-in mappers, for callers who want to start from it. The built-in
   * MessagePack mapper has two things more, which a caller's mapper built on msgpack-java's own
   * factory lacks: text with a lone surrogate is refused rather than sent as '?', and {@code
   * BigDecimal} and {@code BigInteger} travel as their decimal text (see {@link #messagePack()}).
   */
  public static ObjectMapper configure(ObjectMapper mapper) {
    return mapper
        .registerModule(new JavaTimeModule())
        .registerModule(new Jdk8Module())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        // a region zone (Europe/Paris), not only its offset: ZonedDateTime round-trips exactly
        .enable(SerializationFeature.WRITE_DATES_WITH_ZONE_ID)
        // ISO-8601 text (PT8760H0.123456789S): a decimal number of seconds loses nanoseconds in
        // MessagePack, which has no decimal type and refused most such durations
        .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
        .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        // 1.5 for an int is the caller's mistake, not 1
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
  }
}
