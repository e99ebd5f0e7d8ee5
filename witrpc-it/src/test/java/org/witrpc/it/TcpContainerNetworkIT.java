package org.witrpc.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.ContainerNetwork;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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
 * {@code tcp://} with mutual TLS across a real network: a server container and a client container
 * (both {@link ContainerJre}: this machine's JDK, no image from a registry) on a Docker bridge
 * network that the test creates as internal (no route out of the machine), the client addressing
 * the server by its address on that network. The client runs calls, events and a 64 MiB payload
 * ({@link ContainerScenario}); then, while a call is in progress, the test disconnects the server
 * container from the network (a partition: no end of stream reaches the client) and reconnects it
 * with the same address. The client ({@link PartitionClientMain}) must fail the call and report the
 * dead connection through the heartbeat (500 ms x 3), and reconnect by itself.
 *
 * <p>Skipped with a message where Docker is not available, but failing in CI ({@link
 * ContainerDockerCondition}). The containers and the network are removed after the test, even when
 * it fails.
 */
@ExtendWith(ContainerDockerCondition.class)
class TcpContainerNetworkIT {
  private static final String HEARTBEAT = "heartbeat=500ms&heartbeatMisses=3";
  private static final int PORT = 7443;
  private static final Duration START = Duration.ofSeconds(60);

  /**
   * The heartbeat takes a silent peer for dead after 1.5 s (500 ms x 3); the rest is slack for a
   * busy 2-core machine. Without heartbeats the call would wait for its 60 s timeout, and TCP
   * itself for minutes.
   */
  private static final Duration DETECTION_BOUND = Duration.ofSeconds(10);

  private final Closer closer = new Closer();

  @AfterEach
  void cleanUp() throws Exception {
    closer.closeAll();
  }

  @Test
  void callsEventsAndTlsCrossTheNetworkAndAPartitionIsDetectedAndHealed() throws Exception {
    DockerClient docker = DockerClientFactory.instance().client();
    String subnet = freeSubnet(docker);
    Network network =
        track(
            Network.builder()
                .createNetworkCmdModifier(
                    cmd ->
                        cmd.withInternal(true)
                            .withIpam(
                                new com.github.dockerjava.api.model.Network.Ipam()
                                    .withConfig(
                                        new com.github.dockerjava.api.model.Network.Ipam.Config()
                                            .withSubnet(subnet))))
                .build());
    String serverIp = hostOf(subnet, 10);
    ItCertificates certificates = ItCertificates.make(Path.of("target"), serverIp);

    GenericContainer<?> server =
        onNetwork(
                ContainerJre.jvm(
                    ContainerServerMain.class,
                    "tcp://0.0.0.0:" + PORT + "?" + certificates.serverOptions() + "&" + HEARTBEAT),
                network,
                certificates)
            .withCreateContainerCmdModifier(cmd -> cmd.withIpv4Address(serverIp))
            .withLogConsumer(log("server"))
            .waitingFor(Wait.forLogMessage(".*READY.*\\n", 1).withStartupTimeout(START));
    track(server::stop);
    server.start();
    WaitingConsumer serverOutput = new WaitingConsumer();
    server.followOutput(serverOutput, OutputFrame.OutputType.STDOUT);

    String clientUri =
        "tcp://" + serverIp + ":" + PORT + "?" + certificates.clientOptions() + "&" + HEARTBEAT;
    GenericContainer<?> client =
        onNetwork(ContainerJre.jvm(PartitionClientMain.class, clientUri), network, certificates)
            .withLogConsumer(log("client"))
            .withStartupCheckStrategy(new StartedIsEnough());
    track(client::stop);
    client.start();
    WaitingConsumer clientOutput = new WaitingConsumer();
    client.followOutput(clientOutput, OutputFrame.OutputType.STDOUT);

    clientOutput.waitUntil(f -> f.getUtf8String().contains("SCENARIO PASS"), 3, TimeUnit.MINUTES);
    serverOutput.waitUntil(f -> f.getUtf8String().contains("CALL slowEcho"), 30, TimeUnit.SECONDS);
    long cut = System.nanoTime();
    docker
        .disconnectFromNetworkCmd()
        .withNetworkId(network.getId())
        .withContainerId(server.getContainerId())
        .withForce(true)
        .exec();
    clientOutput.waitUntil(f -> f.getUtf8String().contains("CALL FAILED"), 30, TimeUnit.SECONDS);
    Duration detected = Duration.ofNanos(System.nanoTime() - cut);
    System.out.println(
        "partition: the client failed the call after " + detected.toMillis() + " ms");
    docker
        .connectToNetworkCmd()
        .withNetworkId(network.getId())
        .withContainerId(server.getContainerId())
        .withContainerNetwork(
            new ContainerNetwork()
                .withIpamConfig(new ContainerNetwork.Ipam().withIpv4Address(serverIp)))
        .exec();
    int exit =
        docker
            .waitContainerCmd(client.getContainerId())
            .start()
            .awaitStatusCode(TimeUnit.MINUTES.toSeconds(3), TimeUnit.SECONDS);

    String logs = client.getLogs();
    assertThat(exit).as(logs).isZero();
    assertThat(logs).contains("SCENARIO PASS", "RECONNECTED", "PASS");
    String failed = lineStartingWith(logs, "CALL FAILED");
    assertThat(failed)
        .startsWith("CALL FAILED org.witrpc.WitTransportException")
        .doesNotContain("Timeout")
        .contains("the peer went silent");
    assertThat(lineStartingWith(logs, "STATE RECONNECTING")).contains("went silent");
    assertThat(detected).as("from the partition to the failed call").isLessThan(DETECTION_BOUND);
  }

  // ---------------------------------------------------------------------------------------------

  /** {@code c} on {@code network} instead of no network, with the certificates mounted. */
  private static GenericContainer<?> onNetwork(
      GenericContainer<?> c, Network network, ItCertificates certificates) {
    String directory = certificates.directory().toString();
    ContainerJre.bind(c, directory, directory, AccessMode.ro);
    return c.withNetworkMode(null).withNetwork(network);
  }

  /**
   * A subnet that Docker has free: the one it picks for a probe network (removed at once). The
   * test's network names it explicitly, so that the server keeps its address when it is connected
   * again.
   */
  private static String freeSubnet(DockerClient docker) {
    String probe =
        docker
            .createNetworkCmd()
            .withName("witrpc-it-probe-" + ProcessHandle.current().pid())
            .withInternal(true)
            .exec()
            .getId();
    try {
      return docker
          .inspectNetworkCmd()
          .withNetworkId(probe)
          .exec()
          .getIpam()
          .getConfig()
          .get(0)
          .getSubnet();
    } finally {
      docker.removeNetworkCmd(probe).exec();
    }
  }

  /** The IPv4 address {@code host} of {@code subnet} ({@code A.B.C.D/N}, N at most 24). */
  private static String hostOf(String subnet, int host) throws Exception {
    byte[] address = InetAddress.getByName(subnet.substring(0, subnet.indexOf('/'))).getAddress();
    address[3] = (byte) host;
    return InetAddress.getByAddress(address).getHostAddress();
  }

  private static String lineStartingWith(String logs, String prefix) {
    return logs.lines()
        .filter(l -> l.startsWith(prefix))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no line '" + prefix + "' in\n" + logs));
  }

  private <T extends AutoCloseable> T track(T closeable) {
    return closer.track(closeable);
  }

  private static Consumer<OutputFrame> log(String who) {
    return frame -> System.out.print("[" + who + "] " + frame.getUtf8String());
  }
}
