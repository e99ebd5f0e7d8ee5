package org.witrpc.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Reads a process's stdout or stderr on a daemon thread of its own, as fast as the process writes
 * it, and hands each line (at most {@link WorkerOutput#MAX_LINE_CHARS} characters; a longer one in
 * pieces) to a sink. It stops at the end of the stream, after handing over a last unterminated
 * line, so nothing the process printed before it exited is lost.
 *
 * <p>Thread safety: started once; {@link #awaitEnd} may be called from any thread.
 */
final class OutputPump {
  private final Thread thread;

  private OutputPump(InputStream in, Consumer<String> sink, String threadName) {
    this.thread = new Thread(() -> pump(in, sink), threadName);
    thread.setDaemon(true);
  }

  /** Starts reading {@code in} on a daemon thread named {@code threadName}. */
  static OutputPump start(InputStream in, Consumer<String> sink, String threadName) {
    OutputPump pump = new OutputPump(in, sink, threadName);
    pump.thread.start();
    return pump;
  }

  /** Waits up to {@code millis} for the end of the stream; true if it was reached. */
  boolean awaitEnd(long millis) throws InterruptedException {
    thread.join(Math.max(1, millis));
    return !thread.isAlive();
  }

  private static void pump(InputStream in, Consumer<String> sink) {
    StringBuilder line = new StringBuilder();
    char[] buffer = new char[8192];
    try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      for (int n = reader.read(buffer); n >= 0; n = reader.read(buffer)) {
        for (int i = 0; i < n; i++) {
          char c = buffer[i];
          if (c == '\n') {
            emit(line, sink);
          } else if (c != '\r') {
            line.append(c);
            if (line.length() == WorkerOutput.MAX_LINE_CHARS) {
              emit(line, sink);
            }
          }
        }
      }
    } catch (IOException e) {
      // the stream was closed under us (the host is stopping): what was read is handed over below
    } finally {
      if (line.length() > 0) {
        emit(line, sink);
      }
    }
  }

  private static void emit(StringBuilder line, Consumer<String> sink) {
    try {
      sink.accept(line.toString());
    } catch (RuntimeException e) {
      // a failing log backend must not stop the reading, or the worker would block on its pipe
    }
    line.setLength(0);
  }
}
