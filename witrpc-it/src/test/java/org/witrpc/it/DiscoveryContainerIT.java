package org.witrpc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.output.WaitingConsumer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * Network discovery over real multicast sockets, kept inside containers: a listener container
 * ({@link DiscoveryListenerMain}) on a Docker bridge network that the test creates as internal (no
 * route out of the machine), and announcing server containers ({@link DiscoveryServerMain}) that
 * share the listener's network namespace, all {@link ContainerJre} (this machine's JDK, no image
 * from a registry). The servers announce with TTL 1 through {@code eth0}; the listener, joined to
 * the group on its {@code eth0}, hears them through the kernel's multicast loopback. The datagrams
 * that leave {@code eth0} end at the bridge: Docker's rule for internal networks drops packets
 * whose destination is outside the network's subnet, multicast included. (That rule is also why the
 * servers cannot sit in containers of their own: the bridge would drop their announcements; and
 * this kernel has no macvlan for a bridge without those rules.) No datagram is sent on this
 * machine's own interfaces.
 *
 * <p>The listener hears a server's HELLO, connects to the URI it heard (the server announced {@code
 * tcp://0.0.0.0:7000}; the listener replaces the wildcard with the sender's address) and calls it;
 * a server stopped gracefully says GOODBYE and is forgotten at once (well within its 16 s
 * time-to-live); a server killed with SIGKILL says nothing and is forgotten when its time-to-live
 * (3 x 500 ms + 1 s) runs out.
 *
 * <p>Skipped with a message where Docker is not available, but failing in CI ({@link
 * ContainerDockerCondition}). Containers and network are removed after the test.
 */
@ExtendWith(ContainerDockerCondition.class)
class DiscoveryContainerIT {
  private static final Duration START = Duration.ofSeconds(60);

  private final Closer closer = new Closer();

  @AfterEach
  void cleanUp() throws Exception {
    closer.closeAll();
  }

  @Test
  void serversAreHeardCalledAndForgottenOnGoodbyeOrSilence() throws Exception {
    Network network =
        closer.track(
            Network.builder().createNetworkCmdModifier(cmd -> cmd.withInternal(true)).build());
    assertThat(
            DockerClientFactory.instance()
                .client()
                .inspectNetworkCmd()
                .withNetworkId(network.getId())
                .exec()
                .getInternal())
        .as("the test network has no route out")
        .isTrue();

    GenericContainer<?> listener =
        onNetwork(ContainerJre.jvm(DiscoveryListenerMain.class, "eth0", "150"), network)
            .withLogConsumer(log("listener"))
            .waitingFor(Wait.forLogMessage(".*LISTENING.*\\n", 1).withStartupTimeout(START));
    closer.track(listener::stop);
    listener.start();
    WaitingConsumer heard = new WaitingConsumer();
    listener.followOutput(heard, OutputFrame.OutputType.STDOUT);

    // A server stopped gracefully: heard, called, then forgotten through its GOODBYE.
    String listenerIp = ipOf(listener, network);
    GenericContainer<?> orders = server("orders", 7000, 5_000, listener);
    awaitOutput(listener, heard, 60, "CALLED ");
    String heardLine = line(listener.getLogs(), "HEARD ");
    assertThat(heardLine)
        .contains(" orders tcp://" + listenerIp + ":7000")
        .contains("[org.witrpc.testkit.TestService]");
    String id = heardLine.split(" ")[1];
    assertThat(line(listener.getLogs(), "CALLED " + id)).endsWith(" over the network");
    long stopped = System.nanoTime();
    stopGracefully(orders);
    awaitOutput(listener, heard, 30, "GONE " + id);
    Duration forgotten = Duration.ofNanos(System.nanoTime() - stopped);
    System.out.println("goodbye: forgotten " + forgotten.toMillis() + " ms after the stop");
    assertThat(forgotten)
        .as("a GOODBYE, not the 16 s time-to-live (3 x 5 s + 1 s)")
        .isLessThan(Duration.ofSeconds(12));

    // A server killed: forgotten when its time-to-live runs out.
    GenericContainer<?> stock = server("stock", 7001, 500, listener);
    awaitOutput(listener, heard, 60, "HEARD ", " stock ");
    String stockId = line(listener.getLogs(), "HEARD ", " stock ").split(" ")[1];
    awaitOutput(listener, heard, 60, "CALLED " + stockId);
    assertThat(line(listener.getLogs(), "CALLED " + stockId)).endsWith(" over the network");
    DockerClientFactory.instance()
        .client()
        .killContainerCmd(stock.getContainerId())
        .withSignal("KILL")
        .exec();
    awaitOutput(listener, heard, 30, "GONE " + stockId);
  }

  /** A server on {@code port} announcing every {@code intervalMillis}, in the listener's netns. */
  private GenericContainer<?> server(
      String name, int port, long intervalMillis, GenericContainer<?> listener) {
    GenericContainer<?> c =
        ContainerJre.jvm(
                DiscoveryServerMain.class,
                name,
                "tcp://0.0.0.0:" + port + "?insecure=true",
                Long.toString(intervalMillis),
                "eth0")
            .withNetworkMode("container:" + listener.getContainerId())
            .withLogConsumer(log(name))
            .waitingFor(Wait.forLogMessage(".*READY.*\\n", 1).withStartupTimeout(START));
    closer.track(c::stop);
    c.start();
    return c;
  }

  private static void stopGracefully(GenericContainer<?> c) {
    DockerClientFactory.instance()
        .client()
        .stopContainerCmd(c.getContainerId())
        .withTimeout(20)
        .exec();
  }

  private static String ipOf(GenericContainer<?> c, Network network) {
    return c.getContainerInfo().getNetworkSettings().getNetworks().values().stream()
        .filter(n -> network.getId().equals(n.getNetworkID()))
        .findFirst()
        .orElseThrow()
        .getIpAddress();
  }

  /**
   * Waits up to {@code seconds} for a line of the container's output holding every one of {@code
   * parts}: already printed (its logs) or printed from now on ({@code output}).
   */
  private static void awaitOutput(
      GenericContainer<?> c, WaitingConsumer output, int seconds, String... parts)
      throws TimeoutException {
    Predicate<String> match =
        text -> text.lines().anyMatch(l -> Arrays.stream(parts).allMatch(l::contains));
    if (!match.test(c.getLogs())) {
      output.waitUntil(f -> match.test(f.getUtf8String()), seconds, TimeUnit.SECONDS);
    }
  }

  private static GenericContainer<?> onNetwork(GenericContainer<?> c, Network network) {
    return c.withNetworkMode(null).withNetwork(network);
  }

  private static String line(String logs, String... parts) {
    return logs.lines()
        .filter(l -> l.startsWith(parts[0]))
        .filter(l -> Arrays.stream(parts).allMatch(l::contains))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no line with " + String.join(",", parts) + " in\n" + logs));
  }

  private static Consumer<OutputFrame> log(String who) {
    return frame -> System.out.print("[" + who + "] " + frame.getUtf8String());
  }
}
