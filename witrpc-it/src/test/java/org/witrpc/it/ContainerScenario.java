package org.witrpc.it;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.witrpc.Serializers;
import org.witrpc.client.WitClient;
import org.witrpc.spi.Serializer;
import org.witrpc.testkit.ProgressListener;
import org.witrpc.testkit.PropertyChangedListener;
import org.witrpc.testkit.TestService;

/**
 * What a client does across the container boundary, on whichever side the client runs: plain calls,
 * events (callbacks from the server) and a 64 MiB payload. Both the host-side tests and {@link
 * ContainerClientMain} run it, so the two directions check the same things.
 *
 * <p>Thread safety: stateless.
 */
final class ContainerScenario {
  /** The payload size the issue asks for. */
  static final int PAYLOAD_BYTES = 64 * 1024 * 1024;

  /** Calls that move 64 MiB need more than the default 30 s on a busy 2-core machine. */
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

  private static final long EVENT_WAIT_SECONDS = 20;

  private ContainerScenario() {}

  /** The serializer both sides use; MessagePack carries byte[] without base64. */
  static Serializer serializer() {
    return Serializers.messagePack();
  }

  /** The transport URI of {@code name}: {@code mmf://} with 8 MiB rings, or {@code pipe://}. */
  static String uri(String transport, String name) {
    switch (transport) {
      case "mmf":
        return "mmf://" + name + "?size=8MiB";
      case "pipe":
        return "pipe://" + name;
      default:
        throw new IllegalArgumentException("unknown transport " + transport);
    }
  }

  /** A client of {@code uri} with the suite's serializer and timeout, connected. */
  static WitClient connect(String uri) {
    return WitClient.builder()
        .transport(uri)
        .serializer(serializer())
        .timeout(CALL_TIMEOUT)
        .build()
        .connect(Duration.ofSeconds(20));
  }

  /**
   * Runs the calls, events and payload checks against {@code service}.
   *
   * @throws AssertionError naming the first check that failed
   */
  static void run(TestService service) throws InterruptedException {
    String text = "h\u00e9llo \u00fcber die Grenze \u2713";
    String echoed = service.echo(text);
    check("echo of " + text + " returned " + echoed, text.equals(echoed));
    check("echo(int)", service.echo(42) == 42);
    check("shout", "HI!".equals(service.shout("hi")));

    List<String> changes = new CopyOnWriteArrayList<>();
    CountDownLatch changed = new CountDownLatch(1);
    PropertyChangedListener names =
        (property, value) -> {
          changes.add(property + "=" + value);
          changed.countDown();
        };
    service.addPropertyChangedListener(names);
    service.setName("sidecar");
    check("property event arrives", changed.await(EVENT_WAIT_SECONDS, TimeUnit.SECONDS));
    check("property event is name=sidecar " + changes, changes.equals(List.of("name=sidecar")));
    service.removePropertyChangedListener(names);

    List<String> progress = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(5);
    ProgressListener steps =
        (percent, stage) -> {
          progress.add(stage + percent);
          done.countDown();
        };
    service.addProgressListener(steps);
    service.startProcessing(5, "p");
    check("5 progress events arrive", done.await(EVENT_WAIT_SECONDS, TimeUnit.SECONDS));
    check("progress in order " + progress, progress.equals(List.of("p1", "p2", "p3", "p4", "p5")));
    service.removeProgressListener(steps);
    check("listener removed", service.progressListenerCount() == 0);

    byte[] payload = payload();
    byte[] back = service.echoBytes(payload);
    check(
        "64 MiB payload round trip (got " + (back == null ? "null" : back.length) + " bytes)",
        Arrays.equals(payload, back));
  }

  /** {@link #PAYLOAD_BYTES} bytes of a pattern that catches shifted or repeated chunks. */
  static byte[] payload() {
    byte[] b = new byte[PAYLOAD_BYTES];
    long x = 0x9E3779B97F4A7C15L;
    for (int i = 0; i < b.length; i++) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      b[i] = (byte) x;
    }
    return b;
  }

  private static void check(String what, boolean ok) {
    if (!ok) {
      throw new AssertionError("check failed: " + what);
    }
  }
}
