package org.witrpc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * Runs several {@link TestClientMain} processes against one server at once and checks that each got
 * exactly its own results.
 *
 * <p>Thread safety: stateless.
 */
final class ClientProcesses {
  private static final Duration BOUND = Duration.ofMinutes(3);

  private ClientProcesses() {}

  /**
   * Starts {@code processes} clients, each with {@code threads} threads making {@code calls} call
   * pairs, waits for all of them, and requires every one to exit 0 after printing {@code OK} with
   * the full count.
   */
  static void runAndCheck(
      ChildJvms children,
      String uri,
      String serializer,
      String idPrefix,
      int processes,
      int threads,
      int calls)
      throws IOException, InterruptedException, TimeoutException {
    runAndCheck(children, List.of(), uri, serializer, idPrefix, processes, threads, calls);
  }

  /**
   * As {@link #runAndCheck(ChildJvms, String, String, String, int, int, int)}, with extra JVM
   * options for the clients (such as {@link TestServerMain#securityOptions}).
   */
  static void runAndCheck(
      ChildJvms children,
      List<String> jvmOptions,
      String uri,
      String serializer,
      String idPrefix,
      int processes,
      int threads,
      int calls)
      throws IOException, InterruptedException, TimeoutException {
    List<String> options = new ArrayList<>(ChildJvms.SHORT_LIVED);
    options.addAll(jvmOptions);
    List<ChildJvm> clients = new ArrayList<>();
    for (int p = 0; p < processes; p++) {
      String id = idPrefix + "c" + p;
      clients.add(
          children.start(
              id,
              options,
              TestClientMain.class,
              uri,
              serializer,
              id,
              Integer.toString(calls),
              Integer.toString(threads)));
    }
    long expected = 2L * calls * threads;
    for (ChildJvm client : clients) {
      int exit = client.awaitExit(BOUND);
      assertThat(exit).as("exit code of %s\n%s", client.name(), client.output()).isZero();
      assertThat(client.awaitLine("OK ", Duration.ofSeconds(1)))
          .as("result line of %s", client.name())
          .isEqualTo("OK " + expected);
    }
  }
}
