package org.witrpc.micrometer;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The meters one binder registered, with the registry of each, so that closing the binder removes
 * them all from every registry it was bound to (as Micrometer's {@code KafkaMetrics} does). Once
 * closed, it registers nothing more.
 *
 * <p>Thread safety: safe for concurrent use. The registries are called outside the lock (their
 * meter listeners are application code); a registration that races a close is undone by the
 * registering thread.
 */
final class BoundMeters {
  private record Bound(MeterRegistry registry, Meter meter) {}

  private final List<Bound> bound = new ArrayList<>(); // guarded by this
  private boolean closed; // guarded by this

  /**
   * Registers the meters {@code registration} returns in {@code registry}, unless closed; keeps
   * them for {@link #close()}.
   */
  void register(MeterRegistry registry, Function<MeterRegistry, List<Meter>> registration) {
    if (isClosed()) {
      return;
    }
    List<Meter> meters = registration.apply(registry);
    synchronized (this) {
      if (!closed) {
        meters.forEach(m -> bound.add(new Bound(registry, m)));
        return;
      }
    }
    meters.forEach(registry::remove); // closed while registering: close() did not see these
  }

  /** Removes every meter registered so far from its registry. Idempotent. */
  void close() {
    List<Bound> toRemove;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toRemove = new ArrayList<>(bound);
      bound.clear();
    }
    // A meter registered twice (a binder bound twice to one registry) is removed twice: harmless.
    toRemove.forEach(b -> b.registry().remove(b.meter()));
  }

  synchronized boolean isClosed() {
    return closed;
  }
}
