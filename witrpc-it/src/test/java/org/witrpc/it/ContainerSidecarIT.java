package org.witrpc.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.model.AccessMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.output.WaitingConsumer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.witrpc.WitException;
import org.witrpc.client.WitClient;
import org.witrpc.server.WitServer;
import org.witrpc.spi.RuntimeDirectory;
import org.witrpc.testkit.TestService;
import org.witrpc.testkit.TestServiceImpl;

/**
 * witrpc across container boundaries, as in a sidecar deployment: one side runs in a real Docker
 * container (built locally by {@link ContainerJre}, started with {@code --ipc=host} so it sees the
 * host's {@code /dev/shm}, as the same user, with no network), the other in this JVM; over {@code
 * mmf://} and {@code pipe://}.
 *
 * <p>Skipped with a message where Docker is not available, but failing in CI ({@link
 * ContainerDockerCondition}). Every test stops its containers and closes its servers and clients
 * after it, and removes files of its transport name from the runtime directory, even when it fails.
 */
@Testcontainers
@ExtendWith(ContainerDockerCondition.class)
class ContainerSidecarIT {
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final Duration START = Duration.ofSeconds(60);
  private static final Duration FAIL_FAST = Duration.ofSeconds(5);

  private final Closer closer = new Closer();
  private final ExecutorService callers = Executors.newCachedThreadPool();
  private Path runtimeDir;
  private String name;

  @BeforeEach
  void pickName() {
    runtimeDir = RuntimeDirectory.defaultDirectory();
    name = "ct" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet();
  }

