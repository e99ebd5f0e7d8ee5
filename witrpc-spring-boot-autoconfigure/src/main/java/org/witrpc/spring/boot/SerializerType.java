package org.witrpc.spring.boot;

import org.witrpc.Serializers;
import org.witrpc.spi.Serializer;

/**
 * The serializers a property can name. Each uses witrpc's own Jackson 2 mapper, never the
 * application's JSON configuration. Both sides must use the same.
 *
 * <p>Thread safety: immutable.
 */
public enum SerializerType {
  /** JSON ({@code Serializers.json()}), the default. */
  JSON,
  /** MessagePack ({@code Serializers.messagePack()}): smaller, and {@code byte[]} as it is. */
  MSGPACK;

  Serializer create() {
    return this == JSON ? Serializers.json() : Serializers.messagePack();
  }
}
