package org.witrpc.internal;

import java.io.OutputStream;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import org.witrpc.WitSerializationException;
import org.witrpc.spi.Serializer;

/**
 * The body of a RESPONSE with an error status: the serializer sequence {@code [className, message,
 * stackTrace]}, three strings, each of which may be null (see docs/PROTOCOL.md). The server writes
 * it, the client reads it into a {@link org.witrpc.WitRemoteException}.
 *
 * <p>Thread safety: immutable.
 *
 * @param className the class name of the exception the server reports, or null
 * @param message what went wrong, or null
 * @param stackTrace the server's stack trace, or null (sent only if the server opts in)
 */
public record ErrorBody(String className, String message, String stackTrace) {

  /**
   * Longest message written, in characters: a decoder's message may quote a path as deep as the
   * hostile input that caused it (Jackson's reference chain).
   */
  public static final int MAX_MESSAGE_CHARS = 4096;

  private static final Type[] TYPES = {String.class, String.class, String.class};

  /**
   * Writes this body with {@code serializer}, the message cut to {@link #MAX_MESSAGE_CHARS}, and a
   * lone surrogate in any of the three (which MessagePack cannot carry) replaced by U+FFFD: an
   * error's text is reported, not refused.
   *
   * @throws WitSerializationException if the serializer cannot write it
   */
  public void write(Serializer serializer, OutputStream out) {
    serializer.write(
        out,
        new Object[] {
          LoneSurrogates.replaced(className),
          LoneSurrogates.replaced(cut(message)),
          LoneSurrogates.replaced(stackTrace)
        },
        TYPES);
  }

  /**
   * Reads an error body; the rest of {@code body} is consumed.
   *
   * @throws WitSerializationException if the body is not three strings (or nulls)
   */
  public static ErrorBody read(Serializer serializer, ByteBuffer body) {
    Object[] values = serializer.read(body, TYPES);
    if (values.length != TYPES.length) {
      throw new WitSerializationException(
          "error body has " + values.length + " values, expected " + TYPES.length);
    }
    return new ErrorBody(
        string(values[0], "class name"), string(values[1], "message"), string(values[2], "trace"));
  }

  private static String string(Object value, String what) {
    if (value == null || value instanceof String) {
      return (String) value;
    }
    throw new WitSerializationException(
        "error body: the " + what + " is a " + value.getClass().getName() + ", not a string");
  }

  private static String cut(String message) {
    if (message == null || message.length() <= MAX_MESSAGE_CHARS) {
      return message;
    }
    return message.substring(0, MAX_MESSAGE_CHARS)
        + "... ("
        + (message.length() - MAX_MESSAGE_CHARS)
        + " more characters cut)";
  }
}
