package org.witrpc.server;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The calls of one connection that a CANCEL can reach, by correlation id: those handed to the
 * executor (from dispatch until answered) and asynchronous ones (until their stage completes). A
 * synchronous call run inline is not here: the reader that would read its CANCEL is running it.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class RunningCalls {
  private final ConcurrentHashMap<Long, CallContext> calls = new ConcurrentHashMap<>();

  void add(long id, CallContext call) {
    calls.put(id, call);
  }

  /**
   * Removes call {@code id} if it is still {@code call}: a client that reused the id of a call
   * still running does not have the newer one taken off when the older one ends.
   */
  void remove(long id, CallContext call) {
    if (call != null) {
      calls.remove(id, call);
    }
  }

  /** Cancels call {@code id} if it is still here (a CANCEL for a call already answered is void). */
  void cancel(long id) {
    CallContext call = calls.get(id);
    if (call != null) {
      call.cancel();
    }
  }

  /**
   * Cancels call {@code id} like {@link #cancel} unless that would run its {@code onCancel}
   * callbacks; false then (nothing done).
   */
  boolean cancelWithoutCallbacks(long id) {
    CallContext call = calls.get(id);
    return call == null || call.cancelWithoutCallbacks();
  }

  /** Cancels every call (the connection ended). */
  void cancelAll() {
    for (CallContext call : List.copyOf(calls.values())) {
      call.cancel();
    }
  }

  int size() {
    return calls.size();
  }
}
