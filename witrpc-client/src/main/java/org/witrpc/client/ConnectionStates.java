package org.witrpc.client;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ConnectionState} of one client and its current connection: the transitions, the calls
 * that wait for READY, and the notification of {@link ConnectionStateListener}s on a serial event
 * thread {@code witrpc-client-events-N} (never under the lock).
 *
 * <p>Thread safety: safe for concurrent use; one lock guards the state and the connection, and only
 * code of this package runs under it.
 */
final class ConnectionStates {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionStates.class);
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final String address;
  private final Object lock = new Object();
  private final List<ConnectionStateListener> listeners = new CopyOnWriteArrayList<>();
  private final ThreadPoolExecutor events;
  private ConnectionState state = ConnectionState.DISCONNECTED;
  private Throwable cause;
  private volatile ClientConnection connection;

  ConnectionStates(String address) {
    this.address = address;
    this.events =
        new ThreadPoolExecutor(
            1,
            1,
            5,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "witrpc-client-events-" + THREADS.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    events.allowCoreThreadTimeOut(true);
  }

  void addListener(ConnectionStateListener listener) {
    listeners.add(listener);
  }

  ConnectionState state() {
    synchronized (lock) {
      return state;
    }
  }

  /** The current connection (READY or just lost), for metrics; null if none. */
  ClientConnection connection() {
    return connection;
  }

  /** Caller holds the lock. */
  private void moveTo(ConnectionState next, Throwable why) {
    ConnectionState previous = state;
    state = next;
    cause = why;
    lock.notifyAll();
    if (previous == next) {
      return;
    }
    LOG.debug("{}: {} -> {}", address, previous, next, why);
    Optional<Throwable> reason = Optional.ofNullable(why);
    try {
      events.execute(() -> notifyListeners(previous, next, reason));
    } catch (RejectedExecutionException closed) {
      LOG.debug("state change after close not reported: {} -> {}", previous, next);
    }
  }

  private void notifyListeners(
      ConnectionState previous, ConnectionState next, Optional<Throwable> reason) {
    for (ConnectionStateListener l : listeners) {
      try {
        l.onStateChange(previous, next, reason);
      } catch (RuntimeException e) {
        LOG.warn("connection state listener threw", e);
      }
    }
  }

  /**
   * DISCONNECTED / FAILED -> CONNECTING.
   *
   * @throws IllegalStateException if closed, connected or connecting
   */
  void beginConnect() {
    synchronized (lock) {
      switch (state) {
        case CLOSED -> throw new IllegalStateException("the client is closed");
        case READY, CONNECTING, RECONNECTING ->
            throw new IllegalStateException("already connected to " + address + " (" + state + ")");
        default -> moveTo(ConnectionState.CONNECTING, null);
      }
    }
  }

  /** CONNECTING -> DISCONNECTED after a failed {@link WitClient#connect}. */
  void connectFailed(Throwable why) {
    synchronized (lock) {
      if (state == ConnectionState.CONNECTING) {
        moveTo(ConnectionState.DISCONNECTED, why);
      }
    }
  }

  /**
   * CONNECTING / RECONNECTING -> READY with {@code cc}.
   *
   * @return false if the client was closed meanwhile or {@code cc} already ended (the caller closes
   *     it / tries again)
   */
  boolean ready(ClientConnection cc) {
    synchronized (lock) {
      if (state == ConnectionState.CLOSED || cc.isClosed()) {
        return false;
      }
      connection = cc;
      moveTo(ConnectionState.READY, null);
      return true;
    }
  }

  /**
   * READY -> RECONNECTING (or DISCONNECTED without auto-reconnect) when {@code cc}, the current
   * connection, ended.
   *
   * @return true if the state changed (false: not the current connection, or closed)
   */
  boolean lost(ClientConnection cc, Throwable why, boolean reconnect) {
    synchronized (lock) {
      if (connection != cc || state != ConnectionState.READY) {
        return false;
      }
      moveTo(reconnect ? ConnectionState.RECONNECTING : ConnectionState.DISCONNECTED, why);
      return true;
    }
  }

  /** RECONNECTING -> FAILED. */
  void gaveUp(Throwable why) {
    synchronized (lock) {
      if (state == ConnectionState.RECONNECTING) {
        moveTo(ConnectionState.FAILED, why);
      }
    }
  }

  /**
   * Any state -> CLOSED; returns the connection to close, if any. The event thread ends after it
   * reported CLOSED.
   */
  Optional<ClientConnection> close() {
    synchronized (lock) {
      if (state == ConnectionState.CLOSED) {
        return Optional.empty();
      }
      moveTo(ConnectionState.CLOSED, null);
      events.shutdown();
      return Optional.ofNullable(connection);
    }
  }

  /** The connection if READY now; empty if (re)connecting. */
  Optional<ClientConnection> readyNow() {
    synchronized (lock) {
      return state == ConnectionState.READY ? Optional.of(connection) : Optional.empty();
    }
  }

  /**
   * The connection once READY; waits while CONNECTING or RECONNECTING, up to {@code deadlineNanos}.
   *
   * @param what the method, for the message
   * @throws UnsentCallException if not READY in time, or closed, disconnected or failed
   */
  ClientConnection awaitReady(long deadlineNanos, String what) {
    return awaitReady(deadlineNanos, what, null);
  }

  /**
   * As {@link #awaitReady(long, String)}, but passing over {@code ended}: a connection the caller
   * saw end while this state may still say READY with it (the end is being reported). Waits until
   * the state has caught up, then as above: the next connection, or the reason there is none.
   */
  @SuppressWarnings("fallthrough")
  ClientConnection awaitReady(long deadlineNanos, String what, ClientConnection ended) {
    ClientConnection cc = connection;
    long start = System.nanoTime();
    synchronized (lock) {
      while (true) {
        switch (state) {
          case CLOSED:
            throw new UnsentCallException(what + ": the client is closed", null);
          case FAILED:
            throw new UnsentCallException(
                what + ": gave up reconnecting to " + address + ": " + message(cause), cause);
          case DISCONNECTED:
            if (cause == null && cc == null) {
              throw new UnsentCallException(
                  what + ": not connected: call connect(Duration) first", null);
            }
            throw new UnsentCallException(
                what + ": disconnected from " + address + ": " + message(cause), cause);
          case READY:
            if (connection != ended) {
              return connection;
            }
          // fall through: READY with the ended connection waits like (RE)CONNECTING
          default:
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
              throw new UnsentCallException(
                  what
                      + ": not connected to "
                      + address
                      + (state == ConnectionState.READY
                          ? ": its connection ended"
                          : ": still " + state)
                      + " after waiting "
                      + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)
                      + " ms"
                      + (cause != null ? " (" + message(cause) + ")" : ""),
                  cause);
            }
            try {
              TimeUnit.NANOSECONDS.timedWait(lock, remaining);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new UnsentCallException(what + ": interrupted waiting for a connection", e);
            }
        }
      }
    }
  }

  private static String message(Throwable t) {
    return t == null ? "unknown reason" : t.getMessage();
  }

  /** The event thread's executor, for tests that check it ended. */
  ExecutorService events() {
    return events;
  }
}
