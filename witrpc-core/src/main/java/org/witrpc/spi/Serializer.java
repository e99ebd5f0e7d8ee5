package org.witrpc.spi;

import java.io.OutputStream;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;

/**
 * Encodes the values of a message body (call arguments, a result, callback arguments) and decodes
 * them back. The target type of every value comes from the service interface's declared, generic
 * parameter and return types, never from the wire: a serializer must not instantiate a class named
 * by the bytes it reads.
 *
 * <p>Built-in: {@code Serializers.json()} and {@code Serializers.messagePack()}. Thread safety:
 * implementations must be safe for concurrent use.
 */
public interface Serializer {

  /** The name both sides compare in the handshake, for example {@code "json"}. */
  String name();

  /**
   * Writes {@code values} as one sequence, each value according to its declared type.
   *
   * @throws org.witrpc.WitSerializationException if a value cannot be encoded
   */
  void write(OutputStream out, Object[] values, Type[] types);

  /**
   * A guess of how many bytes {@link #write} will copy into its stream for {@code values} of the
   * declared {@code types}, so the caller can size its buffer once instead of growing it (each
   * growth of a 16 MiB frame costs a copy and a zeroed allocation). Must be cheap: it runs on every
   * call. May be wrong either way; the default guesses a small message.
   */
  default int estimateSize(Object[] values, Type[] types) {
    return 256;
  }

  /**
   * Reads a sequence written by {@link #write}, each element as the declared type at its position.
   * Reads the remaining bytes of {@code in}.
   *
   * @throws org.witrpc.WitSerializationException if the bytes are malformed, the number of values
   *     differs from {@code types.length}, or a value does not match its type
   */
  Object[] read(ByteBuffer in, Type[] types);
}
