package org.witrpc.server;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The calls of one connection that a CANCEL can reach, by correlation id: those handed to the
 * executor (from dispatch until answered) and asynchronous ones (until their stage completes). A
 * synchronous call run inline is not here: the reader that would read its CANCEL is running it. One
 * call per id: a REQUEST reusing the id of a call still here is refused, since replacing the call
 * would put it beyond CANCEL and beyond the cancel-all when the connection ends.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class RunningCalls {
  private final ConcurrentHashMap<Long, CallContext> calls = new ConcurrentHashMap<>();

  /**
   * Adds call {@code id} unless the id is in use.
   *
   * @return false (nothing done) if another call with that id is still here
   */
  boolean add(long id, CallContext call) {
    return calls.putIfAbsent(id, call) == null;
  }

  /** Whether a call with correlation id {@code id} is still here. */
  boolean inUse(long id) {
    return !calls.isEmpty() && calls.containsKey(id);
  }

  /** Removes call {@code id} if it is still {@code call}; nothing if {@code call} is null. */
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
