package org.witrpc.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Objects;
import org.witrpc.server.WitServer;

/**
 * Binds a {@link WitServer}'s gauge {@code witrpc.server.connections}: the clients connected now
 * ({@link WitServer#connectionCount()}), tagged with the server's {@code address} and any tags
 * given. Bind it after {@link WitServer#start()}, so that the address is the one the server serves
 * (for {@code tcp://host:0}, with its port). The gauge holds the server weakly, as Micrometer's
 * gauges do.
 *
 * <p>Life cycle: a server does not tell when it closes, so its meters stay until this binder is
 * {@linkplain #close() closed}: close the binder with the server (for example in the same
 * try-with-resources, or right after {@link WitServer#close()}), then they are removed from every
 * registry it was bound to. Once closed, {@link #bindTo} registers nothing.
 *
 * <p>Thread safety: safe for concurrent use; {@link #bindTo} and {@link #close()} may be called
 * from any thread, also at the same time.
 */
public final class WitServerMetrics implements MeterBinder, AutoCloseable {
  private final WitServer server;
  private final Tags tags;
  private final BoundMeters meters = new BoundMeters();

  /** Metrics of {@code server}. */
  public WitServerMetrics(WitServer server) {
    this(server, Tags.empty());
  }

  /** Metrics of {@code server}, with {@code tags} added to its meters. */
  public WitServerMetrics(WitServer server, Iterable<Tag> tags) {
    this.server = Objects.requireNonNull(server, "server == null");
    this.tags = Tags.of(Objects.requireNonNull(tags, "tags == null"));
  }

  /**
   * Registers the server's meters in {@code registry}; nothing if this binder is closed. May be
   * called for several registries.
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry == null");
    meters.register(registry, this::register);
  }

  /**
   * Removes the server's meters from every registry this binder was bound to; later {@link #bindTo}
   * calls register nothing. Idempotent. The server is left as it is.
   */
  @Override
  public void close() {
    meters.close();
  }

  private List<Meter> register(MeterRegistry registry) {
    Gauge connections =
        Gauge.builder("witrpc.server.connections", server, WitServer::connectionCount)
            .description("Clients connected to a witrpc server")
            .tags(tags.and("address", server.address()))
            .register(registry);
    Tags traffic = tags.and("address", server.address()).and("transport", scheme(server.address()));
    FunctionCounter sent =
        FunctionCounter.builder("witrpc.server.sent", server, WitServer::bytesSent)
            .description("Bytes of the frames a witrpc server sent to its clients")
            .baseUnit(BaseUnits.BYTES)
            .tags(traffic)
            .register(registry);
    FunctionCounter received =
        FunctionCounter.builder("witrpc.server.received", server, WitServer::bytesReceived)
            .description("Bytes of the frames a witrpc server received from its clients")
            .baseUnit(BaseUnits.BYTES)
            .tags(traffic)
            .register(registry);
    return List.of(connections, sent, received);
  }

  /** The URI scheme of {@code address} ({@code mmf}, {@code tcp}, ...). */
  static String scheme(String address) {
    int colon = address.indexOf(':');
    return colon > 0 ? address.substring(0, colon) : "unknown";
  }
}
