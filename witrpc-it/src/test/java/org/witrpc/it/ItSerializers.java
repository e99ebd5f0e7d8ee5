package org.witrpc.it;

import org.witrpc.Serializers;
import org.witrpc.spi.Serializer;

/**
 * The serializers the cross-process tests run with, by the names used on child command lines.
 *
 * <p>Thread safety: stateless.
 */
final class ItSerializers {
  private ItSerializers() {}

  /** {@code json} or {@code msgpack}. */
  static Serializer byName(String name) {
    switch (name) {
      case "json":
        return Serializers.json();
      case "msgpack":
        return Serializers.messagePack();
      default:
        throw new IllegalArgumentException("unknown serializer '" + name + "': json or msgpack");
    }
  }
}
