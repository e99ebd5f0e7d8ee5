package org.witrpc.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.witrpc.server.WitServer;
import org.witrpc.testkit.Calculator;

/**
 * With the default spin budget a caller spins as long as the connection's replies lately took
 * ({@link ReplyTimes}), within bounds; a budget set on the builder is kept as it is.
 */
class ReplyTimesTest {
  private static final long BASE = 20_000;
  private static final long SLOW_ADD_NANOS = TimeUnit.MICROSECONDS.toNanos(60);

  private WitServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void theBaseBudgetHoldsUntilRepliesAreKnown() {
    assertThat(new ReplyTimes().spinNanos(BASE)).isEqualTo(BASE);
  }

  @Test
  void repliesABitSlowerThanTheBaseBudgetAreSpunForHalfAsLongAgain() {
    ReplyTimes times = new ReplyTimes();
    for (int i = 0; i < 100; i++) {
      times.record(100_000);
    }
    assertThat(times.averageNanos()).isEqualTo(100_000);
    assertThat(times.spinNanos(BASE)).isEqualTo(150_000);
  }

  @Test
  void repliesFasterThanTheBaseBudgetKeepIt() {
    ReplyTimes times = new ReplyTimes();
    for (int i = 0; i < 100; i++) {
      times.record(3_000);
    }
    assertThat(times.spinNanos(BASE)).isEqualTo(BASE);
  }

  @Test
  void repliesSlowerThanTheMostItAdaptsToAreWaitedForParkedAfterTheBaseBudget() {
    ReplyTimes times = new ReplyTimes();
    for (int i = 0; i < 100; i++) {
      times.record(ReplyTimes.MAX_SPIN_NANOS);
    }
    assertThat(times.spinNanos(BASE)).isEqualTo(BASE);
  }

  @Test
  void oneVerySlowReplyStopsTheExtraSpinForAFewCallsOnly() {
    ReplyTimes times = new ReplyTimes();
    for (int i = 0; i < 100; i++) {
      times.record(50_000);
    }
    times.record(TimeUnit.SECONDS.toNanos(30));
    assertThat(times.spinNanos(BASE)).as("right after the slow reply").isEqualTo(BASE);
    int calls = 0;
    while (times.spinNanos(BASE) == BASE) {
      times.record(50_000);
      calls++;
    }
    assertThat(calls).isLessThanOrEqualTo(16);
  }

  @Test
  void theDefaultBudgetLearnsFromTheConnectionsReplies() {
    WitClient client = connectedClient("adaptive-default", b -> {});
    Calculator calc = client.service(Calculator.class);
    for (int i = 0; i < 50; i++) {
      assertThat(calc.add(i, 1)).isEqualTo(i + 1);
    }
    assertThat(client.replyTimes().averageNanos())
        .as("every reply took at least the method's own time")
        .isGreaterThanOrEqualTo(SLOW_ADD_NANOS);
    client.close();
  }

  @Test
  void aBudgetSetOnTheBuilderIsKeptAsItIs() {
    WitClient client =
        connectedClient("adaptive-explicit", b -> b.spinBudget(Duration.ofNanos(BASE)));
    Calculator calc = client.service(Calculator.class);
    for (int i = 0; i < 50; i++) {
      assertThat(calc.add(i, 1)).isEqualTo(i + 1);
    }
    assertThat(client.replyTimes().averageNanos()).as("no reply times kept").isZero();
    client.close();
  }

  private WitClient connectedClient(
      String name, java.util.function.Consumer<WitClient.Builder> config) {
    server =
        WitServer.builder()
            .service(Calculator.class, new SlowCalculator())
            .transport("mem://" + name)
            .build()
            .start();
    WitClient.Builder b = WitClient.builder().transport("mem://" + name);
    config.accept(b);
    return b.build().connect(Duration.ofSeconds(5));
  }

  /** Takes a little longer than the base spin budget for each call (busy, so never less). */
  private static final class SlowCalculator implements Calculator {
    @Override
    public int add(int a, int b) {
      long end = System.nanoTime() + SLOW_ADD_NANOS;
      while (System.nanoTime() - end < 0) {
        Thread.onSpinWait();
      }
      return a + b;
    }

    @Override
    public long multiply(long a, long b) {
      return a * b;
    }
  }
}
