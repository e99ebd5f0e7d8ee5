package org.witrpc.process;

import java.util.concurrent.CompletableFuture;

/** The service of {@link BlockerWorker}: methods that block until interrupted, and probes. */
public interface Blocker {
  /** Waits (up to a minute) until interrupted; records how it ended under {@code id}. */
  String block(String id);

  /** As {@link #block}, on the server's thread, before returning a completed future. */
  CompletableFuture<String> blockAsync(String id);

  /** Waits up to {@code millis} until call {@code id} has started; whether it has. */
  boolean awaitStarted(String id, long millis);

  /**
   * Waits up to {@code millis} until call {@code id} has ended; how it ended ({@code "interrupted,
   * cancelled=true"}, {@code "not interrupted"}) or {@code "running"}.
   */
  String awaitEnding(String id, long millis);

  /** The wall-clock time, in microseconds since the epoch, at which call {@code id} ended. */
  long endedAtEpochMicros(String id);

  /** The worker's process id. */
  long pid();
}
