package org.witrpc.client;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.internal.Envelope;

/**
 * The calls in flight on one connection, by correlation id. A reply whose call is gone (timed out)
 * is dropped. When the connection ends, every pending call fails at once, and so does every call
 * registered afterwards.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class PendingCalls {
  private static final Logger LOG = LoggerFactory.getLogger(PendingCalls.class);

  private final AtomicLong ids = new AtomicLong();
  private final ConcurrentHashMap<Long, PendingCall> calls = new ConcurrentHashMap<>();
  private final SpinTurns spinTurns = new SpinTurns(SpinTurns.DEFAULT_LIMIT);
  private volatile Throwable closedCause;

  /** Registers a new call with a fresh correlation id. */
  PendingCall register(Consumer<PendingCall> onComplete) {
    return register(onComplete, false);
  }

  /**
   * Registers a new call with a fresh correlation id.
   *
   * @param bytesResult the call's result is a {@code byte[]} ({@link PendingCall#bytesResult})
   */
  PendingCall register(Consumer<PendingCall> onComplete, boolean bytesResult) {
    PendingCall call = new PendingCall(ids.incrementAndGet(), onComplete, bytesResult);
    calls.put(call.id(), call);
    Throwable cause = closedCause;
    if (cause != null && calls.remove(call.id()) != null) {
      call.complete(cause);
    }
    return call;
  }

  /** Forgets a call (timed out or failed to send); its late reply will be dropped. */
  void remove(long id) {
    calls.remove(id);
  }

  /** Completes the call the response belongs to. */
  void complete(Envelope response) {
    PendingCall call = calls.remove(response.correlationId());
    if (call == null) {
      LOG.debug("late or unknown reply #{} dropped", response.correlationId());
      return;
    }
    call.complete(response);
  }

  /** Whether call {@code id} is pending and its result is a {@code byte[]}. */
  boolean awaitsBytes(long id) {
    PendingCall call = calls.get(id);
    return call != null && call.bytesResult();
  }

  /** Fails every pending call, and every later one, with {@code cause}. */
  void failAll(Throwable cause) {
    closedCause = cause;
    for (Long id : List.copyOf(calls.keySet())) {
      PendingCall call = calls.remove(id);
      if (call != null) {
        call.complete(cause);
      }
    }
  }

  /** The turns of this connection's callers to wait by spinning. */
  SpinTurns spinTurns() {
    return spinTurns;
  }

  int size() {
    return calls.size();
  }
}
