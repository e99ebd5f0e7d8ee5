package org.witrpc.testkit;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Copies what is written to {@code System.err} (where the tests' slf4j-simple logs) while open, and
 * still passes it through. For tests that assert a log line.
 *
 * <p>Thread safety: any thread may log meanwhile; {@link #awaitContains} may be called from any.
 */
public final class StderrCapture implements AutoCloseable {
  private final PrintStream original = System.err;
  private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

  private StderrCapture() {
    PrintStream tee =
        new PrintStream(
            new java.io.OutputStream() {
              @Override
              public void write(int b) {
                synchronized (copy) {
                  copy.write(b);
                }
                original.write(b);
              }

              @Override
              public void write(byte[] b, int off, int len) {
                synchronized (copy) {
                  copy.write(b, off, len);
                }
                original.write(b, off, len);
              }
            },
            true,
            StandardCharsets.UTF_8);
    System.setErr(tee);
  }

  /** Starts capturing. */
  public static StderrCapture start() {
    return new StderrCapture();
  }

  /** Everything captured so far. */
  public String text() {
    synchronized (copy) {
      return copy.toString(StandardCharsets.UTF_8);
    }
  }

  /** Waits (polling, bounded by {@code timeout}) until the captured text contains {@code part}. */
  public boolean awaitContains(String part, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!text().contains(part)) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    return true;
  }

  @Override
  public void close() {
    System.setErr(original);
  }
}
