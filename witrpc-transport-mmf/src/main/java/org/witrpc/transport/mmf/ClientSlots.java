package org.witrpc.transport.mmf;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the clients a server holds, from the moment it accepts a socket (before the handshake) to
 * the end of the connection, so that concurrent handshakes can never admit more than the maximum.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class ClientSlots {
  private final int max;
  private final AtomicInteger used = new AtomicInteger();

  ClientSlots(int max) {
    this.max = max;
  }

  /** Takes a slot if one is free. */
  boolean tryReserve() {
    while (true) {
      int n = used.get();
      if (n >= max) {
        return false;
      }
      if (used.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /** Gives back a slot taken by {@link #tryReserve}; call exactly once per slot. */
  void release() {
    used.decrementAndGet();
  }
}
