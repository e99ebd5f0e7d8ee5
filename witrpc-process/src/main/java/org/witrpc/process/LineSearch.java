package org.witrpc.process;

import java.io.IOException;
import java.util.Optional;

/**
 * A search for the first stdout line of a child that starts with a prefix, for {@link
 * ChildProcess#awaitLine}: it sees the lines kept from before it began, then every line that comes
 * while it runs, each line once.
 *
 * <p>Thread safety: {@link #poll} is called by one thread at a time; {@link #close} by that thread.
 */
interface LineSearch extends AutoCloseable {

  /**
   * The line found so far, if any.
   *
   * @param ended true once the child has exited and its output is read to the end: a last line
   *     without its line end counts then (before, it may still grow)
   */
  Optional<String> poll(boolean ended) throws IOException;

  /** Ends the search. Idempotent. */
  @Override
  void close();
}
