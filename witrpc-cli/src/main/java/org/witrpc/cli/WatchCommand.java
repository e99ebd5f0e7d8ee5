package org.witrpc.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.witrpc.client.ConnectionState;
import org.witrpc.client.DynamicSubscription;
import org.witrpc.client.WitClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code witrpc watch URI Service.addXxxListener}: a listener's events as JSON lines. */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description = {
      "Subscribe to a listener and print its events as JSON lines,"
          + " {\"event\":\"onProgress\",\"args\":[50]}, until Ctrl-C, --count or --duration.",
      "Example: witrpc watch pipe://calc Calculator.addProgressListener --count 3"
    })
final class WatchCommand extends RemoteCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Parameters(
      index = "1",
      paramLabel = "SERVICE.ADDMETHOD",
      description = "The listener's add method, for example Calculator.addProgressListener.")
  String method;

  @Option(names = "--count", paramLabel = "N", description = "Stop after N events.")
  Integer count;

  @Option(
      names = "--duration",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Stop after this long: 30s, 5m, at most " + DurationConverter.MAX_TEXT + ".")
  Duration duration;

  @Override
  public Integer call() throws InterruptedException {
    if (count != null && count < 1) {
      throw new CliFailure(ExitCode.USAGE, "--count must be at least 1, not " + count);
    }
    MethodRef ref = MethodRef.parse(method);
    PrintWriter out = out();
    CountDownLatch done = new CountDownLatch(1);
    AtomicInteger seen = new AtomicInteger();
    AtomicReference<Throwable> lost = new AtomicReference<>();
    try (WitClient client = connect()) {
      client.onStateChange(
          (previous, current, cause) -> {
            if (current != ConnectionState.READY && current != ConnectionState.CLOSED) {
              lost.compareAndSet(null, cause.orElse(null));
              done.countDown();
            }
          });
      Reflection reflection = new Reflection(uri, client.dynamic());
      reflection.describe(
          "watch reads a listener's events through it, by name or by key alike"); // exit 6 if off
      String service = reflection.serviceName(ref.service(), !ref.isQualified());
      DynamicSubscription subscription =
          client
              .dynamic()
              .subscribe(
                  service,
                  ref.method(),
                  (event, args) -> {
                    if (done.getCount() == 0) {
                      return; // past --count
                    }
                    ObjectNode line = JSON.createObjectNode();
                    line.put("event", event);
                    line.set("args", args);
                    out.println(line.toString());
                    out.flush();
                    if (count != null && seen.incrementAndGet() >= count) {
                      done.countDown();
                    }
                  });
      try {
        await(done);
        if (lost.get() != null || !client.isConnected()) {
          throw new CliFailure(
              ExitCode.CANNOT_CONNECT,
              "lost the connection to "
                  + uri
                  + Optional.ofNullable(lost.get()).map(e -> ": " + ExitCode.oneLine(e)).orElse("")
                  + " (`witrpc list` shows whether it still runs)");
        }
      } finally {
        subscription.close();
      }
      return ExitCode.OK;
    }
  }

  private void await(CountDownLatch done) throws InterruptedException {
    if (duration == null) {
      done.await();
    } else {
      done.await(duration.toMillis(), TimeUnit.MILLISECONDS);
    }
  }
}
