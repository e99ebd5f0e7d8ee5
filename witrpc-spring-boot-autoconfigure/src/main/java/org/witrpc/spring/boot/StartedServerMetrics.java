package org.witrpc.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import org.springframework.context.SmartLifecycle;
import org.witrpc.micrometer.WitServerMetrics;
import org.witrpc.server.WitServer;

/**
 * The auto-configured server's {@link WitServerMetrics}, bound once the server has started: Boot
 * binds meter binders as it sets up a registry, before the server listens, and a server's address
 * (its {@code address} tag) is known only then ({@code tcp://127.0.0.1:0} gets its port when it
 * binds). Registries that come after the start are bound at once. The meters stay through the
 * graceful shutdown and are removed when the context closes this bean.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class StartedServerMetrics implements MeterBinder, SmartLifecycle, AutoCloseable {
  private final WitServerMetrics metrics;
  private final List<MeterRegistry> registries = new ArrayList<>(); // guarded by this
  private boolean started; // guarded by this; once bound, for good
  private boolean running; // guarded by this

  StartedServerMetrics(WitServer server) {
    this.metrics = new WitServerMetrics(server);
  }

  @Override
  public synchronized void bindTo(MeterRegistry registry) {
    if (started) {
      metrics.bindTo(registry);
    } else {
      registries.add(registry);
    }
  }

  @Override
  public synchronized void start() {
    running = true;
    if (!started) {
      started = true;
      registries.forEach(metrics::bindTo);
      registries.clear();
    }
  }

  @Override
  public synchronized void stop() {
    running = false; // the meters stay: scrapes during the server's graceful shutdown still see it
  }

  @Override
  public synchronized boolean isRunning() {
    return running;
  }

  /** Right after the server's own start. */
  @Override
  public int getPhase() {
    return WitServerLifecycle.PHASE + 1;
  }

  /** Removes the server's meters from every registry; Spring calls it as the context closes. */
  @Override
  public synchronized void close() {
    registries.clear();
    metrics.close();
  }
}
