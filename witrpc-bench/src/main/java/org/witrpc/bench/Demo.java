package org.witrpc.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.witrpc.Serializers;
import org.witrpc.process.WorkerProcess;

/**
 * The demo: this host process starts a worker JVM ({@link WorkerProcess}, {@link DemoWorker}) that
 * serves {@link DemoService}, and shows what witrpc does and how long it takes: small calls (cold,
 * then after a warm-up of at most 2 s), a bulk echo, an async call, and progress events from a long
 * computation. Then it stops the worker cleanly.
 *
 * <p>Options: {@code --transport mmf|pipe} (default {@code mmf}, also the system property {@code
 * witrpc.demo.transport}), {@code --serializer json|msgpack} (default {@code json}).
 *
 * <p>Thread safety: a main class; not meant to be shared.
 */
public final class Demo {
  private static final int SMALL_CALLS = 10_000;

  /**
   * The warm-up between the cold and the steady-state figure: enough calls for both JVMs to compile
   * the call path, bounded in time and in count so the demo stays short.
   */
  private static final long WARMUP_MAX_NANOS = TimeUnit.SECONDS.toNanos(2);

  private static final int WARMUP_MAX_CALLS = 300_000;
  private static final int BULK_BYTES = 16 << 20;
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final PrintStream out;
  private final String transport;
  private final String serializer;

  private Demo(PrintStream out, String transport, String serializer) {
    this.out = out;
    this.transport = transport;
    this.serializer = serializer;
  }

  /** Runs the demo; exits with 0 on success, 1 on failure. */
  public static void main(String[] args) throws Exception {
    String transport = System.getProperty("witrpc.demo.transport", "mmf");
    String serializer = "json";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--transport" -> transport = value(args, ++i);
        case "--serializer" -> serializer = value(args, ++i);
        default -> usage("unknown option " + args[i]);
      }
    }
    if (!List.of("mmf", "pipe").contains(transport)) {
      usage("transport must be mmf or pipe: " + transport);
    }
    if (!List.of("json", "msgpack").contains(serializer)) {
      usage("serializer must be json or msgpack: " + serializer);
    }
    show(System.out, transport, serializer);
  }

  /** Runs the demo, printing to {@code out}; throws if any step fails. */
  static void show(PrintStream out, String transport, String serializer) throws Exception {
    new Demo(out, transport, serializer).run();
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      usage("missing value for " + args[i - 1]);
    }
    return args[i];
  }

  private static void usage(String problem) {
    System.err.println(problem);
    System.err.println("usage: Demo [--transport mmf|pipe] [--serializer json|msgpack]");
    System.exit(2);
  }

  private void run() throws Exception {
    out.printf(
        "witrpc demo: host pid %d, transport %s, serializer %s%n", pid(), transport, serializer);
    long t0 = System.nanoTime();
    try (WorkerProcess<DemoService> worker =
        WorkerProcess.builder(DemoService.class)
            .name("demo-worker")
            .mainClass(DemoWorker.class)
            .jvmOptions("-Xmx1g")
            .transport(transport.equals("mmf") ? "mmf?size=8MiB" : "pipe")
            .serializer(
                serializer.equals("msgpack") ? Serializers.messagePack() : Serializers.json())
            .startTimeout(TIMEOUT)
            .callTimeout(TIMEOUT)
            .start()) {
      out.printf(
          "worker JVM pid %d serving on %s, connected (encrypted handshake done) after %s%n",
          worker.pid(), worker.address(), millis(since(t0)));
      DemoService service = worker.service();
      smallCalls(service);
      bulkEcho(service);
      asyncCall(service);
      progressEvents(service);
      long t1 = System.nanoTime();
      worker.stop(Duration.ofSeconds(10));
      int exit = worker.onExit().get(10, TimeUnit.SECONDS);
      out.printf("worker stopped and exited with code %d after %s%n", exit, millis(since(t1)));
    }
  }

  private void smallCalls(DemoService worker) {
    long t0 = System.nanoTime();
    int sum = worker.add(1, 2);
    out.printf("first call add(1, 2) = %d took %s%n", sum, millis(since(t0)));
    out.printf(
        "%,d more add calls, cold (neither JVM has compiled the call path yet): %s%n",
        SMALL_CALLS, addLatency(worker));
    long warmup = System.nanoTime();
    int warmupCalls = 0;
    while (warmupCalls < WARMUP_MAX_CALLS && since(warmup) < WARMUP_MAX_NANOS) {
      worker.add(warmupCalls++, 1);
    }
    out.printf(
        "%,d add calls after a warm-up of %,d calls in %s, steady state: %s%n",
        SMALL_CALLS, warmupCalls, millis(since(warmup)), addLatency(worker));
  }

  /** The median and p99 of {@link #SMALL_CALLS} add calls, one after the other. */
  private static String addLatency(DemoService worker) {
    long[] nanos = new long[SMALL_CALLS];
    for (int i = 0; i < SMALL_CALLS; i++) {
      long start = System.nanoTime();
      worker.add(i, 1);
      nanos[i] = System.nanoTime() - start;
    }
    Arrays.sort(nanos);
    return "median "
        + micros(nanos[SMALL_CALLS / 2])
        + ", p99 "
        + micros(nanos[SMALL_CALLS * 99 / 100]);
  }

  private void bulkEcho(DemoService worker) {
    byte[] data = new byte[BULK_BYTES];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31);
    }
    worker.echo(new byte[1024]); // warms the bulk path's code once
    long t0 = System.nanoTime();
    byte[] back = worker.echo(data);
    long elapsed = since(t0);
    if (!Arrays.equals(data, back)) {
      throw new IllegalStateException("the echoed array differs from the one sent");
    }
    out.printf(
        "echoed a 16 MiB byte[] in %s: %.0f MB/s (both directions counted), content verified%n",
        millis(elapsed), 2.0 * data.length / (elapsed / 1e9) / 1e6);
    if (serializer.equals("json")) {
      out.println("  (JSON carries a byte[] as Base64; --serializer msgpack sends it as it is)");
    }
  }

  private void asyncCall(DemoService worker) throws Exception {
    long t0 = System.nanoTime();
    CompletableFuture<String> future = worker.slowUpperCase("hello from the host", 200);
    long returned = since(t0);
    String result = future.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    out.printf(
        "async slowUpperCase returned its future after %s; it completed with \"%s\" after %s%n",
        millis(returned), result, millis(since(t0)));
  }

  private void progressEvents(DemoService worker) throws InterruptedException {
    int steps = 50;
    ProgressBar bar = new ProgressBar(out, 40);
    AtomicInteger events = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(1);
    DemoProgressListener listener =
        percent -> {
          events.incrementAndGet();
          bar.show(percent);
          if (percent == 100) {
            done.countDown();
          }
        };
    worker.addProgressListener(listener);
    out.println("counting primes below 5,000,000 in the worker, with progress events:");
    long t0 = System.nanoTime();
    long primes = worker.countPrimes(5_000_000, steps);
    long callTime = since(t0);
    boolean all = done.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    out.println();
    worker.removeProgressListener(listener);
    out.printf(
        "%,d primes found in %s; %d progress events received%s%n",
        primes, millis(callTime), events.get(), all ? "" : " (the 100% event did not arrive)");
  }

  private static long pid() {
    return ProcessHandle.current().pid();
  }

  private static long since(long start) {
    return System.nanoTime() - start;
  }

  private static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
  }

  private static String micros(long nanos) {
    return String.format(Locale.ROOT, "%.1f us", nanos / 1e3);
  }
}
