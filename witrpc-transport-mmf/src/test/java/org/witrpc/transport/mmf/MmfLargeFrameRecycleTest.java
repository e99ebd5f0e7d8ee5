package org.witrpc.transport.mmf;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.witrpc.Serializers;
import org.witrpc.client.WitClient;
import org.witrpc.server.Dispatch;
import org.witrpc.server.WitServer;
import org.witrpc.testkit.TestService;
import org.witrpc.testkit.TestServiceImpl;

/**
 * Large frames are received into the buffer of an earlier one once it is given back ({@link
 * RingBuffer#recycle}); with {@code EXECUTOR} dispatch several requests are decoded on pool threads
 * while later frames arrive. A buffer reused while a frame in it is still read would show as a
 * changed value: every echo is compared with what was sent.
 */
class MmfLargeFrameRecycleTest {
  private static final int THREADS = 4;
  private static final int CALLS = 12;

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void concurrentLargeEchoesComeBackUnchanged(boolean encryption) throws Exception {
    String name = "mlr" + ProcessHandle.current().pid() + (encryption ? "e" : "p");
    WitServer server =
        WitServer.builder()
            .service(TestService.class, new TestServiceImpl())
            .transport("mmf://" + name)
            .serializer(Serializers.messagePack())
            .encryption(encryption)
            .dispatch(Dispatch.EXECUTOR)
            .build();
    server.start();
    ExecutorService threads = Executors.newFixedThreadPool(THREADS);
    try (WitClient client =
        WitClient.builder()
            .transport("mmf://" + name)
            .serializer(Serializers.messagePack())
            .encryption(encryption)
            .timeout(Duration.ofSeconds(60))
            .build()) {
      client.connect(Duration.ofSeconds(30));
      TestService service = client.service(TestService.class);
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        results.add(
            threads.submit(
                () -> {
                  Random random = new Random(thread);
                  int unchanged = 0;
                  for (int i = 0; i < CALLS; i++) {
                    // sizes around the recycling threshold, so spares are both big and too small
                    byte[] sent =
                        new byte[RingBuffer.RECYCLED_FRAME_BYTES - 4096 + random.nextInt(1 << 20)];
                    random.nextBytes(sent);
                    if (Arrays.equals(service.echoBytes(sent), sent)) {
                      unchanged++;
                    }
                  }
                  return unchanged;
                }));
      }
      for (Future<Integer> result : results) {
        assertThat(result.get()).isEqualTo(CALLS);
      }
    } finally {
      threads.shutdownNow();
      server.close();
    }
  }
}
