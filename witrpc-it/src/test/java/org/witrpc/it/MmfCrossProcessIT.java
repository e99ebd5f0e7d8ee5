package org.witrpc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.witrpc.client.WitClient;
import org.witrpc.testkit.TestService;

/**
 * Shared memory between processes at its limits: a 256 MiB call through a 1 MiB mapping (two 512
 * KiB rings, so the message is fragmented hundreds of times in each direction) and 16 client
 * threads spread over 4 client processes at once. One server JVM, with a 300 MiB frame limit,
 * serves both tests.
 */
@DisplayName("mmf:// between processes")
class MmfCrossProcessIT {
  private static ServerProcess server;

  @RegisterExtension static final CrossProcessHarness HARNESS = new CrossProcessHarness();

  @BeforeAll
  static void startServer() throws Exception {
    String prefix = HARNESS.newPrefix("mmf");
    server =
        ServerProcess.startShared(
            HARNESS.children(),
            prefix + "-server",
            List.of("-Xmx3g"),
            "mmf://" + prefix + "?size=1MiB",
            "msgpack",
            "300MiB");
    assertThat(server.uri()).endsWith("maxFrameSize=300MiB");
  }

  @AfterAll
  static void stopServer() {
    HARNESS.closeSharedAndCheckNoFilesLeft();
  }

  @Test
  void a256MiBByteArrayPassesThroughA1MiBMapping() {
    byte[] sent = new byte[256 << 20];
    new Random(256).nextBytes(sent);
    try (WitClient client =
        WitClient.builder()
            .transport(server.uri())
            .serializer(ItSerializers.byName("msgpack"))
            .timeout(Duration.ofSeconds(120))
            .build()
            .connect(Duration.ofSeconds(10))) {
      long start = System.nanoTime();
      byte[] got = client.service(TestService.class).echoBytes(sent);
      long millis = (System.nanoTime() - start) / 1_000_000;
      System.out.printf("256 MiB echo through a 1 MiB mmf mapping (msgpack): %d ms%n", millis);
      assertThat(got).hasSize(sent.length);
      assertThat(Arrays.mismatch(sent, got)).as("first differing index").isEqualTo(-1);
    }
  }

  @Test
  void sixteenClientThreadsInFourProcessesGetOnlyTheirOwnResults() throws Exception {
    ClientProcesses.runAndCheck(
        HARNESS.children(), server.uri(), "msgpack", HARNESS.prefix(), 4, 4, 500);
  }
}