  @AfterEach
  void cleanUp() throws Exception {
    callers.shutdownNow();
    Exception first = null;
    try {
      closer.closeAll();
    } catch (Exception e) {
      first = e;
    }
    for (Path p : filesOfName()) {
      Files.deleteIfExists(p);
    }
    if (first != null) {
      throw first;
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"mmf", "pipe"})
  void aServerInAContainerServesCallsEventsAndA64MiBPayloadToAHostClient(String transport)
      throws Exception {
    startServerContainer(transport);
    WitClient client = track(ContainerScenario.connect(ContainerScenario.uri(transport, name)));

    ContainerScenario.run(client.service(TestService.class));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"mmf", "pipe"})
  void aClientInAContainerMakesCallsGetsEventsAndSendsA64MiBPayloadToAHostServer(String transport)
      throws Exception {
    startHostServer(transport);

    GenericContainer<?> client = clientContainer(transport, true);
    int exit = runToExit(client);

    assertThat(exit).as(client.getLogs()).isZero();
    assertThat(client.getLogs()).contains("PASS");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"mmf", "pipe"})
  void killingTheServerContainerDuringACallFailsTheHostCallFastAndLeavesNoFiles(String transport)
      throws Exception {
    GenericContainer<?> server = startServerContainer(transport);
    WaitingConsumer output = new WaitingConsumer();
    server.followOutput(output, OutputFrame.OutputType.STDOUT);
    WitClient client = track(ContainerScenario.connect(ContainerScenario.uri(transport, name)));
    TestService service = client.service(TestService.class);
    CompletableFuture<String> call =
        CompletableFuture.supplyAsync(() -> service.slowEcho("x", 120_000), callers);
    output.waitUntil(f -> f.getUtf8String().contains("CALL slowEcho"), 30, TimeUnit.SECONDS);

    long killed = System.nanoTime();
    server.getDockerClient().killContainerCmd(server.getContainerId()).exec();
    Throwable failure = failureOf(call);
    Duration took = Duration.ofNanos(System.nanoTime() - killed);

    assertThat(took).isLessThan(FAIL_FAST);
    assertThat(failure).isInstanceOf(WitException.class);
    assertThatThrownBy(() -> service.echo("after")).isInstanceOf(WitException.class);
    // SIGKILL leaves the dead server's socket and, for mmf, its one spare mapping for the next
    // client, nothing else (a connection's mappings are unlinked as soon as both sides have mapped
    // them); the next server of that name reclaims both and removes its own when it closes.
    assertThat(filesOfName())
        .filteredOn(p -> !p.getFileName().toString().endsWith(".sock"))
        .hasSizeLessThanOrEqualTo(1)
        .allMatch(p -> p.getFileName().toString().endsWith(".mmf"));
    startHostServer(transport).close();
    assertThat(filesOfName()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"mmf", "pipe"})
  void killingTheClientContainerDuringACallLeavesTheHostServerServingAndNoFilesBehind(
      String transport) throws Exception {
    WitServer server = startHostServer(transport);
    GenericContainer<?> client = clientContainer(transport, true, "slow");
    client.start();
    WaitingConsumer output = new WaitingConsumer();
    client.followOutput(output, OutputFrame.OutputType.STDOUT);
    output.waitUntil(f -> f.getUtf8String().contains("CALLING"), 60, TimeUnit.SECONDS);

    client.getDockerClient().killContainerCmd(client.getContainerId()).exec();

    try (WitClient other = ContainerScenario.connect(server.address())) {
      assertThat(other.service(TestService.class).echo("still here")).isEqualTo("still here");
    }
    server.close();
    assertThat(filesOfName()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"mmf", "pipe"})
  void aContainerThatDoesNotShareTheRuntimeDirectoryGetsAnErrorNamingTheSocket(String transport)
      throws Exception {
    startHostServer(transport);

    GenericContainer<?> client = clientContainer(transport, false);
    int exit = runToExit(client);

    assertThat(exit).as(client.getLogs()).isEqualTo(1);
    assertThat(client.getLogs())
        .contains("FAIL")
        .contains(runtimeDir.resolve(name).toString())
        .containsAnyOf("does not exist", "no server is listening");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"mmf", "pipe"})
  void sharingOnlyTheRuntimeDirectoryIsEnough(String transport) throws Exception {
    startHostServer(transport);

    GenericContainer<?> client = clientContainer(transport, false);
    ContainerJre.bind(client, runtimeDir.toString(), runtimeDir.toString(), AccessMode.rw);
    int exit = runToExit(client);

    assertThat(exit).as(client.getLogs()).isZero();
  }

  // ---------------------------------------------------------------------------------------------

  private GenericContainer<?> startServerContainer(String transport) {
    GenericContainer<?> c =
        ContainerJre.jvm(ContainerServerMain.class, ContainerScenario.uri(transport, name))
            .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withIpcMode("host"))
            .withLogConsumer(log("server"))
            .waitingFor(Wait.forLogMessage(".*READY.*\\n", 1).withStartupTimeout(START));
    track(c::stop);
    c.start();
    return c;
  }

  private GenericContainer<?> clientContainer(String transport, boolean ipcHost, String... mode) {
    List<String> args = new ArrayList<>(List.of(ContainerScenario.uri(transport, name)));
    args.addAll(List.of(mode));
    GenericContainer<?> c =
        ContainerJre.jvm(ContainerClientMain.class, args.toArray(new String[0]))
            .withLogConsumer(log("client"))
            .withStartupCheckStrategy(new StartedIsEnough());
    if (ipcHost) {
      c.withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withIpcMode("host"));
    }
    track(c::stop);
    return c;
  }

  /** Starts {@code c} and waits for it to exit, returning the exit code. */
  private static int runToExit(GenericContainer<?> c) {
    c.start();
    return c.getDockerClient()
        .waitContainerCmd(c.getContainerId())
        .start()
        .awaitStatusCode(START.toSeconds(), TimeUnit.SECONDS);
  }

  private WitServer startHostServer(String transport) {
    WitServer s =
        WitServer.builder()
            .service(TestService.class, new TestServiceImpl())
            .transport(ContainerScenario.uri(transport, name))
            .serializer(ContainerScenario.serializer())
            .build();
    track(s);
    return s.start();
  }

  private <T extends AutoCloseable> T track(T closeable) {
    return closer.track(closeable);
  }

  private List<Path> filesOfName() throws IOException {
    try (Stream<Path> files = Files.list(runtimeDir)) {
      return files.filter(p -> p.getFileName().toString().startsWith(name + ".")).toList();
    }
  }

  private static Throwable failureOf(CompletableFuture<?> call) throws Exception {
    try {
      call.get(FAIL_FAST.toSeconds() * 2, TimeUnit.SECONDS);
      throw new AssertionError("the call succeeded");
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  private static java.util.function.Consumer<OutputFrame> log(String who) {
    return frame -> System.out.print("[" + who + "] " + frame.getUtf8String());
  }
}
