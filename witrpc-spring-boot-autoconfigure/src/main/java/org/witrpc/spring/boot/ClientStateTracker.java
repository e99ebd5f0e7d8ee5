package org.witrpc.spring.boot;

import java.util.Optional;
import org.witrpc.client.ConnectionState;
import org.witrpc.client.WitClient;

/**
 * Remembers the last failure of a client's connection (a failed connect, a lost connection, the
 * attempt that made reconnecting give up) and whether it was ever ready, for its health.
 *
 * <p>Thread safety: written on the client's event thread, read from any.
 */
final class ClientStateTracker {
  private volatile String lastFailure;
  private volatile boolean everReady;

  static ClientStateTracker track(WitClient client) {
    ClientStateTracker tracker = new ClientStateTracker();
    client.onStateChange(
        (from, to, cause) -> {
          if (to == ConnectionState.READY) {
            tracker.everReady = true;
          }
          cause.ifPresent(t -> tracker.lastFailure = describe(t));
        });
    return tracker;
  }

  private static String describe(Throwable t) {
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }

  Optional<String> lastFailure() {
    return Optional.ofNullable(lastFailure);
  }

  boolean everReady() {
    return everReady;
  }
}
