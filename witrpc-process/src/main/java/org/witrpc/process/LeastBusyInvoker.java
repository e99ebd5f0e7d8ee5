package org.witrpc.process;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.witrpc.Idempotent;
import org.witrpc.Listener;
import org.witrpc.WitTransportException;

/**
 * The invocation handler of a {@link WorkerPool}'s proxy: picks a worker per call (fewest calls in
 * flight among the serving workers, ties in turn), counts the call while it runs (an asynchronous
 * one until its future completes), repeats an {@link Idempotent} call on another worker when its
 * worker's connection was lost, and sends listener subscriptions to every worker.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class LeastBusyInvoker<T> implements InvocationHandler {
  private final Class<T> iface;
  private final List<WorkerProcess<T>> workers;
  private final AtomicInteger[] inFlight;
  private final AtomicInteger turn = new AtomicInteger();

  LeastBusyInvoker(Class<T> iface, List<WorkerProcess<T>> workers) {
    this.iface = iface;
    this.workers = workers;
    this.inFlight = new AtomicInteger[workers.size()];
    for (int i = 0; i < inFlight.length; i++) {
      inFlight[i] = new AtomicInteger();
    }
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class) {
      return switch (method.getName()) {
        case "equals" -> proxy == args[0];
        case "hashCode" -> System.identityHashCode(proxy);
        default -> "WorkerPool proxy of " + iface.getName() + " over " + workers;
      };
    }
    if (method.isDefault()) {
      return InvocationHandler.invokeDefault(proxy, method, args);
    }
    if (isSubscription(method)) {
      return subscribeAll(method, args);
    }
    boolean idempotent = method.isAnnotationPresent(Idempotent.class);
    if (idempotent && CompletionStage.class.isAssignableFrom(method.getReturnType())) {
      RetryingFuture outcome = new RetryingFuture();
      attemptAsync(outcome, method, args, new ArrayList<>());
      return outcome;
    }
    List<Integer> tried = new ArrayList<>();
    while (true) {
      int index = pick(tried);
      tried.add(index);
      try {
        return callCounted(index, method, args);
      } catch (WitTransportException lost) {
        if (!idempotent || tried.size() >= workers.size()) {
          throw lost;
        }
      }
    }
  }

  /**
   * Sends a listener subscription (or its removal) to every worker that has not ended for good: one
   * that exited without a restart policy has no connection to subscribe on, and its events are
   * over. If all have ended, the first one's failure says so. A subscription that fails on one
   * worker is taken back from those it was made on before, so that the caller, told it failed, is
   * not left subscribed to some.
   */
  private Object subscribeAll(Method method, Object[] args) throws Throwable {
    Object result = null;
    List<WorkerProcess<T>> subscribed = new ArrayList<>();
    for (WorkerProcess<T> worker : workers) {
      if (!worker.hasEnded()) {
        try {
          result = call(worker, method, args);
        } catch (Throwable failure) {
          unsubscribe(subscribed, method, args, failure);
          throw failure;
        }
        subscribed.add(worker);
      }
    }
    return subscribed.isEmpty() ? call(workers.get(0), method, args) : result;
  }

  /**
   * Removes subscription {@code method}'s listener from {@code subscribed}, best effort: a removal
   * that fails is added to {@code failure} as suppressed. A failed removal is not undone.
   */
  private void unsubscribe(
      List<WorkerProcess<T>> subscribed, Method method, Object[] args, Throwable failure) {
    Method removal = removalOf(method);
    if (removal == null) {
      return;
    }
    for (WorkerProcess<T> worker : subscribed) {
      try {
        call(worker, removal, args);
      } catch (Throwable e) {
        if (e != failure) {
          failure.addSuppressed(e);
        }
      }
    }
  }

  /** The {@code removeXxx} method taking what subscription {@code addXxx} takes, or null. */
  private Method removalOf(Method method) {
    if (!method.getName().startsWith("add")) {
      return null;
    }
    try {
      return iface.getMethod("remove" + method.getName().substring(3), method.getParameterTypes());
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  /**
   * Makes one attempt of an asynchronous {@link Idempotent} call for {@code outcome}: a failure
   * because its worker's connection was lost, now or when its future completes, makes another
   * attempt on another worker, until each was tried.
   */
  private void attemptAsync(
      RetryingFuture outcome, Method method, Object[] args, List<Integer> tried) {
    int index = pick(tried);
    tried.add(index);
    CompletionStage<?> stage;
    try {
      stage = (CompletionStage<?>) callCounted(index, method, args);
    } catch (Throwable e) { // decided below as a future that failed so
      stage = CompletableFuture.failedFuture(e);
    }
    if (stage == null) {
      outcome.complete(null);
      return;
    }
    outcome.attempt(stage);
    stage.whenComplete(
        (value, error) -> {
          Throwable cause =
              error instanceof CompletionException && error.getCause() != null
                  ? error.getCause()
                  : error;
          if (cause instanceof WitTransportException
              && tried.size() < workers.size()
              && !outcome.isDone()) {
            attemptAsync(outcome, method, args, tried);
          } else if (cause != null) {
            outcome.completeExceptionally(cause);
          } else {
            outcome.complete(value);
          }
        });
  }

  /** The future of an asynchronous idempotent call over its attempts; cancelling cancels them. */
  private static final class RetryingFuture extends CompletableFuture<Object> {
    private volatile CompletionStage<?> attempt;

    void attempt(CompletionStage<?> attempt) {
      this.attempt = attempt;
      if (isCancelled()) {
        attempt.toCompletableFuture().cancel(true);
      }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      CompletionStage<?> current = attempt;
      if (cancelled && current != null) {
        current.toCompletableFuture().cancel(mayInterruptIfRunning);
      }
      return cancelled;
    }
  }

  /**
   * The serving worker with the fewest calls in flight, not among {@code tried} if possible; when
   * none serves, one that has not ended for good (the call waits for it to come back), unless all
   * have: a worker stopped, or given up on by its restart policy, fails every call at once.
   */
  private int pick(List<Integer> tried) {
    int n = workers.size();
    int start = Math.floorMod(turn.getAndIncrement(), n);
    int best = -1;
    boolean skipEnded = false;
    for (int pass = 0; pass < 3 && best < 0; pass++) {
      if (pass == 1) {
        skipEnded = workers.stream().anyMatch(w -> !w.hasEnded());
      }
      for (int k = 0; k < n; k++) {
        int i = (start + k) % n;
        // first pass: serving workers only; second: any not ended for good, untried if possible;
        // third: any not ended for good, tried too
        if (pass < 2 && tried.contains(i) && tried.size() < n
            || pass == 0 && !workers.get(i).isServing()
            || skipEnded && workers.get(i).hasEnded()) {
          continue;
        }
        if (best < 0 || inFlight[i].get() < inFlight[best].get()) {
          best = i;
        }
      }
    }
    return best < 0 ? start : best;
  }

  private Object callCounted(int index, Method method, Object[] args) throws Throwable {
    AtomicInteger counter = inFlight[index];
    counter.incrementAndGet();
    boolean async = false;
    try {
      Object result = call(workers.get(index), method, args);
      if (result instanceof CompletionStage<?> stage) {
        async = true;
        stage.whenComplete((r, e) -> counter.decrementAndGet());
      }
      return result;
    } finally {
      if (!async) {
        counter.decrementAndGet();
      }
    }
  }

  private static Object call(WorkerProcess<?> worker, Method method, Object[] args)
      throws Throwable {
    try {
      return method.invoke(worker.service(), args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static boolean isSubscription(Method method) {
    for (Class<?> type : method.getParameterTypes()) {
      if (type.isAnnotationPresent(Listener.class)) {
        return true;
      }
    }
    return false;
  }
}
