package org.witrpc.process;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * {@code size} workers of one service behind one proxy. Each call goes to the worker with the
 * fewest calls in flight among those that serve (ties taken in turn); a worker that died is skipped
 * while its {@link RestartPolicy} restarts it, and when none serves a call waits for one that
 * restarts rather than go to one that ended for good. A call that was running on a worker that died
 * fails with a {@link org.witrpc.WitTransportException} and is never run again, unless its method
 * is {@link org.witrpc.Idempotent}: then it is repeated on another worker (an asynchronous one when
 * its future fails so). Listener methods ({@code addXxxListener}/{@code removeXxxListener}) go to
 * every worker that has not ended for good, so events of all workers reach the listener; a
 * subscription that fails on one is taken back from the others before the failure is thrown. A
 * frozen worker (stopped, its reader stuck) is found only by a {@link HealthCheck} on the builder,
 * which kills it: a call sent to it then fails (or, idempotent, moves on) at that kill; without one
 * it waits its timeout, though the fewest-calls choice sends the worker fewer once calls pile up
 * there.
 *
 * <pre>{@code
 * try (WorkerPool<Calculator> pool =
 *     WorkerPool.start(4, WorkerProcess.builder(Calculator.class)
 *         .mainClass(CalculatorWorker.class)
 *         .restartPolicy(RestartPolicy.exponential(Duration.ofMillis(100), Duration.ofSeconds(5))))) {
 *   pool.service().add(1, 2);
 * }
 * }</pre>
 *
 * <p>Thread safety: safe for concurrent use; the proxy too.
 */
public final class WorkerPool<T> implements AutoCloseable {
  private final List<WorkerProcess<T>> workers;
  private final T service;

  private WorkerPool(Class<T> iface, List<WorkerProcess<T>> workers) {
    this.workers = List.copyOf(workers);
    this.service =
        iface.cast(
            Proxy.newProxyInstance(
                iface.getClassLoader(),
                new Class<?>[] {iface},
                new LeastBusyInvoker<>(iface, this.workers)));
  }

  /** The most workers one pool starts: each is a JVM. */
  public static final int MAX_SIZE = 1_000;

  /**
   * Starts {@code size} workers as {@code builder} says (all at once), named after the builder's
   * name with {@code -1} to {@code -size} appended, and returns once all serve.
   *
   * @throws IllegalArgumentException if {@code size} is not from 1 to {@link #MAX_SIZE}
   * @throws WorkerStartException if any of them does not start, or the calling thread is
   *     interrupted (its interrupt status stays set): at the first failure the others are stopped,
   *     or interrupted while they start, and no process is left behind
   */
  public static <T> WorkerPool<T> start(int size, WorkerProcessBuilder<T> builder) {
    Objects.requireNonNull(builder, "builder == null");
    if (size < 1 || size > MAX_SIZE) {
      throw new IllegalArgumentException(
          "size must be from 1 to " + MAX_SIZE + " (each worker is a JVM): " + size);
    }
    String base = builder.name().orElse(builder.iface().getSimpleName() + "-pool");
    List<CompletableFuture<WorkerProcess<T>>> starts = new ArrayList<>();
    List<Thread> starters = new ArrayList<>();
    CompletableFuture<Void> firstFailure = new CompletableFuture<>(); // never completes normally
    Throwable failure = null;
    boolean interrupted = false;
    try {
      for (int i = 1; i <= size; i++) {
        String name = base + "-" + i;
        CompletableFuture<WorkerProcess<T>> start = new CompletableFuture<>();
        start.whenComplete(
            (w, e) -> {
              if (e != null) {
                firstFailure.completeExceptionally(e);
              }
            });
        Thread starter =
            new Thread(
                () -> {
                  try {
                    start.complete(builder.start(name));
                  } catch (Throwable t) {
                    start.completeExceptionally(t);
                  }
                },
                "witrpc-process-start-" + name);
        starter.setDaemon(true);
        starter.start();
        starters.add(starter);
        starts.add(start);
      }
      // all started, or the first failure: not one start timeout after another
      CompletableFuture.anyOf(
              CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)), firstFailure)
          .get();
    } catch (ExecutionException e) {
      failure = e.getCause();
    } catch (InterruptedException e) {
      interrupted = true;
      failure = new WorkerStartException("the start of pool " + base + " was interrupted", e);
    } catch (RuntimeException | Error e) { // a starter thread could not be created
      failure = e;
    }
    if (failure == null) {
      return new WorkerPool<>(
          builder.iface(), starts.stream().map(CompletableFuture::join).toList());
    }
    starters.forEach(Thread::interrupt); // a start that is still waiting ends at once
    List<WorkerProcess<T>> started = new ArrayList<>();
    for (CompletableFuture<WorkerProcess<T>> start : starts) {
      try {
        started.add(start.join());
      } catch (CompletionException e) {
        if (e.getCause() != failure) {
          failure.addSuppressed(e.getCause());
        }
      }
    }
    stopAll(started, WorkerProcess.DEFAULT_STOP_GRACE);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure instanceof RuntimeException r) {
      throw r;
    }
    if (failure instanceof Error err) {
      throw err;
    }
    throw new WorkerStartException("pool " + base + " did not start: " + failure, failure);
  }

  /** The proxy that spreads calls over the workers. */
  public T service() {
    return service;
  }

  /** The workers, in the order of their names. */
  public List<WorkerProcess<T>> workers() {
    return workers;
  }

  /**
   * Stops every worker (all at once) with {@code grace} and returns when they are gone; called from
   * a {@link WorkerListener}, returns at once and the stop goes on in the background. Idempotent.
   */
  public void stop(Duration grace) {
    Objects.requireNonNull(grace, "grace == null");
    if (WorkerProcess.onListenerThread()) {
      // the listener's thread may be the one a worker's exit waits for: do not wait here
      daemon(() -> stopAll(workers, grace));
      return;
    }
    stopAll(workers, grace);
  }

  /** Stops every worker with {@link WorkerProcess#DEFAULT_STOP_GRACE}. Idempotent. */
  @Override
  public void close() {
    stop(WorkerProcess.DEFAULT_STOP_GRACE);
  }

  private static void stopAll(List<? extends WorkerProcess<?>> workers, Duration grace) {
    CompletableFuture.allOf(
            workers.stream()
                .map(w -> CompletableFuture.runAsync(() -> w.stop(grace), WorkerPool::daemon))
                .toArray(CompletableFuture[]::new))
        .join();
  }

  private static void daemon(Runnable r) {
    Thread t = new Thread(r, "witrpc-process-pool-stop");
    t.setDaemon(true);
    t.start();
  }
}
