package org.witrpc.it;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.witrpc.WitException;
import org.witrpc.client.ConnectionState;
import org.witrpc.client.ReconnectPolicy;
import org.witrpc.client.WitClient;
import org.witrpc.testkit.Await;
import org.witrpc.testkit.TestService;

/**
 * The client of {@link TcpContainerNetworkIT}, run as the main class of a JVM in a container:
 * connects with auto-reconnect to the URI in {@code args[0]}, runs {@link ContainerScenario} and
 * prints {@code SCENARIO PASS}; then prints {@code CALLING slowEcho} and makes a two-minute call,
 * during which the test cuts the server off the network. It prints {@code CALL FAILED <error>} when
 * that call fails, every state change as {@code STATE <state> [<cause>]}, {@code RECONNECTED} once
 * it is READY again, and {@code PASS} (exit 0) when a call and the events of a listener registered
 * before the partition work again; on any other outcome it prints {@code FAIL <error>} and exits 1.
 */
public final class PartitionClientMain {
  /** How long the network may stay cut plus how long reconnecting may take. */
  private static final Duration RECONNECT_BOUND = Duration.ofMinutes(2);

  private PartitionClientMain() {}

  /**
   * Runs the client.
   *
   * @param args the {@code tcp://} URI of the server
   */
  public static void main(String[] args) {
    try {
      run(args[0]);
      say("PASS");
    } catch (Throwable t) {
      say("FAIL " + t);
      t.printStackTrace(System.out);
      System.out.flush();
      Runtime.getRuntime().halt(1);
    }
    Runtime.getRuntime().halt(0);
  }

  private static void run(String uri) throws InterruptedException {
    AtomicInteger readies = new AtomicInteger();
    WitClient client =
        WitClient.builder()
            .transport(uri)
            .serializer(ContainerScenario.serializer())
            .timeout(ContainerScenario.CALL_TIMEOUT)
            .autoReconnect(
                ReconnectPolicy.exponential(Duration.ofMillis(50), Duration.ofMillis(500)))
            .build();
    client.onStateChange(
        (from, to, cause) -> {
          if (to == ConnectionState.READY) {
            readies.incrementAndGet();
          }
          say("STATE " + to + cause.map(c -> " " + withCauses(c)).orElse(""));
        });
    try (client) {
      client.connect(Duration.ofSeconds(20));
      TestService service = client.service(TestService.class);
      ContainerScenario.run(service);
      say("SCENARIO PASS");

      List<String> events = new CopyOnWriteArrayList<>();
      service.addProgressListener((percent, stage) -> events.add(stage + percent));
      int readyBefore = readies.get();
      say("CALLING slowEcho");
      try {
        service.slowEcho("across the partition", 120_000);
        throw new AssertionError("the call across the partition returned");
      } catch (WitException e) {
        say("CALL FAILED " + withCauses(e));
      }

      Await.until("READY again", RECONNECT_BOUND, () -> readies.get() > readyBefore);
      say("RECONNECTED");
      String echoed = service.echo("after the partition");
      if (!"after the partition".equals(echoed)) {
        throw new AssertionError("echo after the partition returned " + echoed);
      }
      service.startProcessing(2, "a");
      Await.until("2 events after the partition", Duration.ofSeconds(20), () -> events.size() >= 2);
      if (!events.equals(List.of("a1", "a2"))) {
        throw new AssertionError("events after the partition: " + events);
      }
    }
  }

  /** {@code t} and its causes, as {@code t <- cause <- ...}: the reason is often in a cause. */
  private static String withCauses(Throwable t) {
    StringBuilder s = new StringBuilder(t.toString());
    for (Throwable c = t.getCause(); c != null && c != t; c = c.getCause()) {
      s.append(" <- ").append(c);
    }
    return s.toString();
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
