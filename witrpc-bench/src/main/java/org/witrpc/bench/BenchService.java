package org.witrpc.bench;

/**
 * The service the benchmark calls: the smallest call, a string echo, a bulk echo, a burst of events
 * to subscribed listeners, and single timed events for the callback latency.
 *
 * <p>Thread safety: implementations must be thread-safe.
 */
public interface BenchService {
  /** {@code a + b}. */
  int add(int a, int b);

  /** Returns {@code text} unchanged. */
  String echo(String text);

  /** Returns {@code data} unchanged. */
  byte[] echoBytes(byte[] data);

  /** Sends {@code count} events (sequence 1 to count) to every listener; returns {@code count}. */
  int emit(int count);

  /**
   * Sends one {@link BenchListener#onTimedEvent} to every listener, each stamped with the server's
   * {@link System#nanoTime()} just before it is sent.
   */
  void fireTimedEvent();

  /**
   * Returns at once; then, on a thread of the server's own, waits at least {@code gapNanos} (0: not
   * at all) and sends {@code count} {@link BenchListener#onTimedEvent} to every listener back to
   * back, each stamped as by {@link #fireTimedEvent}. The gap lets the client's threads go idle
   * before the first event, as between the events of a real application.
   */
  void fireTimedEventsAfter(int count, long gapNanos);

  /** Subscribes {@code listener}. */
  void addBenchListener(BenchListener listener);

  /** Unsubscribes {@code listener}. */
  void removeBenchListener(BenchListener listener);
}
