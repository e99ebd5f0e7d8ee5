package org.witrpc.transport.mmf;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.witrpc.client.WitClient;
import org.witrpc.server.Dispatch;
import org.witrpc.server.WitServer;
import org.witrpc.testkit.TestService;
import org.witrpc.testkit.TestServiceImpl;

/**
 * Many threads calling through one shared-memory connection at once: they take turns reading the
 * connection themselves ({@code readUntil}) and hand it back to the reader thread; every call must
 * get its own reply, none may be lost to a missed wake-up (a lost one shows as a timeout).
 */
class MmfConcurrentCallersTest {

  @ParameterizedTest
  @EnumSource(Dispatch.class)
  void eightCallerThreadsEachGetEveryReply(Dispatch dispatch) throws Exception {
    String name = "mcc" + ProcessHandle.current().pid() + dispatch.ordinal();
    WitServer server =
        WitServer.builder()
            .service(TestService.class, new TestServiceImpl())
            .transport("mmf://" + name + "?size=64KiB")
            .dispatch(dispatch)
            .build();
    server.start();
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try (WitClient client =
        WitClient.builder().transport("mmf://" + name).timeout(Duration.ofSeconds(10)).build()) {
      client.connect(Duration.ofSeconds(5));
      TestService service = client.service(TestService.class);
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        results.add(
            threads.submit(
                () -> {
                  int ok = 0;
                  for (int i = 0; i < 5_000; i++) {
                    String expected = thread + ":" + i;
                    if (service.echo(expected).equals(expected)) {
                      ok++;
                    }
                  }
                  return ok;
                }));
      }
      for (Future<Integer> result : results) {
        assertThat(result.get()).isEqualTo(5_000);
      }
    } finally {
      threads.shutdownNow();
      server.close();
    }
  }
}
