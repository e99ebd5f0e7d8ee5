package org.witrpc.process;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@code size} workers of one service behind one proxy. Each call goes to the worker with the
 * fewest calls in flight among those that serve (ties taken in turn); a worker that died is skipped
 * while its {@link RestartPolicy} restarts it. A call that was running on a worker that died fails
 * with a {@link org.witrpc.WitTransportException} and is never run again, unless its method is
 * {@link org.witrpc.Idempotent}: then it is repeated on another worker. Listener methods ({@code
 * addXxxListener}/{@code removeXxxListener}) go to every worker, so events of all workers reach the
 * listener.
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

  /**
   * Starts {@code size} workers as {@code builder} says (all at once), named after the builder's
   * name with {@code -1} to {@code -size} appended, and returns once all serve.
   *
   * @throws WorkerStartException if any of them does not start; the others are stopped then
   */
  public static <T> WorkerPool<T> start(int size, WorkerProcessBuilder<T> builder) {
    Objects.requireNonNull(builder, "builder == null");
    if (size < 1) {
      throw new IllegalArgumentException("size must be >= 1: " + size);
    }
    String base = builder.name().orElse(builder.iface().getSimpleName() + "-pool");
    List<CompletableFuture<WorkerProcess<T>>> starts = new ArrayList<>();
    for (int i = 1; i <= size; i++) {
      String name = base + "-" + i;
      CompletableFuture<WorkerProcess<T>> start = new CompletableFuture<>();
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
      starts.add(start);
    }
    List<WorkerProcess<T>> started = new ArrayList<>();
    RuntimeException failure = null;
    for (CompletableFuture<WorkerProcess<T>> start : starts) {
      try {
        started.add(start.join());
      } catch (CompletionException e) {
        if (failure == null) {
          failure =
              e.getCause() instanceof RuntimeException r
                  ? r
                  : new IllegalStateException(e.getCause());
        }
      }
    }
    if (failure != null) {
      stopAll(started, WorkerProcess.DEFAULT_STOP_GRACE);
      throw failure;
    }
    return new WorkerPool<>(builder.iface(), started);
  }

  /** The proxy that spreads calls over the workers. */
  public T service() {
    return service;
  }

  /** The workers, in the order of their names. */
  public List<WorkerProcess<T>> workers() {
    return workers;
  }

  /** Stops every worker (all at once) with {@code grace}. Idempotent. */
  public void stop(Duration grace) {
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
