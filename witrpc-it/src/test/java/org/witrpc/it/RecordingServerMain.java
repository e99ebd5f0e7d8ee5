package org.witrpc.it;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import org.witrpc.server.WitServer;

/**
 * A server process that serves {@link CallRecorder}: for each call of {@link CallRecorder#run} it
 * prints {@value #RAN}{@code id} on stdout, flushed to the operating system before the reply is
 * sent, so the record of a server killed with SIGKILL holds every call whose reply its client got.
 * Prints {@code READY <uri>} like {@link TestServerMain} (for {@code tcp://}, the bound port), and
 * runs until its stdin closes or it is terminated (a shutdown hook closes the server).
 *
 * <p>Arguments: {@code URI}.
 */
public final class RecordingServerMain {
  /** The start of the line printed for each executed call, followed by its id. */
  static final String RAN = "RAN ";

  private RecordingServerMain() {}

  /** Entry point; see the class comment for the argument. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: RecordingServerMain URI");
      System.exit(2);
    }
    String uri = args[0];
    TestServerMain.serveUntilStdinEnds(
        WitServer.builder().service(CallRecorder.class, new Recorder()).transport(uri).build(),
        uri);
  }

  /** Thread safety: safe for concurrent use; System.out prints each line whole. */
  private static final class Recorder implements CallRecorder {
    private final AtomicLong runs = new AtomicLong();

    @Override
    public String run(String id) {
      // in the operating system before the reply leaves: a SIGKILL after it cannot lose the line
      System.out.println(RAN + id);
      System.out.flush();
      runs.incrementAndGet();
      return id;
    }

    @Override
    public long runs() {
      return runs.get();
    }
  }
}
