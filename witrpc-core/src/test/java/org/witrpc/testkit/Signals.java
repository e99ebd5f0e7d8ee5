package org.witrpc.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Sends POSIX signals to child processes with {@code kill -SIGNAL pid}, for tests of frozen ({@code
 * STOP} / {@code CONT}) peers.
 *
 * <p>Thread safety: stateless.
 */
public final class Signals {
  private Signals() {}

  /**
   * Freezes {@code pid}: sends {@code STOP} and returns once every thread of the process is
   * stopped. The signal stops a thread only when it next enters the kernel, so a thread that spins
   * (a shared-memory reader) may still answer a call or two after kill has ended. Also returns when
   * the process is gone meanwhile (killed by a supervisor that saw it frozen).
   */
  public static void stop(long pid) throws IOException, InterruptedException {
    send("STOP", pid);
    Await.until("every thread of process " + pid + " stopped", () -> allThreadsStopped(pid));
  }

  /** True if each thread of {@code pid} is in state T (stopped) in {@code /proc}. */
  private static boolean allThreadsStopped(long pid) {
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    if (!Files.isDirectory(tasks)) {
      return true; // the process is gone
    }
    try (Stream<Path> threads = Files.list(tasks)) {
      return threads.allMatch(
          thread -> {
            try {
              String stat = Files.readString(thread.resolve("stat"));
              // pid (comm) STATE ...: comm may hold spaces and parentheses, so from the last ')'
              char state = stat.charAt(stat.lastIndexOf(')') + 2);
              return state == 'T' || state == 't';
            } catch (IOException gone) {
              return true; // the thread ended meanwhile
            }
          });
    } catch (IOException e) {
      if (!Files.isDirectory(tasks)) {
        return true; // the process ended meanwhile
      }
      throw new UncheckedIOException("cannot read " + tasks, e);
    }
  }

  /** Sends {@code signal} (for example {@code STOP}) to {@code pid} and waits for kill to end. */
  public static void send(String signal, long pid) throws IOException, InterruptedException {
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
