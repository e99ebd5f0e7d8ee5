package org.witrpc.server;

import static org.witrpc.server.ServerConnection.LOG;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.witrpc.Metadata;
import org.witrpc.RpcMethod;
import org.witrpc.Status;
import org.witrpc.internal.CallDeadline;

/**
 * The server's view of the call a service method is running: the method, the caller's {@link
 * Metadata}, the {@link Peer}, the deadline and whether the caller gave up.
 *
 * <p>{@link #current()} returns it on the thread that runs the method (and its server
 * interceptors), from the start of the first interceptor until the method returns. Code the method
 * hands to other threads captures it there: {@code CallContext ctx = CallContext.current();} and
 * uses {@code ctx} later, or runs a task with it as current through {@link #wrap(Runnable)}.
 *
 * <p><b>Cancellation.</b> When the client gives up on the call (its timeout passes, its caller's
 * thread is interrupted, its future is cancelled) it sends CANCEL; when its connection ends, all
 * its calls count as cancelled too. Then {@link #isCancelled()} turns true, the {@link #onCancel}
 * callbacks run, and the thread running the method, if it still runs it, is interrupted: a method
 * waiting in {@code Thread.sleep}, {@code Object.wait}, a lock or interruptible I/O ends early. The
 * interrupt reaches only that call: once the method has returned, its thread is never interrupted
 * for it, and an interrupt the method left unconsumed is cleared before the thread moves on. A
 * method that finishes anyway has its reply sent, and the client drops it. A call cancelled before
 * it started is not run (status 499). A method run on the transport's reader ({@code
 * Dispatch.INLINE}, or {@code AUTO} for a quick method) cannot see CANCEL while it runs, since the
 * reader that would read it is busy running the method: it is only cancelled afterwards (which
 * matters to an asynchronous method still completing its stage).
 *
 * <p>Thread safety: safe for concurrent use; captured contexts may be used from any thread.
 */
public final class CallContext {
  /** The current call of each thread: a CallContext, or the InlineCall that makes one on demand. */
  private static final ThreadLocal<Object> CURRENT = new ThreadLocal<>();

  private final Peer peer;
  private RpcMethod method; // set by begin(), before the context is current anywhere
  private Metadata metadata = Metadata.empty();
  private long deadlineMillis;
  private volatile boolean cancelled;

  /** What a server interceptor threw itself, and the status it is answered with; null if none. */
  private volatile Refusal refusal;

  // guarded by this
  private List<Runnable> callbacks;
  private Thread runner;
  private boolean interruptedRunner;

  CallContext(Peer peer) {
    this.peer = peer;
  }

  CallContext(Peer peer, RpcMethod method, Metadata metadata, long deadlineMillis) {
    this(peer);
    begin(method, metadata, deadlineMillis);
  }

  /** Sets what the request said; called once, before the context is made current. */
  void begin(RpcMethod method, Metadata metadata, long deadlineMillis) {
    this.method = method;
    this.metadata = metadata;
    this.deadlineMillis = deadlineMillis;
  }

  /**
   * The context of the call running on this thread.
   *
   * @throws IllegalStateException if this thread is not running a service method (or a server
   *     interceptor) now
   */
  public static CallContext current() {
    Object c = CURRENT.get();
    if (c instanceof CallContext context) {
      return context;
    }
    if (c instanceof InlineCall inline) {
      return inline.context();
    }
    throw new IllegalStateException(
        "no witrpc call runs on this thread: CallContext.current() works on the thread of a"
            + " service method; capture it there for other threads");
  }

  /** Makes {@code call} (a CallContext or an InlineCall) current; returns what was current. */
  static Object enter(Object call) {
    Object previous = CURRENT.get();
    CURRENT.set(call);
    return previous;
  }

  /**
   * Makes {@code previous} current again (null: none), after {@link #enter}. Sets rather than
   * removes: the thread keeps its (then empty) entry, so the next call on it allocates none.
   */
  static void leave(Object previous) {
    CURRENT.set(previous);
  }

  /** The method called. */
  public RpcMethod method() {
    return method;
  }

  /** The metadata the caller (and its client interceptors) sent; empty if none. */
  public Metadata metadata() {
    return metadata;
  }

  /** The client at the other end. */
  public Peer peer() {
    return peer;
  }

  /**
   * When the client stops waiting: the call's deadline as the client sent it (its timeout from the
   * moment it sent the call); empty if it sent none.
   */
  public Optional<Instant> deadline() {
    return deadlineMillis == CallDeadline.NONE
        ? Optional.empty()
        : Optional.of(Instant.ofEpochMilli(deadlineMillis));
  }

