package org.witrpc.it;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Sends POSIX signals to child processes with {@code kill -SIGNAL pid}, for tests of frozen ({@code
 * STOP} / {@code CONT}) peers.
 *
 * <p>Thread safety: stateless.
 */
final class Signals {
  private Signals() {}

  /** Sends {@code signal} (for example {@code STOP}) to {@code pid} and waits for kill to end. */
  static void send(String signal, long pid) throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!kill.waitFor(10, TimeUnit.SECONDS)) {
      kill.destroyForcibly();
      throw new IOException("kill -" + signal + " " + pid + " did not finish");
    }
    if (kill.exitValue() != 0) {
      throw new IOException("kill -" + signal + " " + pid + " exited with " + kill.exitValue());
    }
  }
}
