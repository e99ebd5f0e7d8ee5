package org.witrpc.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import org.witrpc.server.WitServer;

/**
 * Binds a {@link WitServer}'s gauge {@code witrpc.server.connections}: the clients connected now
 * ({@link WitServer#connectionCount()}), tagged with the server's {@code address} and any tags
 * given. Bind it after {@link WitServer#start()}, so that the address is the one the server serves
 * (for {@code tcp://host:0}, with its port). The gauge holds the server weakly, as Micrometer's
 * gauges do: once the server is collected it reports NaN.
 *
 * <p>Thread safety: immutable; {@link #bindTo} may be called from any thread.
 */
public final class WitServerMetrics implements MeterBinder {
  private final WitServer server;
  private final Tags tags;

  /** Metrics of {@code server}. */
  public WitServerMetrics(WitServer server) {
    this(server, Tags.empty());
  }

  /** Metrics of {@code server}, with {@code tags} added to its meters. */
  public WitServerMetrics(WitServer server, Iterable<Tag> tags) {
    this.server = Objects.requireNonNull(server, "server == null");
    this.tags = Tags.of(Objects.requireNonNull(tags, "tags == null"));
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("witrpc.server.connections", server, WitServer::connectionCount)
        .description("Clients connected to a witrpc server")
        .tags(tags.and("address", server.address()))
        .register(registry);
    Tags traffic = tags.and("address", server.address()).and("transport", scheme(server.address()));
    FunctionCounter.builder("witrpc.server.sent", server, WitServer::bytesSent)
        .description("Bytes of the frames a witrpc server sent to its clients")
        .baseUnit(BaseUnits.BYTES)
        .tags(traffic)
        .register(registry);
    FunctionCounter.builder("witrpc.server.received", server, WitServer::bytesReceived)
        .description("Bytes of the frames a witrpc server received from its clients")
        .baseUnit(BaseUnits.BYTES)
        .tags(traffic)
        .register(registry);
  }

  /** The URI scheme of {@code address} ({@code mmf}, {@code tcp}, ...). */
  static String scheme(String address) {
    int colon = address.indexOf(':');
    return colon > 0 ? address.substring(0, colon) : "unknown";
  }
}