  /** True once the client has given up on this call (CANCEL, or its connection ended). */
  public boolean isCancelled() {
    return cancelled;
  }

  /**
   * The status the server answers this call with when it ends with {@code failure} (what the method
   * or an interceptor threw, or what an asynchronous method's stage failed with): {@link
   * Status#CANCELLED} once the client has given up on the call; the status of a {@link
   * org.witrpc.WitRemoteException} that a server interceptor threw itself to refuse the call (a
   * known status other than 200); else {@link Status#SERVER_ERROR}, for whatever the method threw
   * too (a method that relays another server's error answers 500, not that server's status). For
   * interceptors that record outcomes, such as metrics and tracing, so that they record what the
   * client is told. A result that cannot be encoded or sent is answered 500 after the interceptors
   * have returned, which they do not see.
   */
  public Status answerStatus(Throwable failure) {
    Objects.requireNonNull(failure, "failure == null");
    if (cancelled) {
      return Status.CANCELLED;
    }
    Throwable t =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    Refusal r = refusal;
    return r != null && r.thrown() == t ? r.status() : Status.SERVER_ERROR;
  }

  /**
   * Records that server interceptor number {@code index} (from 0) threw {@code t} itself, to be
   * answered with {@code status}.
   */
  void refused(int index, Throwable t, Status status) {
    refusal = new Refusal(index, t, status);
  }

  /** The index of the server interceptor that threw {@code t} itself, or -1 if none did. */
  int refusedBy(Throwable t) {
    Refusal r = refusal;
    return r != null && r.thrown() == t ? r.index() : -1;
  }

  private record Refusal(int index, Throwable thrown, Status status) {}

  /**
   * Runs {@code callback} when the call is cancelled, on the thread that learns it (the
   * connection's reader, or the thread that ends the connection), or at once on this thread if it
   * already is. Keep it short: it delays that connection's other frames. What it throws is logged.
   * Callbacks of a call that is never cancelled never run (and are dropped with the call).
   */
  public void onCancel(Runnable callback) {
    Objects.requireNonNull(callback, "callback == null");
    synchronized (this) {
      if (!cancelled) {
        if (callbacks == null) {
          callbacks = new ArrayList<>(2);
        }
        callbacks.add(callback);
        return;
      }
    }
    runCallback(callback);
  }

  /**
   * {@code task} with this context as {@link #current()} while it runs (on whatever thread runs
   * it), for work the method hands to another thread.
   */
  public Runnable wrap(Runnable task) {
    Objects.requireNonNull(task, "task == null");
    return () -> {
      Object previous = enter(this);
      try {
        task.run();
      } finally {
        leave(previous);
      }
    };
  }

  /**
   * Marks the calling thread as running this call, so that a cancel interrupts it.
   *
   * @return false if the call was cancelled before it started (it must not run)
   */
  synchronized boolean start() {
    if (cancelled) {
      return false;
    }
    runner = Thread.currentThread();
    return true;
  }

  /**
   * The calling thread no longer runs this call: no cancel interrupts it from now on, and an
   * interrupt a cancel made that the method did not consume is cleared. Called by the thread that
   * called {@link #start()}.
   */
  synchronized void finish() {
    runner = null;
    if (interruptedRunner) {
      interruptedRunner = false;
      Thread.interrupted(); // ours, made while the call ran: not for the thread's next work
    }
  }

  /** Cancels the call: the flag, the interrupt (only while a thread runs it), the callbacks. */
  void cancel() {
    List<Runnable> toRun = markCancelled();
    if (toRun != null) {
      toRun.forEach(CallContext::runCallback);
    }
  }

  /** Sets the flag and interrupts the runner, once; the callbacks to run then, if any. */
  private synchronized List<Runnable> markCancelled() {
    if (cancelled) {
      return null;
    }
    cancelled = true;
    if (runner != null) {
      interruptedRunner = true;
      runner.interrupt();
    }
    List<Runnable> toRun = callbacks;
    callbacks = null;
    return toRun;
  }

  /**
   * Cancels the call like {@link #cancel()} unless that would run {@link #onCancel} callbacks (user
   * code, which may wait): for a thread that must not wait.
   *
   * @return false if the call has callbacks (nothing done), true if it is cancelled now or was
   */
  synchronized boolean cancelWithoutCallbacks() {
    if (callbacks != null && !cancelled) {
      return false;
    }
    markCancelled();
    return true;
  }

  private static void runCallback(Runnable callback) {
    try {
      callback.run();
    } catch (RuntimeException | Error e) {
      LOG.warn("a CallContext.onCancel callback failed", e);
    }
  }

  @Override
  public String toString() {
    return "CallContext{" + method + " from " + peer + (cancelled ? ", cancelled" : "") + "}";
  }
}
