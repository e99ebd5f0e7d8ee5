package org.witrpc.opentelemetry;

import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import org.witrpc.Metadata;

/**
 * A call's {@link Metadata} as the carrier of a propagator: the client injects into a {@link
 * Metadata.Builder}, the server extracts from the call's metadata (string values only).
 *
 * <p>Thread safety: stateless.
 */
final class MetadataCarrier {
  static final TextMapSetter<Metadata.Builder> SETTER =
      (builder, key, value) -> {
        if (builder != null) {
          builder.put(key, value);
        }
      };

  static final TextMapGetter<Metadata> GETTER =
      (metadata, key) -> metadata == null ? null : metadata.get(key);

  private MetadataCarrier() {}
}
