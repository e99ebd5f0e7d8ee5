package org.witrpc.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.witrpc.client.ConnectionState;
import org.witrpc.client.WitClient;

/**
 * Binds a {@link WitClient}'s connection gauges: {@code witrpc.client.connection.state}, one gauge
 * per {@link ConnectionState} (tag {@code state}) that is 1 for the client's state now and 0 for
 * the others, and {@code witrpc.client.calls.pending}, the calls waiting for their reply ({@link
 * WitClient#pendingCallCount()}); each with the tags given (a client has several: name it, for
 * example {@code Tags.of("client", "calc")}). The gauges hold the client weakly, as Micrometer's
 * gauges do.
 *
 * <p>Life cycle: the meters stay until the client closes or this binder is {@linkplain #close()
 * closed}, whichever comes first; then they are removed from every registry the binder was bound
 * to, so that short-lived clients do not pile up meters. The removal on the client's close happens
 * on the client's event thread, shortly after {@link WitClient#close()} returns (it follows the
 * {@link ConnectionState#CLOSED} change). Once the client or the binder is closed, {@link #bindTo}
 * registers nothing. The first {@link #bindTo} adds a {@linkplain WitClient#onStateChange state
 * listener} to the client, which the client keeps for its life (a client has no way to remove one);
 * it refers to the registered meters, not to the client, so the registry still reaches the client
 * only weakly.
 *
 * <p>Thread safety: safe for concurrent use; {@link #bindTo} and {@link #close()} may be called
 * from any thread, also at the same time.
 */
public final class WitClientMetrics implements MeterBinder, AutoCloseable {
  private final WitClient client;
  private final Tags tags;
  private final BoundMeters meters = new BoundMeters();
  private final AtomicBoolean listening = new AtomicBoolean();

  /** Metrics of {@code client}. */
  public WitClientMetrics(WitClient client) {
    this(client, Tags.empty());
  }

  /** Metrics of {@code client}, with {@code tags} added to its meters. */
  public WitClientMetrics(WitClient client, Iterable<Tag> tags) {
    this.client = Objects.requireNonNull(client, "client == null");
    this.tags = Tags.of(Objects.requireNonNull(tags, "tags == null"));
  }

  /**
   * Registers the client's meters in {@code registry}; nothing if the client or this binder is
   * closed. May be called for several registries.
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry == null");
    if (listening.compareAndSet(false, true)) {
      BoundMeters toRemove = meters; // the listener keeps the meters, not this binder
      client.onStateChange(
          (previous, current, cause) -> {
            if (current == ConnectionState.CLOSED) {
              toRemove.close();
            }
          });
    }
    // After the listener is in: a close from now on is reported to it; one before is seen here.
    if (client.state() == ConnectionState.CLOSED) {
      meters.close();
    }
    meters.register(registry, this::register);
  }

  /**
   * Removes the client's meters from every registry this binder was bound to; later {@link #bindTo}
   * calls register nothing. Idempotent. The client is left as it is.
   */
  @Override
  public void close() {
    meters.close();
  }

  private List<Meter> register(MeterRegistry registry) {
    List<Meter> registered = new ArrayList<>();
    for (ConnectionState state : ConnectionState.values()) {
      registered.add(
          Gauge.builder("witrpc.client.connection.state", client, c -> c.state() == state ? 1 : 0)
              .description("1 if the witrpc client's connection is in this state, else 0")
              .tags(tags.and("state", state.name()))
              .register(registry));
    }
    registered.add(
        Gauge.builder("witrpc.client.calls.pending", client, WitClient::pendingCallCount)
            .description("witrpc calls sent and waiting for their reply")
            .tags(tags)
            .register(registry));
    Tags traffic = tags.and("transport", WitServerMetrics.scheme(client.address()));
    registered.add(
        FunctionCounter.builder("witrpc.client.sent", client, WitClient::bytesSent)
            .description("Bytes of the frames a witrpc client sent, over all its connections")
            .baseUnit(BaseUnits.BYTES)
            .tags(traffic)
            .register(registry));
    registered.add(
        FunctionCounter.builder("witrpc.client.received", client, WitClient::bytesReceived)
            .description("Bytes of the frames a witrpc client received, over all its connections")
            .baseUnit(BaseUnits.BYTES)
            .tags(traffic)
            .register(registry));
    return registered;
  }
}
