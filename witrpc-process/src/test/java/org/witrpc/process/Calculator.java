package org.witrpc.process;

import org.witrpc.Idempotent;

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
}
