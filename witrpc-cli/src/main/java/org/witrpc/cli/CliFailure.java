package org.witrpc.cli;

/**
 * A failure the tool explains itself: its message is the one line printed, its code the exit code.
 */
final class CliFailure extends RuntimeException {
  private final int exitCode;

  CliFailure(int exitCode, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
