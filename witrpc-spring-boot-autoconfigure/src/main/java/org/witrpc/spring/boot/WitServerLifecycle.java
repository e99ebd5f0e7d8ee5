package org.witrpc.spring.boot;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.witrpc.server.WitServer;

/**
 * Starts the auto-configured {@link WitServer} with the application context and stops it in Boot's
 * graceful shutdown: it stops accepting new clients, lets the calls in flight finish for up to
 * {@code grace}, then closes (GOODBYE to every client), within {@code
 * spring.lifecycle.timeout-per-shutdown-phase}. Its phase starts it before the web server (phase
 * {@code DEFAULT_PHASE - 2048}) and stops it after the web server has drained its requests, which
 * may be calling it.
 *
 * <p>A {@code WitServer} serves once: after a stop (the context's {@code stop()}, as a CRaC
 * checkpoint does) it cannot start again, and a start fails saying so; close the context and start
 * a new one instead.
 *
 * <p>Thread safety: safe for concurrent use; Spring calls start and stop from one thread, health
 * checks read the state from others.
 */
final class WitServerLifecycle implements SmartLifecycle {
  /** Before the web server's start and after its graceful shutdown and stop. */
  static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  private static final Logger LOG = LoggerFactory.getLogger(WitServerLifecycle.class);

  private final WitServer server;
  private final String shownUri;
  private final Duration grace;
  private volatile boolean running;
  private volatile boolean accepting;
  private volatile boolean stopped;

  WitServerLifecycle(WitServer server, String uri, Duration grace) {
    this.server = server;
    this.shownUri = RedactedUri.of(uri);
    this.grace = grace;
  }

  @Override
  public void start() {
    if (stopped) {
      throw new IllegalStateException(
          "the witrpc server on "
              + shownUri
              + " was stopped and cannot start again (a WitServer serves once): close the"
              + " application context and start a new one; a context stop and start, or a CRaC"
              + " checkpoint, is not supported");
    }
    server.start();
    running = true;
    accepting = true;
    LOG.info("witrpc server listening on {}", RedactedUri.of(server.address()));
  }

  @Override
  public void stop() {
    stopped = true;
    accepting = false;
    server.stopAccepting();
    LOG.info("witrpc server {} stopping: waiting up to {} for calls in flight", shownUri, grace);
    try {
      server.close(grace);
    } finally {
      running = false;
    }
  }

  @Override
  public void stop(Runnable callback) {
    Thread closer =
        new Thread(
            () -> {
              try {
                stop();
              } finally {
                callback.run();
              }
            },
            "witrpc-server-shutdown");
    closer.setDaemon(true);
    closer.start();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  /** True from start until the shutdown begins. */
  boolean isAccepting() {
    return accepting;
  }

  int connectionCount() {
    return server.connectionCount();
  }

  /** The address the server serves once started (with the port {@code tcp://host:0} got). */
  String uri() {
    return running ? RedactedUri.of(server.address()) : shownUri;
  }
}
