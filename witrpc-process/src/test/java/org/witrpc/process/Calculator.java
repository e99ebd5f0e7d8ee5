package org.witrpc.process;

import java.util.concurrent.CompletableFuture;
import org.witrpc.Idempotent;
import org.witrpc.Listener;

/** The service of the test workers. */
public interface Calculator {
  int add(int a, int b);

  /** The worker's process id. */
  long pid();

  /** Records {@code id} in the file named by the worker's {@code CALLS_FILE} and returns it. */
  int record(int id);

  /** Sleeps {@code millis}, then does what {@link #record} does; marked idempotent. */
  @Idempotent
  int recordAfter(int id, long millis);

  /** Sleeps {@code millis}, then returns the worker's pid. */
  long sleep(long millis);

  /** {@link #recordAfter}, answered through a future. */
  @Idempotent
  CompletableFuture<Integer> recordAfterAsync(int id, long millis);

  void addPidListener(PidListener listener);

  void removePidListener(PidListener listener);

  /** Tells each listener this worker's pid; returns how many it told. */
  int announcePid();

  /** Receives a worker's pid. */
  @Listener
  interface PidListener {
    void onPid(long pid);
  }
}
