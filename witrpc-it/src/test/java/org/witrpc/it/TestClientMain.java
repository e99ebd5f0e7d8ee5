package org.witrpc.it;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.witrpc.client.WitClient;
import org.witrpc.testkit.ComplexNumber;
import org.witrpc.testkit.TestService;

/**
 * A client process for the cross-process tests: connects, then each of its threads makes {@code
 * CALLS} pairs of calls whose results are specific to this client and thread (an echo of {@code
 * CLIENT_ID-thread-i} and of a record carrying the same numbers), and checks every reply. Prints
 * {@code OK <calls made>} and exits 0, or prints {@code FAIL <reason>} and exits 1.
 *
 * <p>Arguments: {@code URI json|msgpack CLIENT_ID CALLS [THREADS]} (one thread by default). The
 * optional system properties {@link TestServerMain#ENCRYPTION} and {@link
 * TestServerMain#ACCESS_TOKEN} set encryption and the access token, as for the server.
 */
public final class TestClientMain {
  private TestClientMain() {}

  /** Entry point; see the class comment for the arguments. */
  public static void main(String[] args) {
    if (args.length < 4 || args.length > 5) {
      System.err.println("usage: TestClientMain URI json|msgpack CLIENT_ID CALLS [THREADS]");
      System.exit(2);
    }
    String clientId = args[2];
    int calls = Integer.parseInt(args[3]);
    int threads = args.length == 5 ? Integer.parseInt(args[4]) : 1;
    int exit;
    long start = System.nanoTime();
    WitClient.Builder builder =
        WitClient.builder()
            .transport(args[0])
            .serializer(ItSerializers.byName(args[1]))
            .timeout(Duration.ofSeconds(60))
            .encryption(Boolean.getBoolean(TestServerMain.ENCRYPTION));
    String token = System.getProperty(TestServerMain.ACCESS_TOKEN);
    if (token != null) {
      builder.accessToken(token);
    }
    try (WitClient client = builder.build().connect(Duration.ofSeconds(10))) {
      long connected = System.nanoTime();
      TestService service = client.service(TestService.class);
      long made = run(service, clientId, calls, threads);
      System.err.printf(
          "%s: JVM up %d ms, connect %d ms, %d calls %d ms%n",
          clientId,
          ProcessHandle.current()
              .info()
              .startInstant()
              .map(TestClientMain::millisSince)
              .orElse(-1L),
          (connected - start) / 1_000_000,
          made,
          (System.nanoTime() - connected) / 1_000_000);
      System.out.println("OK " + made);
      exit = 0;
    } catch (Throwable t) {
      System.out.println("FAIL " + t);
      t.printStackTrace();
      exit = 1;
    }
    System.out.flush();
    System.exit(exit);
  }

  private static long millisSince(Instant instant) {
    return Duration.between(instant, Instant.now()).toMillis();
  }

  private static long run(TestService service, String clientId, int calls, int threads)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Long>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        results.add(pool.submit(() -> callAndCheck(service, clientId, thread, calls)));
      }
      long made = 0;
      for (Future<Long> r : results) {
        made += r.get(5, TimeUnit.MINUTES);
      }
      return made;
    } finally {
      pool.shutdownNow();
    }
  }

  private static long callAndCheck(TestService service, String clientId, int thread, int calls) {
    long made = 0;
    double tag = clientId.hashCode() + thread / 100.0;
    for (int i = 0; i < calls; i++) {
      String expected = clientId + "-" + thread + "-" + i;
      String got = service.echo(expected);
      if (!expected.equals(got)) {
        throw new IllegalStateException("echo of '" + expected + "' returned '" + got + "'");
      }
      ComplexNumber<Integer, Double> value = new ComplexNumber<>(i, tag);
      ComplexNumber<Integer, Double> echoed = service.echoComplex(value);
      if (!value.equals(echoed)) {
        throw new IllegalStateException("echo of " + value + " returned " + echoed);
      }
      made += 2;
    }
    return made;
  }
}
