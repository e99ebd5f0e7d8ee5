package org.witrpc.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The profiling loop")
class ProfileLoopTest {

  @Test
  @Timeout(60)
  void callsAServerInItsOwnJvmAndNamesBothPids(@TempDir Path dir) throws Exception {
    Path pids = dir.resolve("pids");

    String rate =
        ProfileLoop.run(
            new String[] {"pipe", "bulk-msgpack", "65536", "1", "--pids", pids.toString()});

    assertThat(rate)
        .matches("bulk-msgpack: [1-9][0-9]* calls, [0-9]+ MB/s \\(both directions counted\\)");
    assertThat(Files.readString(pids))
        .matches("client=" + ProcessHandle.current().pid() + " server=[0-9]+\\n");
  }

  @Test
  @Timeout(60)
  void callsATcpServerWithTls() throws Exception {
    String rate = ProfileLoop.run(new String[] {"tcp", "echo", "0", "1", "tls"});

    assertThat(rate)
        .matches("echo: [1-9][0-9]* calls from 1 threads, [0-9.]+ us per call, [0-9]+ calls/s");
  }
}
