package org.witrpc.spring.boot;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;

/**
 * Connects the eager clients while the context starts: after the witrpc server of the same
 * application (so a {@code mem://} client reaches it) and before the web server takes requests.
 * Stopping does nothing: the clients close when the context closes, after every lifecycle bean (the
 * web server too) has stopped.
 *
 * <p>Thread safety: Spring calls it from one thread.
 */
final class WitClientsLifecycle implements SmartLifecycle {
  private final ObjectProvider<WitClients> clients;
  private volatile boolean running;

  WitClientsLifecycle(ObjectProvider<WitClients> clients) {
    this.clients = clients;
  }

  @Override
  public void start() {
    clients.ifAvailable(
        c -> c.all().stream().filter(n -> !n.lazy()).forEach(NamedClient::connectAtStartup));
    running = true;
  }

  @Override
  public void stop() {
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return WitServerLifecycle.PHASE + 1;
  }
}
