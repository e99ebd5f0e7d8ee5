package org.witrpc.internal;

import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import org.witrpc.WitSerializationException;
import org.witrpc.spi.Serializer;

/**
 * The values of a SUBSCRIBE or UNSUBSCRIBE body, after its deadline and route: the serializer
 * sequence {@code [subscriptionId]}, one i64 chosen by the client (see docs/PROTOCOL.md). The
 * client writes {@link #values} as {@link #types}, the server reads them with {@link #read}.
 *
 * <p>Thread safety: stateless.
 */
public final class SubscriptionBody {
  private static final Type[] TYPES = {long.class};

  private SubscriptionBody() {}

  /** The values to write for {@code subscriptionId}. */
  public static Object[] values(long subscriptionId) {
    return new Object[] {subscriptionId};
  }

  /** Their declared types (a copy). */
  public static Type[] types() {
    return TYPES.clone();
  }

  /**
   * Reads the subscription id; the rest of {@code body} is consumed.
   *
   * @throws WitSerializationException if the values are not exactly one i64
   */
  public static long read(Serializer serializer, ByteBuffer body) {
    Object[] values = serializer.read(body, TYPES);
    if (values.length != 1 || !(values[0] instanceof Long id)) {
      Object first = values.length == 0 ? null : values[0];
      throw new WitSerializationException(
          "subscription body holds "
              + values.length
              + " values, the first "
              + (first == null ? "null" : "a " + first.getClass().getName())
              + ", where one subscription id (i64) was expected");
    }
    return id;
  }
}
