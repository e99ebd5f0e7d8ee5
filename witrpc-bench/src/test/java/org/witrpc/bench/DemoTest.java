package org.witrpc.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("The demo (the README's first command)")
class DemoTest {

  @ParameterizedTest(name = "over {0} with {1}")
  @CsvSource({"mmf, json", "pipe, msgpack"})
  @Timeout(120)
  void runsEveryStepAgainstAWorkerJvmAndStopsItCleanly(String transport, String serializer)
      throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      Demo.show(out, transport, serializer);
    }
    String printed = bytes.toString(StandardCharsets.UTF_8);

    assertThat(printed)
        .contains("transport " + transport + ", serializer " + serializer)
        .containsPattern(
            "worker JVM pid [0-9]+ serving on " + transport + "://wk-[0-9a-f]{32}[^ ]*, connected")
        .contains("first call add(1, 2) = 3")
        .containsPattern("10,000 more add calls, cold .*: median [0-9.]+ us, p99 [0-9.]+ us")
        .containsPattern(
            "10,000 add calls after a warm-up of [0-9,]+ calls in [0-9.]+ ms, steady state:"
                + " median [0-9.]+ us, p99 [0-9.]+ us")
        .contains("echoed a 16 MiB byte[]")
        .contains("content verified")
        .contains("it completed with \"HELLO FROM THE HOST\"")
        .containsPattern("348,513 primes found in [0-9.]+ ms; [1-9][0-9]* progress events received")
        .doesNotContain("did not arrive")
        .contains("worker stopped and exited with code 0");
  }
}
