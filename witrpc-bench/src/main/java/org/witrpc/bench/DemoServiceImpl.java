package org.witrpc.bench;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The demo worker's implementation of {@link DemoService}.
 *
 * <p>Thread safety: safe for concurrent use; the listener list is copy-on-write.
 */
final class DemoServiceImpl implements DemoService {
  private final List<DemoProgressListener> listeners = new CopyOnWriteArrayList<>();

  @Override
  public int add(int a, int b) {
    return a + b;
  }

  @Override
  public byte[] echo(byte[] data) {
    return data;
  }

  @Override
  public CompletableFuture<String> slowUpperCase(String text, int delayMillis) {
    return CompletableFuture.supplyAsync(
        () -> text.toUpperCase(Locale.ROOT),
        CompletableFuture.delayedExecutor(delayMillis, TimeUnit.MILLISECONDS));
  }

  @Override
  public long countPrimes(int limit, int steps) {
    long count = 0;
    int slice = Math.max(1, limit / steps);
    for (int step = 0; step < steps; step++) {
      int from = step * slice;
      int to = step == steps - 1 ? limit : from + slice;
      for (int n = from; n < to; n++) {
        if (isPrime(n)) {
          count++;
        }
      }
      int percent = (step + 1) * 100 / steps;
      for (DemoProgressListener listener : listeners) {
        listener.onProgress(percent);
      }
    }
    return count;
  }

  private static boolean isPrime(int n) {
    if (n < 2) {
      return false;
    }
    for (int d = 2; (long) d * d <= n; d++) {
      if (n % d == 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void addProgressListener(DemoProgressListener listener) {
    listeners.add(listener);
  }

  @Override
  public void removeProgressListener(DemoProgressListener listener) {
    listeners.remove(listener);
  }
}
