package com.example;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A calculator whose every new progress listener gets 1, 2, 3... every 20 ms, until it is removed
 * (the server removes it when its client goes away).
 */
public final class CalculatorImpl implements Calculator {
  private final Map<ProgressListener, Thread> tickers = new ConcurrentHashMap<>();

  @Override
  public int add(int a, int b) {
    return a + b;
  }

  @Override
  public int divide(int a, int b) {
    return a / b;
  }

  @Override
  public CompletableFuture<String> slowEcho(String s) {
    return CompletableFuture.completedFuture(s);
  }

  @Override
  public void addProgressListener(ProgressListener l) {
    Thread ticker =
        new Thread(
            () -> {
              for (int percent = 1; percent <= 100 && tickers.containsKey(l); percent++) {
                try {
                  l.onProgress(percent);
                } catch (RuntimeException gone) {
                  return;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
              }
            },
            "calculator-progress");
    ticker.setDaemon(true);
    tickers.put(l, ticker);
    ticker.start();
  }

  @Override
  public void removeProgressListener(ProgressListener l) {
    tickers.remove(l);
  }
}
