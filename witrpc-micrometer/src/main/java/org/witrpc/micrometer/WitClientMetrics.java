package org.witrpc.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import org.witrpc.client.ConnectionState;
import org.witrpc.client.WitClient;

/**
 * Binds a {@link WitClient}'s connection gauges: {@code witrpc.client.connection.state}, one gauge
 * per {@link ConnectionState} (tag {@code state}) that is 1 for the client's state now and 0 for
 * the others, and {@code witrpc.client.calls.pending}, the calls waiting for their reply ({@link
 * WitClient#pendingCallCount()}); each with the tags given (a client has several: name it, for
 * example {@code Tags.of("client", "calc")}). The gauges hold the client weakly, as Micrometer's
 * gauges do: once the client is collected they report NaN.
 *
 * <p>Thread safety: immutable; {@link #bindTo} may be called from any thread.
 */
public final class WitClientMetrics implements MeterBinder {
  private final WitClient client;
  private final Tags tags;

  /** Metrics of {@code client}. */
  public WitClientMetrics(WitClient client) {
    this(client, Tags.empty());
  }

  /** Metrics of {@code client}, with {@code tags} added to its meters. */
  public WitClientMetrics(WitClient client, Iterable<Tag> tags) {
    this.client = Objects.requireNonNull(client, "client == null");
    this.tags = Tags.of(Objects.requireNonNull(tags, "tags == null"));
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (ConnectionState state : ConnectionState.values()) {
      Gauge.builder("witrpc.client.connection.state", client, c -> c.state() == state ? 1 : 0)
          .description("1 if the witrpc client's connection is in this state, else 0")
          .tags(tags.and("state", state.name()))
          .register(registry);
    }
    Gauge.builder("witrpc.client.calls.pending", client, WitClient::pendingCallCount)
        .description("witrpc calls sent and waiting for their reply")
        .tags(tags)
        .register(registry);
    Tags traffic = tags.and("transport", WitServerMetrics.scheme(client.address()));
    FunctionCounter.builder("witrpc.client.sent", client, WitClient::bytesSent)
        .description("Bytes of the frames a witrpc client sent, over all its connections")
        .baseUnit(BaseUnits.BYTES)
        .tags(traffic)
        .register(registry);
    FunctionCounter.builder("witrpc.client.received", client, WitClient::bytesReceived)
        .description("Bytes of the frames a witrpc client received, over all its connections")
        .baseUnit(BaseUnits.BYTES)
        .tags(traffic)
        .register(registry);
  }
}
