package org.witrpc.it;

/**
 * A service that records which calls it executed, so that a test can tell, after a server died,
 * which of its calls ran and where: {@link RecordingServerMain} serves it and writes one line per
 * executed call to its stdout before it replies.
 */
public interface CallRecorder {
  /**
   * Records that the call carrying {@code id} ran on this server and returns {@code id}.
   *
   * @param id unique per call: a call executed twice shows as the same id twice
   */
  String run(String id);

  /** How many calls of {@link #run} this server executed. */
  long runs();
}
