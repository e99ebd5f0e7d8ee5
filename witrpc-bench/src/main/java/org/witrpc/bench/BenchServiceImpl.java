package org.witrpc.bench;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

/**
 * The server side of {@link BenchService}: does as little as possible, so the benchmark measures
 * the framework.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class BenchServiceImpl implements BenchService {
  private final List<BenchListener> listeners = new CopyOnWriteArrayList<>();
  private final Executor firer =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "bench-event-firer");
            t.setDaemon(true);
            return t;
          });

  @Override
  public int add(int a, int b) {
    return a + b;
  }

  @Override
  public String echo(String text) {
    return text;
  }

  @Override
  public byte[] echoBytes(byte[] data) {
    return data;
  }

  @Override
  public int emit(int count) {
    for (BenchListener listener : listeners) {
      for (int i = 1; i <= count; i++) {
        listener.onEvent(i);
      }
    }
    return count;
  }

  @Override
  public void fireTimedEvent() {
    for (BenchListener listener : listeners) {
      // On Linux System.nanoTime() reads CLOCK_MONOTONIC, one clock for every process on the
      // machine: the client subtracts this stamp from its own nanoTime() for the one-way latency.
      listener.onTimedEvent(System.nanoTime());
    }
  }

  @Override
  public void fireTimedEventsAfter(int count, long gapNanos) {
    firer.execute(
        () -> {
          if (gapNanos > 0) {
            LockSupport.parkNanos(gapNanos);
          }
          for (int i = 0; i < count; i++) {
            fireTimedEvent();
          }
        });
  }

  @Override
  public void addBenchListener(BenchListener listener) {
    listeners.add(listener);
  }

  @Override
  public void removeBenchListener(BenchListener listener) {
    listeners.remove(listener);
  }
}
