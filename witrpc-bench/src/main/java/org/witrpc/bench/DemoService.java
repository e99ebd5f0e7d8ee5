package org.witrpc.bench;

import java.util.concurrent.CompletableFuture;

/**
 * What the demo's worker process offers the host: a small call, a bulk echo, an async call and a
 * long computation that reports progress to subscribed listeners.
 *
 * <p>Thread safety: implementations must be thread-safe (the server calls them from many threads).
 */
public interface DemoService {
  /** Adds two numbers: the smallest possible call. */
  int add(int a, int b);

  /** Returns {@code data} unchanged: a bulk transfer both ways. */
  byte[] echo(byte[] data);

  /** Completes with {@code text} in upper case after {@code delayMillis}, without blocking. */
  CompletableFuture<String> slowUpperCase(String text, int delayMillis);

  /**
   * Counts the primes below {@code limit} in {@code steps} slices, reporting the percentage done to
   * every progress listener after each slice.
   */
  long countPrimes(int limit, int steps);

  /** Subscribes {@code listener} to progress events. */
  void addProgressListener(DemoProgressListener listener);

  /** Unsubscribes {@code listener}. */
  void removeProgressListener(DemoProgressListener listener);
}
